// Where a Langevin chain starts (Langevin, annealed Langevin): its settings, their scene-file
// fields, their checks, their widgets and the draw.
#pragma once
#include <string_view>
#include <type_traits>

#include "core/common/enum_table.h"
#include "core/common/param_editor.h"
#include "core/common/rng.h"
#include "core/common/points.h"

namespace scorelab {

struct InitialDistribution {
  enum class Kind { Uniform, Gaussian } kind = Kind::Uniform;
  double lo = -8.0, hi = 8.0;  // Uniform: the box [lo, hi]², data units (NCSN toy: U[−8, 8]²)
  double std = 1.0;            // Gaussian: N(0, std² I)
  bool operator==(const InitialDistribution&) const = default;
};

template <>
struct EnumTable<InitialDistribution::Kind> {
  static constexpr std::string_view what = "initial distribution";
  static constexpr EnumName<InitialDistribution::Kind> names[] = {
      {InitialDistribution::Kind::Uniform, "uniform", "uniform box"},
      {InitialDistribution::Kind::Gaussian, "gaussian", "Gaussian"},
  };
};

// The scene file's fields ("sampler.init"), for the scene reader and writer (core/scene/scene.cpp).
template <class V, class C>
void fields(V&& v, C& c) requires std::is_same_v<std::remove_const_t<C>, InitialDistribution> {
  v("kind", c.kind);
  v("lo", c.lo);
  v("hi", c.hi);
  v("std", c.std);
}

// Throws InputError naming "sampler.init.<field>" unless the distribution is usable.
void validate(const InitialDistribution& init);
// Fills out (already 2 × n) with n draws from init.
void sample_initial(const InitialDistribution& init, Rng& rng, Points& out);
// Its widgets (the box for Uniform, the std for Gaussian).
bool edit(ParamEditor& e, InitialDistribution& init);

}  // namespace scorelab
