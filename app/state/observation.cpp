// A click turned into the scene's condition (see observation.h).
#include "app/state/observation.h"

#include <limits>

#include "core/scene/exact_score.h"

namespace scorelab::app {

bool set_observation_at(Scene& scene, double x, double y) {
  Conditioning* c = sampler_condition(scene.sampler);
  if (!c) return false;
  using Kind = Conditioning::Kind;
  using Observe = Conditioning::Observe;
  switch (c->kind) {
    case Kind::None:
      c->kind = Kind::Observation;
      c->observe = Observe::X1;
      c->x1 = x;
      break;
    case Kind::Observation:
    case Kind::Imputation:
      if (c->observe != Observe::X2) c->x1 = x;
      if (c->observe != Observe::X1) c->x2 = y;
      break;
    case Kind::Class:
      if (const auto comps = mixture_components(scene.data)) {
        double best = std::numeric_limits<double>::infinity();
        for (std::size_t k = 0; k < comps->size(); ++k) {
          const double d = ((*comps)[k].mean - Eigen::Vector2d(x, y)).squaredNorm();
          if (d < best) best = d, c->component = int(k);
        }
      }
      break;
  }
  return true;
}

}  // namespace scorelab::app
