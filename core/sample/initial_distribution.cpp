// Where a Langevin chain starts (see initial_distribution.h).
#include "core/sample/initial_distribution.h"

#include <string>

#include "core/common/error.h"

namespace scorelab {

void validate(const InitialDistribution& init) {
  if (init.kind == InitialDistribution::Kind::Uniform) {
    require_in_range("sampler.init.lo", init.lo, -1e6, 1e6);
    require_in_range("sampler.init.hi", init.hi, -1e6, 1e6);
    if (!(init.lo < init.hi))
      throw InputError("sampler.init: lo (" + std::to_string(init.lo) +
                       ") must be smaller than hi (" + std::to_string(init.hi) + ")");
  } else {
    require_above("sampler.init.std", init.std, 0.0);
    require_in_range("sampler.init.std", init.std, 0.0, 1e6);
  }
}

void sample_initial(const InitialDistribution& init, Rng& rng, Points& out) {
  if (init.kind == InitialDistribution::Kind::Uniform) {
    rng.fill_uniform(out.data(), out.size(), static_cast<float>(init.lo),
                     static_cast<float>(init.hi));
  } else {
    rng.fill_normal(out);
    out *= static_cast<float>(init.std);
  }
}

bool edit(ParamEditor& e, InitialDistribution& init) {
  bool changed = e.choice("start", init.kind);
  if (init.kind == InitialDistribution::Kind::Uniform) {
    changed |= e.number("box lo", init.lo, -50, 0);
    changed |= e.number("box hi", init.hi, 0, 50);
  } else {
    changed |= e.number("start std", init.std, 0.01, 100, "%.3g", true);
  }
  return changed;
}

}  // namespace scorelab
