// Shared training set-ups (see recipes.h).
#include "core/train/recipes.h"

namespace scorelab {

TrainConfig ring8_vp_likelihood_recipe() {
  TrainConfig cfg;
  cfg.sde = {SdeKind::VP, 0.01, 10.0, 0.1, 20.0, 1000};
  cfg.model = default_model_for(SdeKind::VP);
  cfg.adam.lr = 3e-3;
  cfg.batch = 256;
  cfg.seed = 1;
  return cfg;
}

}  // namespace scorelab
