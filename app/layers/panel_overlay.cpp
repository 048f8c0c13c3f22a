// The caption, legends, layer overlays and editing marks over a plot panel (see plot_overlay.h).
#include "app/layers/panel_overlay.h"

#include <imgui.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <initializer_list>
#include <string>
#include <vector>

#include "app/render/colormap.h"
#include "app/render/painter.h"
#include "app/view/placement.h"
#include "app/widgets/item_report.h"
#include "app/widgets/widgets.h"
#include "core/sample/sampler_registry.h"
#include "core/scene/exact_score.h"

namespace scorelab::layers {

namespace {

// The colormap's colour at t as the heatmap shows it (× the palette's gain: presenter mode dims it).
ImU32 color_of(Colormap map, float t, float gain) {
  const auto c = render::colormap_rgb(map, t);
  return IM_COL32(int(gain * c[0] * 255), int(gain * c[1] * 255), int(gain * c[2] * 255), 255);
}

// Text at `px` pixels with a dark outline (the legend's size, which may be below the UI font's).
void sized_text(ImDrawList* dl, ImVec2 p, const char* text, float px, bool outline) {
  ImFont* font = ImGui::GetFont();
  if (outline)
    for (const ImVec2 d : {ImVec2(-1, 0), ImVec2(1, 0), ImVec2(0, -1), ImVec2(0, 1)})
      dl->AddText(font, px, ImVec2(p.x + d.x, p.y + d.y), IM_COL32(0, 0, 0, 200), text);
  dl->AddText(font, px, p, IM_COL32_WHITE, text);
}

ImVec2 sized_text_size(const char* text, float px) {
  return ImGui::GetFont()->CalcTextSizeA(px, FLT_MAX, 0, text);
}

// A vertical colour bar `h` pixels long with its title and end labels in a dark box, its text
// `text_px` high (the UI font's size, smaller in a short panel so legends fit beside the data).
struct ColourBar {
  const Legend& legend;
  float scale, h, text_px;
  float gain = 1;  // the heatmap's colour gain (render::Palette)
  char lo_text[32], hi_text[32];

  ColourBar(const Legend& l, float scale_, float h_, float text_px_)
      : legend(l), scale(scale_), h(h_), text_px(text_px_) {
    std::snprintf(lo_text, sizeof lo_text, l.format, l.lo);
    std::snprintf(hi_text, sizeof hi_text, l.format, l.hi);
  }
  float bar_w() const { return 14 * scale; }
  float pad() const { return 6 * scale; }
  float label_w() const {
    return std::max({sized_text_size(lo_text, text_px).x, sized_text_size(hi_text, text_px).x,
                     sized_text_size(legend.title.c_str(), text_px).x - bar_w() - pad()});
  }
  float width() const { return bar_w() + label_w() + 3 * pad(); }
  float title_h() const { return sized_text_size(legend.title.c_str(), text_px).y; }
  float height() const { return h + title_h() + 2 * pad(); }

