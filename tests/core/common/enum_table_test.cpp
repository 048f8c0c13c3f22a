// Every enum table is complete: its rows are the enum's values 0, 1, 2, ... in declaration order
// (the window's combo boxes index them), keys and labels are unique and non-empty, every key
// parses back to its value, and an unknown key is refused with the allowed keys listed.
#include <doctest/doctest.h>

#include <set>

#include "core/nn/activation.h"
#include "core/nn/embedding.h"
#include "core/nn/mlp.h"
#include "core/noise/schedule.h"
#include "core/noise/sde.h"
#include "core/sample/sampler_registry.h"
#include "core/scene/scene.h"
#include "core/train/objective.h"

using namespace scorelab;

namespace {

// Checks E's table against `declared`, the enum's values as written in its declaration.
template <class E>
void check_table(std::initializer_list<E> declared) {
  const auto names = enum_names<E>();
  CAPTURE(EnumTable<E>::what);
  REQUIRE(names.size() == declared.size());  // a value missing from the table fails here
  std::set<std::string_view> keys, labels;
  std::string allowed;
  for (std::size_t i = 0; i < names.size(); ++i) {
    CHECK(static_cast<std::size_t>(names[i].value) == i);  // declaration order
    CHECK(!names[i].key.empty());
    CHECK(!names[i].label.empty());
    keys.insert(names[i].key);
    labels.insert(names[i].label);
    CHECK(enum_from_string<E>(names[i].key) == names[i].value);
    CHECK(to_string(names[i].value) == names[i].key);
    CHECK(label_of(names[i].value) == names[i].label);
    allowed += (i ? ", " : "") + std::string(names[i].key);
  }
  CHECK(keys.size() == names.size());
  CHECK(labels.size() == names.size());
  CHECK_THROWS_WITH_AS(enum_from_string<E>("no-such-key"),
                       doctest::Contains(("(allowed: " + allowed + ")").c_str()), InputError);
}

}  // namespace

// The lists below are the enums' declarations, written out: a value added to an enum but not to
// its table fails the size check; one added to neither is caught by the exhaustive switches that
// use it (-Wswitch).
TEST_CASE("enum tables: every value, in order, keys parse back") {
  check_table({Activation::SiLU, Activation::Softplus, Activation::ReLU});
  check_table({EmbeddingKind::FourierLogSigma, EmbeddingKind::SinusoidalTime});
  check_table({OutputScaling::ScoreOverSigma, OutputScaling::NoisePrediction,
               OutputScaling::Preconditioned, OutputScaling::Velocity});
  check_table({ScheduleKind::Geometric, ScheduleKind::Linear, ScheduleKind::Karras});
  check_table({SdeKind::VE, SdeKind::VP, SdeKind::SubVP, SdeKind::RectifiedFlow});
  check_table({Predictor::EulerMaruyama, Predictor::ReverseDiffusion, Predictor::Ancestral,
               Predictor::None});
  check_table({Corrector::None, Corrector::Langevin});
  check_table({OdeMethod::Euler, OdeMethod::Heun, OdeMethod::Rk4, OdeMethod::Rk45});
  check_table({InitialDistribution::Kind::Uniform, InitialDistribution::Kind::Gaussian});
  check_table({ObjectiveKind::Denoising, ObjectiveKind::Sliced, ObjectiveKind::SlicedVR,
               ObjectiveKind::Exact, ObjectiveKind::FlowMatching});
  check_table({LevelSource::Continuous, LevelSource::Discrete});
  check_table({LevelDistribution::UniformT, LevelDistribution::LogSigma});
  check_table({LossWeighting::Sigma2, LossWeighting::Balanced});
  check_table({FieldSource::Exact, FieldSource::Learned});
  check_table({Colormap::Viridis, Colormap::Magma});
  check_table({ArrowQuantity::Score, ArrowQuantity::Velocity});
  check_table({ArrowLength::Normalized, ArrowLength::Scaled, ArrowLength::Log});
  check_table({ErrorKind::Relative, ErrorKind::PWeighted});
  check_table({FlowDirection::PriorToData, FlowDirection::DataToPrior});
  check_table({MultiplesAcross::Levels, MultiplesAcross::Sdes});
}
