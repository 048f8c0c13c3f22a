// The flow-map mesh: a regular grid through the probability-flow ODE (see flow_map_mesh.h).
#include "core/likelihood/flow_map_mesh.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/common/error.h"
#include "core/likelihood/encoding.h"

namespace scorelab {

MeshRegion prior_region(const Sde& sde) {
  const double half = 2.5 * sde.prior_std();
  return {-half, -half, half, half};
}

MeshRegion data_region(const Points& data) {
  if (data.cols() == 0) throw InputError("the data → prior mesh needs at least one data point");
  if (!data.allFinite()) throw InputError("the data → prior mesh needs finite data points");
  const Eigen::Vector2d lo = data.rowwise().minCoeff().cast<double>();
  const Eigen::Vector2d hi = data.rowwise().maxCoeff().cast<double>();
  const double pad = std::max(0.1 * (hi - lo).maxCoeff(), 0.1);
  return {lo.x() - pad, lo.y() - pad, hi.x() + pad, hi.y() + pad};
}

PointsT<double> mesh_vertices(const MeshRegion& r, int lines) {
  PointsT<double> v(2, Index(lines) * lines);
  for (int j = 0; j < lines; ++j)
    for (int i = 0; i < lines; ++i) {
      // Computed from the index (not accumulated), so the last line lands on the edge exactly.
      const double u = double(i) / (lines - 1), w = double(j) / (lines - 1);
      v.col(Index(j) * lines + i) << r.x0 + u * (r.x1 - r.x0), r.y0 + w * (r.y1 - r.y0);
    }
  return v;
}

bool flow_map_mesh(const ScoreModel& model, const Sde& sde, FlowDirection direction,
                   const MeshRegion& region, int lines, double eps, double tol, FlowMesh& mesh,
                   const LikelihoodControl& control) {
  require_in_range("mesh.lines", lines, 2, kMaxMeshLines);
  for (const double v : {region.x0, region.y0, region.x1, region.y1})
    if (!std::isfinite(v)) throw InputError("the mesh's region is not finite");
  if (!(region.x0 < region.x1 && region.y0 < region.y1))
    throw InputError("the mesh's region is empty (x0 < x1 and y0 < y1 are needed)");
  FlowMesh m;
  m.lines = lines;
  m.direction = direction;
  m.region = region;
  m.eps = eps;
  m.grid = mesh_vertices(region, lines);
  // encode() takes float points (what a data batch is); the prior's grid is double already, and
  // decode() takes it as it is.
  const bool done = direction == FlowDirection::DataToPrior
                        ? encode(model, sde, m.grid.cast<float>(), eps, tol, m.warped, control)
                        : decode(model, sde, m.grid, eps, tol, m.warped, control);
  if (!done) return false;
  mesh = std::move(m);
  return true;
}

}  // namespace scorelab
