// Training set-ups that the tests and the benchmark share, so that a benchmark figure is measured
// on the model a test checks (and neither copy can drift from the other).
#pragma once
#include "core/train/training_session.h"

namespace scorelab {

// The learned score of the likelihood test and the likelihood_learned benchmark: the 8-Gaussian
// ring (distributions/datasets.h ring8) under VP (β from 0.1 to 20, N = 1000), the default VP
// network, Adam at 3e-3, batch 256, seed 1 (trained for 2,000 DSM steps by both).
TrainConfig ring8_vp_likelihood_recipe();

}  // namespace scorelab
