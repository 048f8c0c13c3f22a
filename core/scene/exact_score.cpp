// make_exact_score and make_data_source: a DataConfig turned into a score model or a data stream.
#include "core/scene/exact_score.h"

#include "core/distributions/datasets.h"
#include "core/distributions/empirical_mixture.h"
#include "core/distributions/gaussian_mixture.h"

namespace scorelab {

namespace {

Points to_points(const PointSet& set) {
  Points p(2, Index(set.points.size()));
  for (std::size_t i = 0; i < set.points.size(); ++i) p.col(Index(i)) = set.points[i].cast<float>();
  return p;
}

}  // namespace

std::unique_ptr<ScoreModel> make_exact_score(const DataConfig& data, Rng& rng) {
  if (const auto* comps = std::get_if<MixtureComponents>(&data.source))
    return std::make_unique<GaussianMixture>(*comps);
  if (const auto* set = std::get_if<PointSet>(&data.source))
    return std::make_unique<EmpiricalMixture>(to_points(*set));
  const DatasetInfo& info = find_dataset(std::get<std::string>(data.source));
  if (info.mixture) return std::make_unique<GaussianMixture>(info.mixture());
  Points points;
  sample_dataset(info, data.points, rng, points);
  return std::make_unique<EmpiricalMixture>(points);
}

std::optional<MixtureComponents> mixture_components(const DataConfig& data) {
  if (const auto* c = std::get_if<MixtureComponents>(&data.source)) return *c;
  if (const auto* name = std::get_if<std::string>(&data.source))
    if (const DatasetInfo& info = find_dataset(*name); info.mixture)
      return info.mixture().components();
  return std::nullopt;
}

SceneData make_scene_data(const DataConfig& data, Rng& rng) {
  SceneData out;
  std::unique_ptr<GaussianMixture> mixture;
  if (const auto* comps = std::get_if<MixtureComponents>(&data.source)) {
    mixture = std::make_unique<GaussianMixture>(*comps);
  } else if (const auto* set = std::get_if<PointSet>(&data.source)) {
    out.points = to_points(*set);
  } else if (const DatasetInfo& info = find_dataset(std::get<std::string>(data.source));
             info.mixture) {
    mixture = std::make_unique<GaussianMixture>(info.mixture());
  } else {
    sample_dataset(info, data.points, rng, out.points);
  }
  if (mixture) {
    mixture->sample(data.points, rng, out.points);
    out.exact = std::move(mixture);
  } else {
    out.exact = std::make_unique<EmpiricalMixture>(out.points);
  }
  return out;
}

}  // namespace scorelab

namespace scorelab {

DataSource make_data_source(const DataConfig& data) {
  if (const auto* set = std::get_if<PointSet>(&data.source)) {
    // Draws with replacement from the drawn points.
    return [points = to_points(*set)](Index n, Rng& rng, Points& out) {
      out.resize(2, n);
      for (Index i = 0; i < n; ++i) out.col(i) = points.col(Index(rng.below(points.cols())));
    };
  }
  const auto* comps = std::get_if<MixtureComponents>(&data.source);
  const DatasetInfo* info = comps ? nullptr : &find_dataset(std::get<std::string>(data.source));
  if (info && !info->mixture)
    return [info](Index n, Rng& rng, Points& out) { sample_dataset(*info, n, rng, out); };
  // Mixtures (custom or named) are labelled: each draw's component is its class.
  GaussianMixture gmm = comps ? GaussianMixture(*comps) : info->mixture();
  const int classes = static_cast<int>(gmm.size());
  return DataSource(
      [gmm = std::move(gmm)](Index n, Rng& rng, Points& out, std::vector<int>* labels) {
        gmm.sample(n, rng, out, NoiseLevel::clean(), labels);
      },
      classes);
}

}  // namespace scorelab
