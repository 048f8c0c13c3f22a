// A Layer: one thing the plot can draw (the density heatmap, the score arrows, the particles, ...),
// all of its drawing in one file: its entry in the table (label, key, on/off in the scene's layers
// block), its widgets in the Layers panel, its compute step (asking the panel's PanelFields, which
// the context owns, for what it draws), its GL draw and its legend. The window, the export, the
// Layers panel, the keyboard and the overlay only ever iterate the table (layer_table.h).
//
// Adding a layer: its settings header core/scene/layers/<key>_layer.h (struct, key, fields,
// validate) with its row in LayersConfig (core/scene/layers_config.h), one file here defining the
// class and its make_ function, one line in layer_table.cpp; and when it shows something new
// computed from the scene, that result as a keyed member of PanelFields (app/state/fields.h, with
// its invalidation test in tests/state).
#pragma once
#include <imgui.h>

#include <algorithm>
#include <array>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "app/render/painter.h"
#include "app/state/app_context.h"
#include "app/state/fields.h"
#include "app/view/camera.h"

namespace scorelab::layers {

// What a layer sees of one panel in one frame.
struct PanelFrame {
  const app::AppContext& ctx;
  int panel = 0;                 // 0 left (or the only one), 1 right, … (row by row)
  int row = 0, column = 0;       // its place in the layout's grid
  view::WorldRect world;         // what the panel shows, data units
  view::PixelRect rect;          // where, in overlay (ImGui) pixels
  app::PanelFields& fields;      // the panel's derived fields (owned by the context)
  app::FieldInputs inputs;       // its level, source and models this frame
  float line_scale = 1;          // lines, arrows and points: overlay pixels per UI pixel

  const LayersConfig& layers() const { return ctx.scene().layers; }
  // The score arrows' settings as drawn: the grid thinned so arrows stay at least 18 UI pixels
  // (× line_scale) apart, so thick presenter arrows in a small panel do not merge into a carpet.
  // The arrows and streamlines layers share this field.
  ScoreLayerSettings score_config() const {
    ScoreLayerSettings cfg = layers().score;
    const float longer = std::max(rect.w, rect.h);
    cfg.grid = std::min(cfg.grid, std::max(4, int(longer / (18 * line_scale))));
    return cfg;
  }
};

// A colour bar the overlay stacks in the panel's top-right corner.
struct Legend {
  Colormap map = Colormap::Viridis;
  std::string title;
  float lo = 0, hi = 1;
  const char* format = "%.1f";  // printf format of the end labels
  // The same in every panel (the locked density scale): small multiples show it once, on the last
  // panel, instead of repeating it.
  bool shared = false;
};

// A line a layer writes along the bottom of its panel: which quantity its colours are, a job's
// progress, a readout. The overlay stacks every layer's lines up from the bottom edge (above the x
// tick labels) in table order, so they never overlap each other, and keeps the legends clear of
// them (panel_overlay.cpp).
struct ReadoutLine {
  ReadoutLine(std::string text_, ImU32 color_, std::optional<float> progress_ = std::nullopt,
              std::optional<ImU32> key_ = std::nullopt)
      : text(std::move(text_)), color(color_), progress(progress_), key(key_) {}
  std::string text;
  ImU32 color;
  std::optional<float> progress;  // [0, 1]: a progress bar before the text
  std::optional<ImU32> key;       // a sample of a line of this colour before the text
};

// Per-panel state of a layer made on first use (GL objects need a current context).
template <class T>
class PerPanel {
 public:
  T& operator[](int panel) {
    if (!items_[panel]) items_[panel] = std::make_unique<T>();
    return *items_[panel];
  }

 private:
  std::array<std::unique_ptr<T>, kMaxPanels> items_;
};

// GPU copies the layers share (made on first use, inside a draw, when a GL context is current).

// A scalar grid as a float texture, re-uploaded only when its revision changes.
struct GridTexture {
  render::FloatTexture texture;
  // Nothing uploaded yet: no revision has this value (a -1 here once matched the first
  // conditional density, uploaded as −revision, and left an export's heatmap blank).
  long revision = std::numeric_limits<long>::min();
  void update(const Grid& grid, const Values& values, long new_revision) {
    if (revision == new_revision) return;
    texture.upload(grid.nx, grid.ny, values.data());
    revision = new_revision;
  }
};

// Points (2 × n, data units) in a vertex buffer, re-uploaded only when their revision changes.
struct PointBuffer {
  render::VertexArray vao;
  render::Buffer points;
  GLsizei count = 0;
  long revision = std::numeric_limits<long>::min();  // nothing uploaded yet
  PointBuffer() { render::Painter::make_point_layout(vao, points); }
  void update(const Points& x, long new_revision) {
    if (revision == new_revision) return;
    points.upload(x.data(), sizeof(float) * x.size());
    count = static_cast<GLsizei>(x.cols());
    revision = new_revision;
  }
};

class Layer {
 public:
  virtual ~Layer() = default;

  // ---- its row in the table --------------------------------------------------------------------
  virtual std::string_view label() const = 0;  // in the Layers panel and the export list
  virtual int key() const = 0;                 // the digit key that toggles it (0 … 9), −1: none
  virtual bool on(const LayersConfig& layers) const = 0;
  virtual void set_on(LayersConfig& layers, bool on) const = 0;
  // The widgets of its settings, shown in the Layers panel while it is on; true when one changed.
  // A layer with buttons overrides the second form, whose buttons post Commands.
  virtual bool widgets(LayersConfig&) const { return false; }
  virtual bool widgets(LayersConfig& l, std::vector<app::Command>& commands) const {
    (void)commands;
    return widgets(l);
  }

  // ---- per panel, per frame (only while on) ----------------------------------------------------
  // Asks the panel's fields (f.fields, owned by the context) for what it draws; they recompute
  // only what their key says changed. No caches of its own: a layer keeps only GPU copies.
  virtual void compute(PanelFrame&) {}
  // Draws with the painter into the panel's viewport (GL).
  virtual void draw(render::Painter&, PanelFrame&) {}
  // Its colour bar, if it has one this frame.
  virtual std::optional<Legend> legend(const PanelFrame&) const { return std::nullopt; }
  // Its lines along the bottom of the panel this frame (the overlay places them).
  virtual std::vector<ReadoutLine> readouts(const PanelFrame&) const { return {}; }
  // Other text or marks over the panel (ImGui's background draw list), e.g. tick labels.
  virtual void overlay(ImDrawList*, const PanelFrame&) const {}
};

}  // namespace scorelab::layers
