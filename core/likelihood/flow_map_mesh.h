// The probability-flow map as a mesh: a regular grid of G × G vertices carried by the PF-ODE
// dx/dt = f(x, t) − ½ g(t)² s(x, t) from one end of the process to the other, its vertices still
// joined along the grid's lines, so the picture shows how the deterministic map stretches, folds
// and squeezes the plane (Diffusion Explorer's warped mesh).
//
// The flow is the encoder's (core/likelihood/encoding.h: RK45 on the one ODE module, rtol = atol =
// tol, error per vertex), so the mesh, the encoding layer and the likelihood follow the same ODE.
// It lives beside the encoding, not in core/field, because it integrates the ODE (field → base
// only; likelihood → sample is the arrow the ODE already takes).
//
// Which grid (why): prior → data starts from the prior N(0, prior_std² I) of the scene's SDE, so
// its grid spans ±2.5 prior std around 0 (98.8% of the prior's mass per axis: the mesh shows where
// almost every sample's start goes); data → prior starts from the data, so its grid spans the
// data's bounding box, padded by 10% of its larger side on every side (not the camera's rectangle:
// then the mesh depends on the scene's content only, and panning does not recompute it).
#pragma once
#include <string_view>

#include "core/common/enum_table.h"
#include "core/common/points.h"
#include "core/likelihood/likelihood.h"
#include "core/noise/sde.h"
#include "core/score/score_model.h"

namespace scorelab {

// The most vertices per grid line: 61² = 3,721 vertices, ~8× the default 21²'s cost (measured at
// 21², prior -> data, RK45 1e-5: ring8's exact score 1–13 ms, moons' 2,000-point empirical one
// 0.2–0.3 s, the default network ~0.1 s of a core); the window computes it in the background.
// The scene's layers.mesh.lines range.
inline constexpr int kMaxMeshLines = 61;

enum class FlowDirection {
  PriorToData,  // from t = T (the prior) to t = eps (the data): the sampler's direction
  DataToPrior,  // from t = eps to t = T: the encoder's direction
};

// An axis-aligned rectangle, data units (x0 < x1, y0 < y1).
struct MeshRegion {
  double x0 = -1, y0 = -1, x1 = 1, y1 = 1;
  bool operator==(const MeshRegion&) const = default;
};

// ±2.5 prior std around the prior's mean 0 (see the top).
MeshRegion prior_region(const Sde& sde);
// The bounding box of `data` (2 × N, N ≥ 1, finite) padded by 10% of its larger side (at least
// 0.1 data units, so a single point still spans a grid).
MeshRegion data_region(const Points& data);

struct FlowMesh {
  int lines = 0;  // G: vertices per grid line, the grid has G × G
  FlowDirection direction = FlowDirection::PriorToData;
  MeshRegion region;     // what the regular grid spans
  double eps = 0;        // the data end of the flow (t), as likelihood_start_time gives
  PointsT<double> grid;  // 2 × G², the regular grid; vertex (i, j) (column i, row j) at j·G + i
  PointsT<double> warped;  // 2 × G², grid's vertices after the flow, same order
};

// The G × G vertices of `region` (corners on the corners), vertex (i, j) at column j·G + i.
PointsT<double> mesh_vertices(const MeshRegion& region, int lines);

// The mesh of `model` (any score: exact or learned) under `sde`: the grid over `region` carried
// from t = T to t = eps (PriorToData) or from eps to T (DataToPrior), RK45 at rtol = atol = tol.
// Deterministic. Returns false when control.cancel stopped it (mesh then untouched).
// Throws InputError for lines outside [2, kMaxMeshLines], a bad region, eps or tol;
// std::runtime_error if RK45 fails (a non-finite score).
bool flow_map_mesh(const ScoreModel& model, const Sde& sde, FlowDirection direction,
                   const MeshRegion& region, int lines, double eps, double tol, FlowMesh& mesh,
                   const LikelihoodControl& control = {});

// Keys and labels (core/common/enum_table.h).
template <>
struct EnumTable<FlowDirection> {
  static constexpr std::string_view what = "flow direction";
  // Labels in ASCII: the window's bitmap font has no arrow glyph.
  static constexpr EnumName<FlowDirection> names[] = {
      {FlowDirection::PriorToData, "prior_to_data", "prior -> data"},
      {FlowDirection::DataToPrior, "data_to_prior", "data -> prior"},
  };
};

}  // namespace scorelab
