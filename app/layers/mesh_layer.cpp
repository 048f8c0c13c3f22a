// The mesh layer: the probability-flow map drawn as a warped grid. A regular G × G grid (over
// ±2.5 prior std for prior -> data, over the data's padded bounding box for data -> prior) is
// carried by the PF-ODE of the panel's score, and its vertices are joined along the grid's lines
// in amber; optionally the unwarped grid faintly beneath. The line along the bottom says which map
// it is — direction and exact or learned score — of the mesh as computed (its key), not of the
// settings, so the words stay true while a new mesh is still computing (a progress bar then).
// PanelFields::mesh (app/state/flow_mesh.h) computes it in the background and says when.
#include <cstdio>

#include "app/layers/layer.h"
#include "app/widgets/widgets.h"

namespace scorelab::layers {

namespace {

constexpr float kWarped[4] = {1.0f, 0.78f, 0.3f, 0.9f};     // amber
constexpr float kReference[4] = {1.0f, 1.0f, 1.0f, 0.18f};  // faint white

// GL_LINES vertices (x, y, r, g, b, a) of the grid lines through `v` (G × G vertices, vertex
// (i, j) at column j·G + i): each row's and each column's neighbours joined.
void grid_lines(const PointsT<double>& v, int g, const float (&rgba)[4], std::vector<float>& out) {
  const auto put = [&](Index c) {
    out.insert(out.end(), {float(v(0, c)), float(v(1, c)), rgba[0], rgba[1], rgba[2], rgba[3]});
  };
  for (int j = 0; j < g; ++j)
    for (int i = 0; i + 1 < g; ++i) {
      put(Index(j) * g + i), put(Index(j) * g + i + 1);  // along the row
      put(Index(i) * g + j), put(Index(i + 1) * g + j);  // along the column
    }
}

class MeshLayer final : public Layer {
 public:
  // Its first word, "mesh", is its name for export --layers.
  std::string_view label() const override { return "mesh (PF-ODE flow map)"; }
  int key() const override { return -1; }
  bool on(const LayersConfig& l) const override { return l.mesh.on; }
  void set_on(LayersConfig& l, bool on) const override { l.mesh.on = on; }
  bool widgets(LayersConfig& l) const override {
    bool changed = ui::enum_combo("direction##mesh", l.mesh.direction);
    changed |= ui::slider("lines##mesh", l.mesh.lines, 2, kMaxMeshLines);
    changed |= ImGui::Checkbox("unwarped grid", &l.mesh.reference);
    return changed;
  }

  void compute(PanelFrame& f) override {
    cache_[std::size_t(f.panel)] = &f.fields.mesh(f.inputs, f.layers().mesh);
  }

  void draw(render::Painter& painter, PanelFrame& f) override {
    const app::FlowMeshCache* c = cache_[std::size_t(f.panel)];
    if (!c || !c->mesh()) return;
    const FlowMesh& m = *c->mesh();
    Gpu& g = gpu_[f.panel];
    if (!g.made) {
      render::Painter::make_line_layout(g.warped_vao, g.warped);
      render::Painter::make_line_layout(g.reference_vao, g.reference);
      g.made = true;
    }
    if (g.revision != c->revision()) {
      g.staging.clear();
      grid_lines(m.warped, m.lines, kWarped, g.staging);
      g.warped.upload(g.staging.data(), sizeof(float) * g.staging.size());
      g.warped_count = GLsizei(g.staging.size() / 6);
      g.staging.clear();
      grid_lines(m.grid, m.lines, kReference, g.staging);
      g.reference.upload(g.staging.data(), sizeof(float) * g.staging.size());
      g.reference_count = GLsizei(g.staging.size() / 6);
      g.revision = c->revision();
    }
    if (f.layers().mesh.reference) painter.lines(g.reference_vao, g.reference_count);
    painter.lines(g.warped_vao, g.warped_count);
  }

  std::vector<ReadoutLine> readouts(const PanelFrame& f) const override {
    const app::FlowMeshCache* c = cache_[std::size_t(f.panel)];
    if (!c) return {};
    std::vector<ReadoutLine> out;
    if (!c->error().empty()) out.push_back({c->error(), IM_COL32(255, 120, 100, 255)});
    if (c->running())
      out.push_back({"flow map: computing", IM_COL32(230, 230, 230, 255), float(c->progress())});
    if (const FlowMesh* m = c->mesh()) {
      const app::FlowMeshKey& k = c->key();
      char text[200];
      std::snprintf(text, sizeof text, "flow map %s (%s score), %dx%d grid over %s",
                    std::string(enum_name(k.direction).label).c_str(),
                    k.source == FieldSource::Exact ? "exact" : "learned", m->lines, m->lines,
                    k.direction == FlowDirection::PriorToData ? "+-2.5 prior std" : "the data");
      out.push_back(
          {text, IM_COL32(255, 220, 150, 255), std::nullopt,
           IM_COL32(int(255 * kWarped[0]), int(255 * kWarped[1]), int(255 * kWarped[2]), 255)});
    }
    return out;
  }

 private:
  struct Gpu {
    render::VertexArray warped_vao, reference_vao;
    render::Buffer warped, reference;  // line vertices (x, y, r, g, b, a)
    bool made = false;
    long revision = -1;
    GLsizei warped_count = 0, reference_count = 0;
    std::vector<float> staging;
  };
  PerPanel<Gpu> gpu_;
  // This frame's cache of each panel (PanelFields::mesh): asked for in compute(), read by draw()
  // and readouts().
  std::array<const app::FlowMeshCache*, kMaxPanels> cache_{};
};

}  // namespace

std::unique_ptr<Layer> make_mesh_layer() {
  return std::make_unique<MeshLayer>();
}

}  // namespace scorelab::layers