  // Its box's top-left corner at (x0, y0).
  void draw(ImDrawList* dl, float x0, float y0) const {
    const float w = bar_w(), p = pad();
    dl->AddRectFilled(ImVec2(x0, y0), ImVec2(x0 + width(), y0 + height()), IM_COL32(0, 0, 0, 150),
                      4);
    sized_text(dl, ImVec2(x0 + p, y0 + p * 0.5f), legend.title.c_str(), text_px, true);
    const float bx = x0 + p, by = y0 + title_h() + p;
    const int steps = 32;
    for (int i = 0; i < steps; ++i) {
      const float a = float(i) / steps, b = float(i + 1) / steps;
      dl->AddRectFilled(ImVec2(bx, by + (1 - b) * h), ImVec2(bx + w, by + (1 - a) * h + 1),
                        color_of(legend.map, 0.5f * (a + b), gain));
    }
    sized_text(dl, ImVec2(bx + w + p, by - 2), hi_text, text_px, false);
    sized_text(dl, ImVec2(bx + w + p, by + h - text_px + 2), lo_text, text_px, false);
  }
};

// The layers' readout lines, stacked up from the bottom edge (above the x tick labels), each
// wrapped at the panel's right edge, the first layer's first line on top. Returns the top of the
// stack (the bottom edge's position when there is none).
float draw_readouts(ImDrawList* dl, const view::PixelRect& rect,
                    const std::vector<ReadoutLine>& lines) {
  const float lh = ImGui::GetTextLineHeight(), x = rect.x + 3 * lh;
  const auto indent = [lh](const ReadoutLine& l) {
    return l.progress ? 12.5f * lh : l.key ? 2.5f * lh : 0.0f;
  };
  const auto wrap = [&](const ReadoutLine& l) {
    return std::max(rect.x + rect.w - x - indent(l) - 6, 4 * lh);
  };
  float height = 0;
  for (const ReadoutLine& l : lines) height += lh * float(ui::wrap_at_spaces(l.text, wrap(l)).size());
  const float top = rect.y + rect.h - 1.4f * lh - height;
  float y = top;
  for (const ReadoutLine& l : lines) {
    if (l.progress) {
      const float w = 12 * lh, p = std::clamp(*l.progress, 0.0f, 1.0f);
      dl->AddRectFilled(ImVec2(x, y), ImVec2(x + w, y + lh), IM_COL32(0, 0, 0, 160));
      dl->AddRectFilled(ImVec2(x, y), ImVec2(x + w * p, y + lh), IM_COL32(90, 170, 255, 220));
    }
    if (l.key) {
      const float ky = y + 0.5f * lh;
      dl->AddLine(ImVec2(x, ky), ImVec2(x + 2 * lh, ky), IM_COL32(0, 0, 0, 255), 5);
      dl->AddLine(ImVec2(x, ky), ImVec2(x + 2 * lh, ky), *l.key, 3);
    }
    y += ui::outlined_text(dl, ImVec2(x + indent(l), y), l.text.c_str(), l.color, wrap(l));
  }
  return top;
}

// The first of `wordings` (longest first) that fits `width` pixels on one line in the current
// font, else the last (which then wraps).
std::string longest_fitting(std::initializer_list<std::string> wordings, float width) {
  for (const std::string& w : wordings)
    if (ImGui::CalcTextSize(w.c_str()).x <= width) return w;
  return *(wordings.end() - 1);
}

// The small multiples' panel that carries their shared legend (see panel_overlay).
int least_noisy_panel(const app::AppContext& ctx) {
  int best = 0;
  for (int p = 1; p < ctx.panel_count(); ++p) {
    const NoiseLevel a = ctx.panel(p).level, b = ctx.panel(best).level;
    if (a.s / a.m <= b.s / b.m) best = p;
  }
  return best;
}

// " + <guidance>" for a source the scene guides ("classifier-free guidance w = 3"), else "".
std::string guidance_suffix(const app::AppContext& ctx, const Scene& s, FieldSource source) {
  const Conditioning* c = sampler_condition(s.sampler);
  if (!ctx.guided(source) || !c) return "";
  return " + " + guidance_words(*c, source == FieldSource::Learned);
}

}  // namespace

std::vector<Eigen::Vector2f> visible_points_px(const PanelFrame& f, bool particles) {
  const Scene& s = f.ctx.scene();
  std::vector<Eigen::Vector2f> out;
  const auto add = [&](const Points& pts) {
    const Index stride = std::max<Index>(1, pts.cols() / 2000);
    for (Index i = 0; i < pts.cols(); i += stride)
      out.push_back(view::to_pixels(f.world, f.rect, pts(0, i), pts(1, i)));
  };
  add(f.ctx.data_points());
  const app::PanelView& pv = f.ctx.panel(f.panel);
  if (particles && s.layers.particles.on && pv.shows_particles)
    add(f.ctx.particles(pv.run).display());
  return out;
}

void report_box(const PanelFrame& f, const char* kind, float x0, float y0, float x1, float y1) {
  if (!ImGui::GetIO().UserData) return;  // no report is being collected
  const auto inside = [&](const std::vector<Eigen::Vector2f>& points) {
    int n = 0;
    for (const Eigen::Vector2f& p : points)
      n += p.x() >= x0 && p.x() <= x1 && p.y() >= y0 && p.y() <= y1;
    return n;
  };
  const std::vector<Eigen::Vector2f> data = visible_points_px(f, false);
  const std::vector<Eigen::Vector2f> all = visible_points_px(f, true);
  const int on_data = inside(data);
  ui::report_overlay({kind, f.panel, x0, y0, x1, y1, on_data, inside(all) - on_data,
                      int(data.size()), int(all.size() - data.size())});
}

void panel_overlay(const LayerTable& table, const PanelFrame& f, const OverlayOptions& options,
                   const EditingMarks& marks) {
  ImDrawList* dl = ImGui::GetBackgroundDrawList();
  const Scene& s = f.ctx.scene();
  const view::PixelRect& rect = f.rect;
  dl->PushClipRect(ImVec2(rect.x, rect.y), ImVec2(rect.x + rect.w, rect.y + rect.h), true);
  const float lh = ImGui::GetTextLineHeight();

  // A shared legend appears once in small multiples: on the least noisy panel (smallest
  // σ̂ = s/m; the last of equals), where the points gather and leave the most room (at σ = 10 the
  // noised data cover a panel and no spot for it is free).
  const bool repeat_shared = !s.view.multiples.on || f.panel == least_noisy_panel(f.ctx);
  std::vector<Legend> legends;
  std::vector<ReadoutLine> readouts;
  for (const auto& layer : table.all()) {
    if (!layer->on(s.layers)) continue;
    layer->overlay(dl, f);
    for (ReadoutLine& line : layer->readouts(f)) readouts.push_back(std::move(line));
    if (options.legend)
      if (auto l = layer->legend(f); l && (repeat_shared || !l->shared))
        legends.push_back(std::move(*l));
  }
  const float readouts_top = draw_readouts(dl, rect, readouts);

  // Caption: what the panel's fields show and at which level (the numbers every layer of the
  // panel was computed at), and what the particles follow.
  const app::PanelView& pv = f.ctx.panel(f.panel);
  float caption_bottom = rect.y + 10 + 3 * lh;  // legends at the top start below it
  if (options.caption) {
    // Across SDEs the panel names its process; where the mean shrinks (m < 1: VP, sub-VP) the
    // caption gives m and s, since s alone is not the level.
    char process[32] = "", level[64], short_level[48];
    if (pv.own_sde)
      std::snprintf(process, sizeof process, "%s SDE  ", std::string(label_of(pv.sde)).c_str());
    if (pv.level.m < 1 - 1e-6) {
      std::snprintf(level, sizeof level, "t %.3f  m %.3g  s %.3g", pv.level.t, pv.level.m,
                    pv.level.s);
      std::snprintf(short_level, sizeof short_level, "m %.3g  s %.3g", pv.level.m, pv.level.s);
    } else {
      std::snprintf(level, sizeof level, "t %.3f  sigma %.3g", pv.level.t, pv.level.s);
      std::snprintf(short_level, sizeof short_level, "sigma %.3g", pv.level.s);
    }
    // A guided scene's arrows are the guided score and its heatmap the conditional density
    // (app/state/fields.h): the caption names the guidance, so no one reads them as p_t(x)'s.
    // With velocity arrows (layers.score.field) the panel shows the model's velocity, not its
    // score: the caption says so ("exact velocity", "learned velocity"). A scrubbed learned panel
    // names the past step it shows (every wording keeps it).
    std::string source(label_of(pv.source));
    if (s.layers.score.on && s.layers.score.field == ArrowQuantity::Velocity)
      source = std::string(to_string(pv.source)) + " velocity";
    const std::string scrub = app::scrub_label(f.ctx.shown());
    const std::string who =
        process + source +
        (pv.source == FieldSource::Learned && !scrub.empty() ? ", " + scrub : "") +
        guidance_suffix(f.ctx, s, pv.source);
    const std::string follows = pv.follows_particles ? "following the particles" : "pinned";
    // The longest wording that fits the panel on one line (titles that wrap cover the data);
    // what is dropped first is what the status bar also says (the follow state, then t, then
    // the level itself).
    const float x = rect.x + 3 * lh, wrap = std::max(rect.x + rect.w - x - 6, 4 * lh);
    const std::string title = longest_fitting(
        {who + "  " + level + "  (" + follows + ")",
         who + "  " + level + (pv.follows_particles ? "  (following)" : "  (pinned)"),
         who + "  " + level, who + "  " + short_level, who},
        wrap);
    float y = rect.y + 6;
    y += ui::outlined_text(dl, ImVec2(x, y), title.c_str(), IM_COL32_WHITE, wrap);
    if (pv.std_floored) {  // the level was raised to the points' spacing (app_context.h)
      char floor[120];
      std::snprintf(floor, sizeof floor, "drawn at sigma >= %.3g: finer is spikes between points",
                    f.ctx.field_std_floor());
      y += ui::outlined_text(dl, ImVec2(x, y), floor, IM_COL32(255, 220, 160, 255), wrap);
    }
    if (s.layers.particles.on && pv.shows_particles) {
      // A sampler that runs the noise process forwards follows no score: name the process. With
      // a comparison run each panel names its sampler (the two differ only in that).
      const SamplerConfig& sampler = pv.run == 1 ? *s.compare_sampler : s.sampler;
      // Guided runs follow the score plus the guidance, as the panel's title says of its arrows.
      // On the straight path the ODE and DDIM follow the model's velocity (flows_on_velocity; a
      // guided score has none): the line says velocity then.
      const bool guided = f.ctx.guided(s.ui.particle_source) != nullptr;
      const bool on_velocity = Sde(s.noise.sde).t_max() < Sde::T && !guided &&
                               (std::holds_alternative<ProbabilityFlowConfig>(sampler) ||
                                std::holds_alternative<DdimConfig>(sampler));
      const std::string particle_model =
          (on_velocity ? std::string(to_string(s.ui.particle_source)) + " velocity"
                       : std::string(label_of(s.ui.particle_source))) +
          (s.ui.particle_source == FieldSource::Learned && !scrub.empty()
               ? " at step " + app::grouped(f.ctx.shown().step())
               : "");
      const std::string particle_score =
          sampler_runs_forward(sampler)
              ? "the forward SDE from the data, no score"
              : particle_model + guidance_suffix(f.ctx, s, s.ui.particle_source);
      // Two runs of one kind differ in its method: the summary names it.
      const bool same_kind = s.compare_sampler && s.compare_sampler->index() == s.sampler.index();
      const std::string runs = !s.compare_sampler ? ""
                               : same_kind        ? sampler_summary(sampler)
                                                  : std::string(sampler_info(sampler).label);
      const std::string who_runs = runs.empty() ? "" : runs + ", ";
      const bool finished = f.ctx.particles(pv.run).finished();
      // Last resort in a narrow panel: the run's name alone (its score is the panel title's).
      const std::string particles = longest_fitting(
          {"particles: " + who_runs + particle_score + (finished ? " (run finished)" : ""),
           "particles: " + who_runs + particle_score,
           runs.empty() ? "particles: " + particle_score : "particles: " + runs},
          wrap);
      // The key: a dot of the particles' colour before the line, and the data's after it when
      // the data layer is on (the palette's colours, so no caption names a colour it lacks).
      const render::Palette pal = render::palette(s);
      const auto dot = [&](float cx, const render::Rgba& c) {
        const ImVec2 centre(cx, y + 0.5f * lh);
        dl->AddCircleFilled(centre, 0.3f * lh, IM_COL32(0, 0, 0, 220));
        dl->AddCircleFilled(centre, 0.24f * lh,
                            IM_COL32(int(255 * c[0]), int(255 * c[1]), int(255 * c[2]), 255));
      };
      dot(x - 0.7f * lh, pal.particle);
      const float text_w = ImGui::CalcTextSize(particles.c_str()).x;
      if (s.layers.data.on && text_w + 6 * lh < wrap) {
        dot(x + text_w + 1.2f * lh, pal.data);
        ui::outlined_text(dl, ImVec2(x + text_w + 1.8f * lh, y), "data",
                          IM_COL32(230, 230, 230, 255));
      }
      y += ui::outlined_text(dl, ImVec2(x, y), particles.c_str(), IM_COL32(230, 230, 230, 255),
                             wrap);
    }
    if (pv.source == FieldSource::Learned && !f.ctx.learned())
      y += ui::outlined_text(dl, ImVec2(x, y), "waiting for the first trained snapshot",
                             IM_COL32(255, 190, 90, 255), wrap);
    caption_bottom = std::max(caption_bottom, y + 4);
  }

  // Mixture centres (draggable; an editing aid, so not in plot-only mode) and the brush.
  const view::WorldRect& w = f.world;
  if (const auto comps = mixture_components(s.data); comps && marks.mixture_centres) {
    for (std::size_t k = 0; k < comps->size(); ++k) {
      const Eigen::Vector2f p =
          view::to_pixels(w, rect, (*comps)[k].mean.x(), (*comps)[k].mean.y());
      const bool active = int(k) == marks.dragging_component;
      dl->AddCircle(ImVec2(p.x(), p.y()), 7, active ? IM_COL32(255, 200, 80, 255) : IM_COL32_WHITE,
                    16, 2);
    }
  }
  // The sampler's condition, as the particles see it: a line x1 = a (or x2 = b), a point with a
  // ring of the observation noise's radius, or a double ring round the steered-to component.
  if (const Conditioning* c = sampler_condition(s.sampler); c && c->kind != Conditioning::Kind::None) {
    const ImU32 col = IM_COL32(255, 140, 60, 230);
    const Eigen::Vector2f p = view::to_pixels(w, rect, c->x1, c->x2);
    const float per_unit = float(rect.h / (2 * w.hh));
    if (c->kind == Conditioning::Kind::Class) {
      if (const auto comps = mixture_components(s.data);
          comps && c->component < int(comps->size())) {
        const Eigen::Vector2d m = (*comps)[c->component].mean;
        const Eigen::Vector2f q = view::to_pixels(w, rect, m.x(), m.y());
        dl->AddCircle(ImVec2(q.x(), q.y()), 14, col, 32, 2.5f);
        dl->AddCircle(ImVec2(q.x(), q.y()), 19, col, 32, 1.5f);
      }
    } else if (c->observe == Conditioning::Observe::X1) {
      dl->AddLine(ImVec2(p.x(), rect.y), ImVec2(p.x(), rect.y + rect.h), col, 2);
    } else if (c->observe == Conditioning::Observe::X2) {
      dl->AddLine(ImVec2(rect.x, p.y()), ImVec2(rect.x + rect.w, p.y()), col, 2);
    } else {
      dl->AddCircleFilled(ImVec2(p.x(), p.y()), 4, col);
      if (c->kind == Conditioning::Kind::Observation)
        dl->AddCircle(ImVec2(p.x(), p.y()), float(c->noise) * per_unit, col, 32, 1.5f);
    }
  }
  if (marks.brush && ImGui::IsMousePosValid()) {
    const ImVec2 m = ImGui::GetIO().MousePos;
    if (rect.contains(m.x, m.y)) {
      const float r = float(marks.brush_radius / (2 * w.hh) * rect.h);
      dl->AddCircle(m, r, IM_COL32(255, 255, 255, 180), 32, 1.5f);
    }
  }
  // Legends last (nothing is drawn over them), at the place along the panel's border that covers
  // the fewest data points and particles (view::least_covered_spot), below the caption lines when
  // at the top and above the readout lines when at the bottom. Stacked in a column, or in a row:
  // whichever covers fewer points (the column on a tie, and when a row would not fit). Bars are
  // 140 pixels (× scale) long, at most 22% of the panel's height, shorter (down to two lines of
  // text) so that a column fits the panel's height: a short panel (split view over a lesson's
  // text) keeps its legends in the free column beside the data instead of a wide row over it.
  if (!legends.empty()) {
    const float gap = 12 * options.scale, margin = 6, top = caption_bottom;
    const float bottom_limit = std::min(rect.y + rect.h - 2 * lh, readouts_top - 0.5f * lh);
    const float avail = bottom_limit - top;
    // The UI font's size, down to 13 pixels in a panel under 24 lines of it high.
    const float text_px = std::clamp(rect.h / 24, std::min(13.0f, lh), lh);
    const std::vector<Eigen::Vector2f> points = visible_points_px(f);
    enum class Form { Column, Row, Apart };
    struct Arrangement {
      Form form = Form::Column;
      std::vector<ColourBar> bars;
      std::vector<view::Box> boxes;  // where each bar goes (window pixels)
      int covered = 0;
    };
    const float left = rect.x + 3 * lh;
    const auto arrange = [&](Form form) {
      Arrangement a;
      a.form = form;
      // The bar length that fits: everything but the bars is fixed (titles, padding, gaps).
      const bool stacked = form == Form::Column;
      float fixed = 0;
      for (const Legend& l : legends) {
        const ColourBar probe(l, options.scale, 0, text_px);
        fixed = stacked ? fixed + probe.height() + gap : std::max(fixed, probe.height() + gap);
      }
      const float across = stacked ? float(legends.size()) : 1.0f;
      const float bar = std::max(
          std::min({140 * options.scale, 0.22f * rect.h, (avail - fixed) / across}), 2 * text_px);
      float w = 0, h = 0;  // of the group (column, row)
      for (const Legend& l : legends) {
        a.bars.emplace_back(l, options.scale, bar, text_px);
        a.bars.back().gain = render::palette(s).heat_gain;
        const float bw = a.bars.back().width(), bh = a.bars.back().height() + gap;
        w = form == Form::Row ? w + bw + gap : std::max(w, bw);
        h = form == Form::Row ? std::max(h, bh) : h + bh;
      }
      // Where it hides the fewest points: a corner, else along an edge (a narrow split half of
      // a ring has data in every corner). Apart: each bar on its own, the widest first, never
      // over one already placed.
      if (form != Form::Apart) {
        const Eigen::Vector2f at = view::least_covered_spot(left, top, rect.x + rect.w - margin - w,
                                                            bottom_limit - h, w, h, points);
        float x = at.x(), y = at.y();
        for (const ColourBar& b : a.bars) {
          const float bw = b.width(), bh = b.height();
          if (form == Form::Row) {
            a.boxes.push_back({x, y, x + bw, y + bh});
            x += bw + gap;
          } else {  // right-aligned in the column
            a.boxes.push_back({x + w - bw, y, x + w, y + bh});
            y += bh + gap;
          }
        }
        a.covered = view::points_in({at.x(), at.y(), at.x() + w, at.y() + h}, points);
      } else {
        for (const ColourBar& b : a.bars) {
          const float bw = b.width(), bh = b.height();
          const Eigen::Vector2f at = view::least_covered_spot(
              left, top, rect.x + rect.w - margin - bw, bottom_limit - bh, bw, bh, points, a.boxes);
          a.boxes.push_back({at.x(), at.y(), at.x() + bw, at.y() + bh});
          a.covered += view::points_in(a.boxes.back(), points);
        }
      }
      return a;
    };
    Arrangement best = arrange(Form::Column);
    // Other forms are tried only when the column does not fit or hides something (the common
    // case, a column in a free corner, then costs one placement a frame): a row, then each legend
    // in its own free spot (a ring centred in a short panel leaves room on both sides).
    const bool column_fits = best.boxes.back().y1 <= bottom_limit;
    if (legends.size() > 1 && (!column_fits || best.covered > 0)) {
      for (Form form : {Form::Row, Form::Apart}) {
        Arrangement other = arrange(form);
        if ((!column_fits && best.form == Form::Column) || other.covered < best.covered)
          best = std::move(other);
      }
    }
    for (std::size_t i = 0; i < best.bars.size(); ++i) {
      const view::Box& b = best.boxes[i];
      best.bars[i].draw(dl, b.x0, b.y0);
    }
    // Reported as one box per group (column, row) or per legend (apart).
    if (best.form == Form::Apart) {
      for (const view::Box& b : best.boxes) report_box(f, "legends", b.x0, b.y0, b.x1, b.y1);
    } else {
      float x0 = 1e30f, y0 = 1e30f, x1 = -1e30f, y1 = -1e30f;
      for (const view::Box& b : best.boxes)
        x0 = std::min(x0, b.x0), y0 = std::min(y0, b.y0), x1 = std::max(x1, b.x1),
        y1 = std::max(y1, b.y1);
      report_box(f, "legends", x0, y0, x1, y1);
    }
  }

  dl->PopClipRect();
  // A thin separator between neighbouring panels (split view, small multiples).
  if (f.column > 0)
    dl->AddLine(ImVec2(rect.x, rect.y), ImVec2(rect.x, rect.y + rect.h),
                IM_COL32(200, 200, 200, 255), 2);
  if (f.row > 0)
    dl->AddLine(ImVec2(rect.x, rect.y), ImVec2(rect.x + rect.w, rect.y),
                IM_COL32(200, 200, 200, 255), 2);
}

}  // namespace scorelab::layers
