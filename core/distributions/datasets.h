// The table of 2-D toy datasets. Adding a dataset touches this table only (datasets.cpp).
//
// Two kinds: mixtures (closed-form density and score at every noise level) and sample-only sets
// (moons, rings, …), whose exact perturbed score is the EmpiricalMixture of a finite draw.
// All live roughly in [−6, 6]², the scale of the 8-Gaussian ring (radius 4).
#pragma once
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include "core/common/rng.h"
#include "core/distributions/gaussian_mixture.h"

namespace scorelab {

struct DatasetInfo {
  std::string_view name;         // key used in scene files, e.g. "ring8"
  std::string_view description;  // one line for help texts and the UI
  // Exactly one of the two is set.
  std::function<GaussianMixture()> mixture;                      // mixtures
  std::function<void(Index n, Rng& rng, Points& out)> sampler;  // sample-only sets
};

const std::vector<DatasetInfo>& datasets();
const DatasetInfo& find_dataset(std::string_view name);  // throws InputError listing the names

// Draw n points of any dataset (mixtures sample their clean density).
void sample_dataset(const DatasetInfo& dataset, Index n, Rng& rng, Points& out);

// The mixture presets, also reachable through the table.
GaussianMixture two_gaussians();  // the two-mode mixture of the blog figures
GaussianMixture ncsn_toy();       // 0.8·N((5,5), I) + 0.2·N((−5,−5), I)  (NCSN models/gmm.py)
GaussianMixture ring8();          // 8 Gaussians on a circle of radius 4, std 0.3 (the peers' data)
GaussianMixture grid25();         // 25 Gaussians on a 5×5 grid

}  // namespace scorelab
