// The widgets of each sampler kind (see sampler_widgets.h).
#include "app/ui/sampler_widgets.h"

#include <imgui.h>

#include "app/layers/widgets.h"

namespace scorelab::ui {

namespace {

// Where a Langevin chain starts.
bool initial_widgets(InitialDistribution& d) {
  bool changed = enum_combo("start", d.kind);
  if (d.kind == InitialDistribution::Kind::Uniform) {
    changed |= slider("box lo", d.lo, -50, 0);
    changed |= slider("box hi", d.hi, 0, 50);
  } else {
    changed |= slider("start std", d.std, 0.01, 100, "%.3g", true);
  }
  return changed;
}

}  // namespace

bool condition_widgets(Conditioning& c) {
  bool changed = enum_combo("condition", c.kind);
  if (c.kind == Conditioning::Kind::Imputation) {
    changed |= enum_combo("imputation method", c.imputer);
    if (c.observe == Conditioning::Observe::Both) c.observe = Conditioning::Observe::X1;
  }
  if (c.kind == Conditioning::Kind::Imputation || c.kind == Conditioning::Kind::Observation)
    changed |= enum_combo("observed", c.observe);
  if (c.kind == Conditioning::Kind::Observation)
    changed |= slider("observation noise", c.noise, 1e-3, 10, "%.3g", true);
  if (c.kind == Conditioning::Kind::Class) changed |= slider("component", c.component, 0, 63);
  if (c.kind == Conditioning::Kind::Observation || c.kind == Conditioning::Kind::Class)
    changed |= slider("guidance scale", c.scale, 0, 20, "%.3g");
  return changed;
}

bool sampler_widgets(LangevinConfig& c) {
  bool changed = slider("step size", c.step_size, 1e-5, 10, "%.3g", true);
  changed |= slider("steps", c.steps, 1, 10000);
  changed |= slider("sigma", c.sigma, 0, 20, "%.3g");
  changed |= initial_widgets(c.init);
  return changed;
}

bool sampler_widgets(AnnealedLangevinConfig& c) {
  bool changed = slider("epsilon", c.epsilon, 1e-7, 10, "%.3g", true);
  changed |= slider("T per level", c.steps_per_level, 1, 1000);
  changed |= checkbox("final denoise", c.denoise);
  changed |= initial_widgets(c.init);
  return changed;
}

bool sampler_widgets(ReverseSdeConfig& c) {
  bool changed = enum_combo("predictor", c.predictor);
  changed |= enum_combo("corrector", c.corrector);
  if (c.corrector == Corrector::Langevin) {
    changed |= slider("snr", c.snr, 0.001, 10, "%.3g", true);
    changed |= slider("corrector steps", c.corrector_steps, 1, 10);
  }
  changed |= checkbox("final denoise", c.denoise);
  return changed;
}

bool sampler_widgets(ProbabilityFlowConfig& c) {
  bool changed = enum_combo("method", c.method);
  if (c.method == OdeMethod::Rk45) {
    changed |= slider("rtol", c.rtol, 1e-8, 1e-1, "%.2g", true);
    changed |= slider("atol", c.atol, 1e-8, 1e-1, "%.2g", true);
  } else {
    changed |= slider("steps", c.steps, 1, 2000);
  }
  return changed;
}

}  // namespace scorelab::ui
