// The encoding layer: the probability-flow ODE as an encoder. The first `points` data points go
// forwards from t = eps to their codes x(T) (cyan, joined to their points by faint lines), then
// the codes go backwards to t = eps (magenta, over the data); the readout along the bottom is the
// round trip's largest distance, which shows that decoding returns the points. The panel's score
// (exact, or learned). RK45 at rtol = atol = 1e-5, run on the UI thread: 100 points take a few
// milliseconds with the exact score, ~0.1 s with a learned one, so while training runs a learned
// encoding is redone at most every 2 s (scripted runs: whenever the model changed).
#include <cstdio>

#include "app/layers/layer.h"
#include "app/layers/widgets.h"
#include "app/state/model_density.h"
#include "core/likelihood/encoding.h"

namespace scorelab::layers {

namespace {

constexpr double kTol = 1e-5;
constexpr double kLearnedInterval = 2.0;  // seconds between learned recomputes while training

struct Key {
  long data_revision = -1, model_step = -2;
  FieldSource source = FieldSource::Exact;
  int points = 0;
  bool ema = true;
  SdeParams sde;
  bool operator==(const Key&) const = default;
};

struct PanelState {
  Key key;
  double computed_at = -1e9;
  Points data, codes, decoded;  // 2 × n
  double max_error = 0;         // data units
  std::string error;
  long revision = 0;
  bool made = false;
  render::VertexArray code_vao, back_vao, line_vao;
  render::Buffer code_buf, back_buf, line_buf;
  long uploaded = -1;
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
    PanelState& st = state_[f.panel];
    const ScoreModel* model = f.ctx.model(f.inputs.source);
    if (!model) return;
    const Scene& s = f.ctx.scene();
    const Key key{f.ctx.data_revision(), f.inputs.source == FieldSource::Learned ? f.ctx.model_step() : -1,
                  f.inputs.source, s.layers.encoding.points, s.ui.use_ema, s.noise.sde};
    if (key == st.key) return;
    const bool only_step = f.inputs.source == FieldSource::Learned && st.key.model_step >= 0 &&
                           Key{key.data_revision, st.key.model_step, key.source, key.points,
                               key.ema, key.sde} == st.key;
    if (only_step && !f.inputs.scripted && f.inputs.now - st.computed_at < kLearnedInterval) return;
    st.key = key;
    st.computed_at = f.inputs.now;
    const Points& all = f.ctx.data_points();
    st.data = all.leftCols(std::min<Index>(s.layers.encoding.points, all.cols()));
    try {
      const Sde sde(s.noise.sde);
      const double eps = app::model_density_eps(s.noise.sde, 0.0);
      PointsT<double> codes, back;
      encode(*model, sde, st.data, eps, kTol, codes);
      decode(*model, sde, codes, eps, kTol, back);
      st.codes = codes.cast<float>();
      st.decoded = back.cast<float>();
      st.max_error = st.data.cols() ? (back - st.data.cast<double>()).colwise().norm().maxCoeff() : 0;
      st.error.clear();
    } catch (const std::exception& e) {
      st.codes.resize(2, 0), st.decoded.resize(2, 0);
      st.error = std::string("encoding: ") + e.what();
    }
    ++st.revision;
  }

  void draw(render::Painter& painter, PanelFrame& f) override {
    PanelState& st = state_[f.panel];
    if (st.codes.cols() == 0) return;
    if (!st.made) {
      render::Painter::make_point_layout(st.code_vao, st.code_buf);
      render::Painter::make_point_layout(st.back_vao, st.back_buf);
      render::Painter::make_line_layout(st.line_vao, st.line_buf);
      st.made = true;
    }
    if (st.uploaded != st.revision) {
      st.code_buf.upload(st.codes.data(), sizeof(float) * st.codes.size());
      st.back_buf.upload(st.decoded.data(), sizeof(float) * st.decoded.size());
      // Lines: (x, y, r, g, b, a) per vertex, point then code.
      std::vector<float> v;
      v.reserve(std::size_t(st.codes.cols()) * 12);
      for (Index i = 0; i < st.codes.cols(); ++i)
        for (const Points* p : {&st.data, &st.codes})
          v.insert(v.end(), {(*p)(0, i), (*p)(1, i), 0.8f, 0.9f, 1.0f, 0.25f});
      st.line_buf.upload(v.data(), sizeof(float) * v.size());
      st.uploaded = st.revision;
    }
    const auto n = static_cast<GLsizei>(st.codes.cols());
    if (f.layers().encoding.lines) painter.lines(st.line_vao, 2 * n);
    const float px = painter.pixel_scale();
    painter.points(st.code_vao, n, 4 * px, {0.3f, 0.9f, 1.0f, 0.95f});    // codes: cyan
    painter.points(st.back_vao, n, 2.5f * px, {1.0f, 0.3f, 0.9f, 0.95f});  // decoded: magenta
  }

  std::vector<ReadoutLine> readouts(const PanelFrame& f) const override {
    const PanelState& st = state_[f.panel];
    if (!st.error.empty()) return {{st.error, IM_COL32(255, 120, 100, 255)}};
    if (st.codes.cols() == 0) return {};
    char text[200];
    std::snprintf(text, sizeof text, "%ld codes x(1) (cyan), decoded (magenta): max error %.2g",
                  long(st.codes.cols()), st.max_error);
    return {{text, IM_COL32(190, 240, 255, 255)}};
  }

 private:
  // Mutable: a panel's state is made on first use, which may be a const overlay call.
  mutable PerPanel<PanelState> state_;
};

}  // namespace

std::unique_ptr<Layer> make_encoding_layer() { return std::make_unique<EncodingLayer>(); }

}  // namespace scorelab::layers
