// The encoding layer: the probability-flow ODE as an encoder. The first `points` data points go
// forwards from t = eps to their codes x(T) (cyan, joined to their points by faint lines), then
// the codes go backwards to t = eps (magenta, over the data); the readout along the bottom is the
// round trip's largest distance, which shows that decoding returns the points. The panel's score
// (exact, or learned); PanelFields::encoding (app/state/fields.h) computes it and says when.
#include <cstdio>

#include "app/layers/layer.h"
#include "app/widgets/widgets.h"

namespace scorelab::layers {

namespace {

// GPU copies of one panel's encoding.
struct Gpu {
  render::VertexArray code_vao, back_vao, line_vao;
  render::Buffer code_buf, back_buf, line_buf;
  long uploaded = -1;
  Gpu() {
    render::Painter::make_point_layout(code_vao, code_buf);
    render::Painter::make_point_layout(back_vao, back_buf);
    render::Painter::make_line_layout(line_vao, line_buf);
  }
};

class EncodingLayer final : public Layer {
 public:
  std::string_view label() const override { return "encoding (PF-ODE codes)"; }
  int key() const override { return -1; }
  bool on(const LayersConfig& l) const override { return l.encoding.on; }
  void set_on(LayersConfig& l, bool on) const override { l.encoding.on = on; }
  bool widgets(LayersConfig& l) const override {
    bool changed = ui::slider("points##enc", l.encoding.points, 1, 2000);
    changed |= ImGui::Checkbox("lines to the codes", &l.encoding.lines);
    return changed;
  }

  void compute(PanelFrame& f) override {
    encoding_[std::size_t(f.panel)] = f.fields.encoding(f.inputs, f.layers().encoding.points);
  }

  void draw(render::Painter& painter, PanelFrame& f) override {
    const app::Encoding* e = encoding(f);
    if (!e || e->codes.cols() == 0) return;
    const app::Encoding& st = *e;
    Gpu& g = gpu_[f.panel];
    if (g.uploaded != st.revision) {
      g.code_buf.upload(st.codes.data(), sizeof(float) * st.codes.size());
      g.back_buf.upload(st.decoded.data(), sizeof(float) * st.decoded.size());
      // Lines: (x, y, r, g, b, a) per vertex, point then code.
      std::vector<float> v;
      v.reserve(std::size_t(st.codes.cols()) * 12);
      for (Index i = 0; i < st.codes.cols(); ++i)
        for (const Points* p : {&st.data, &st.codes})
          v.insert(v.end(), {(*p)(0, i), (*p)(1, i), 0.8f, 0.9f, 1.0f, 0.25f});
      g.line_buf.upload(v.data(), sizeof(float) * v.size());
      g.uploaded = st.revision;
    }
    const auto n = static_cast<GLsizei>(st.codes.cols());
    if (f.layers().encoding.lines) painter.lines(g.line_vao, 2 * n);
    const float px = painter.pixel_scale();
    painter.points(g.code_vao, n, 4 * px, {0.3f, 0.9f, 1.0f, 0.95f});    // codes: cyan
    painter.points(g.back_vao, n, 2.5f * px, {1.0f, 0.3f, 0.9f, 0.95f});  // decoded: magenta
  }

  std::vector<ReadoutLine> readouts(const PanelFrame& f) const override {
    const app::Encoding* e = encoding(f);
    if (!e) return {};
    const app::Encoding& st = *e;
    if (!st.error.empty()) return {{st.error, IM_COL32(255, 120, 100, 255)}};
    if (st.codes.cols() == 0) return {};
    char text[200];
    std::snprintf(text, sizeof text, "%ld codes x(1) (cyan), decoded (magenta): max error %.2g",
                  long(st.codes.cols()), st.max_error);
    return {{text, IM_COL32(190, 240, 255, 255)}};
  }

 private:
  // This frame's encoding (PanelFields::encoding), null while a learned panel has no snapshot:
  // asked for in compute(), read by draw() and readouts().
  const app::Encoding* encoding(const PanelFrame& f) const {
    return encoding_[std::size_t(f.panel)];
  }

  PerPanel<Gpu> gpu_;
  std::array<const app::Encoding*, kMaxPanels> encoding_{};
};

}  // namespace

std::unique_ptr<Layer> make_encoding_layer() { return std::make_unique<EncodingLayer>(); }

}  // namespace scorelab::layers
