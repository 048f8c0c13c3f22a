// The side panel, status bar and help overlay (see panels.h). ImGui 1.86 immediate mode: each
// widget reads and writes a field of the edited scene copy.
#include "app/ui/panels.h"

#include "app/widgets/widgets.h"
#include "app/widgets/item_report.h"
#include "app/ui/numbers_panel.h"
#include "app/ui/quality_panel.h"
#include "app/ui/scrub_control.h"
#include "app/widgets/imgui_param_editor.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "core/common/atomic_file.h"
#include "core/common/error.h"
#include "core/distributions/datasets.h"
#include "core/sample/sampler_registry.h"
#include "core/train/loss_history.h"

namespace scorelab::ui {

namespace {

void help_marker(const char* text) {
  ImGui::SameLine();
  ImGui::TextDisabled("(?)");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", text);
}

// "N steps/s" of a running trainer, "starting…" until it has measured a rate (never "0 steps/s"
// while training), "paused" when off. Scripted runs step a fixed number per frame.
std::string training_rate(const app::AppContext& ctx) {
  char text[64];
  if (!ctx.scene().ui.training) return "paused";
  if (ctx.mode().scripted)
    std::snprintf(text, sizeof text, "on, %d steps/frame", ctx.mode().train_steps_per_frame);
  else if (const TrainerSnapshot* snap = ctx.training(); snap && snap->steps_per_second > 0)
    std::snprintf(text, sizeof text, "on, %.0f steps/s", snap->steps_per_second);
  else
    return "on, starting...";
  return text;
}

// What the training has learned so far, in one clause for the status bar: the quality meter's
// newest reading of the model on screen (Model & training), so a window whose panels all show
// the exact score still says what the network can do. Empty without a reading.
std::string learned_summary(const app::AppContext& ctx) {
  const app::QualityReading* r = ctx.quality().reading();
  if (!r) return "";
  char text[128];
  if (!r->report.samples_finite)
    std::snprintf(text, sizeof text, " (model at step %ld: its samples diverge)", r->step);
  else
    std::snprintf(
        text, sizeof text, " (model at step %ld: its samples' energy ratio %.2f, %s)", r->step,
        r->report.energy_ratio,
        r->report.energy_ratio <= 1 ? "they match the data" : "above 1: not the data yet");
  return text;
}

// ---- Data ----------------------------------------------------------------------------------

bool data_section(app::AppContext& ctx, PanelState& st, Scene& s) {
  bool changed = false;
  const auto& table = datasets();
  // The picker: every dataset of the table, then the custom kinds.
  std::string current = "custom mixture";
  if (const auto* name = std::get_if<std::string>(&s.data.source)) current = *name;
  if (std::holds_alternative<PointSet>(s.data.source)) current = "drawn points";
  fit_combo_width("dataset", current.c_str());
  if (ImGui::BeginCombo("dataset", current.c_str())) {
    for (const DatasetInfo& d : table) {
      if (ImGui::Selectable(std::string(d.name).c_str(), current == d.name)) {
        s.data.source = std::string(d.name);
        changed = true;
      }
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", std::string(d.description).c_str());
    }
    ImGui::EndCombo();
  }
  // A named mixture becomes editable as a custom mixture.
  if (const auto* name = std::get_if<std::string>(&s.data.source)) {
    const DatasetInfo& info = find_dataset(*name);
    if (info.mixture && ImGui::Button("Edit components")) {
      s.data.source = info.mixture().components();
      changed = true;
    }
    if (!info.mixture) changed |= slider("points", s.data.points, 10, 20000);
  }
  if (auto* comps = std::get_if<MixtureComponents>(&s.data.source)) {
    ImGui::TextDisabled("drag a centre (white ring) in the view");
    int remove = -1;
    for (std::size_t k = 0; k < comps->size(); ++k) {
      GaussianComponent& c = (*comps)[k];
      ImGui::PushID(int(k));
      double spread = std::sqrt(std::max(0.5 * c.cov.trace(), 1e-12));
      float mean[2] = {float(c.mean.x()), float(c.mean.y())};
      ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x * 0.45f);
      if (ImGui::DragFloat2("##mean", mean, 0.02f)) {
        c.mean = {mean[0], mean[1]};
        changed = true;
      }
      ImGui::SameLine();
      ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x * 0.3f);
      float w = float(c.weight);
      if (ImGui::DragFloat("##w", &w, 0.01f, 0.0f, 100.0f, "w %.2f")) {
        c.weight = w;
        changed = true;
      }
      ImGui::SameLine();
      ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x * 0.7f);
      float sd = float(spread);
      if (ImGui::DragFloat("##sd", &sd, 0.005f, 0.01f, 20.0f, "sd %.2f")) {
        c.cov = Eigen::Matrix2d::Identity() * double(sd) * double(sd);
        changed = true;
      }
      ImGui::SameLine();
      if (ImGui::SmallButton("x") && comps->size() > 1) remove = int(k);
      ImGui::PopID();
    }
    if (remove >= 0) {
      comps->erase(comps->begin() + remove);
      changed = true;
    }
    if (ImGui::Button("Add component")) {
      comps->push_back(
          {1.0, {s.view.center_x, s.view.center_y}, Eigen::Matrix2d::Identity() * 0.25});
      changed = true;
    }
  }
  ImGui::Separator();
  ImGui::Checkbox("brush", &st.brush);
  help_marker("Left-drag in the view adds points (a drawn data set).");
  if (st.brush) {
    ImGui::SameLine();
    ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x * 0.6f);
    slider("radius", st.brush_radius, 0.02, 3.0, "%.2f", true);
  }
  if (ImGui::Button("Clear drawing")) {
    st.brush = true;
    st.brush_new_set = true;
    ctx.report(app::StatusMessage::Kind::Info, "brush: the next stroke starts a new drawing");
  }
  ImGui::SameLine();
  if (ImGui::Button("Generate")) {
    // The current data's points become an editable drawing (add to them with the brush).
    PointSet set;
    const Points& d = ctx.data_points();
    for (Index i = 0; i < d.cols(); ++i) set.points.emplace_back(d(0, i), d(1, i));
    s.data.source = std::move(set);
    changed = true;
  }
  help_marker("Generate: the shown samples become a drawing you can add to with the brush.");
  ImGui::SameLine();
  if (ImGui::Button("New draw")) {
    s.seed += 1;  // a new seeded draw of the data (and of the particles)
    changed = true;
  }
  return changed;
}

// ---- Noise ---------------------------------------------------------------------------------

void schedule_plot(const app::AppContext& ctx, const Scene& s) {
  // log10 σ_i of the discrete schedule, with the level of every panel marked.
  std::vector<double> sigmas;
  try {
    sigmas = s.noise.schedule.sigmas();
  } catch (const InputError&) {
    return;
  }
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  const float w = ImGui::GetContentRegionAvail().x, h = 60 * ImGui::GetIO().FontGlobalScale;
  ImGui::InvisibleButton("schedule_plot", ImVec2(w, h));
  dl->AddRectFilled(p0, ImVec2(p0.x + w, p0.y + h), IM_COL32(30, 30, 38, 255));
  const double lo = std::log10(s.noise.schedule.sigma_min),
               hi = std::log10(s.noise.schedule.sigma_max);
  const auto y_of = [&](double sigma) {
    const double u = hi > lo ? (std::log10(sigma) - lo) / (hi - lo) : 0.5;
    return p0.y + h - 4 - float(u) * (h - 8);
  };
  const int L = int(sigmas.size());
  const auto x_of = [&](int i) { return p0.x + 4 + (L > 1 ? float(i) / (L - 1) : 0.5f) * (w - 8); };
  for (int i = 0; i + 1 < L; ++i)
    dl->AddLine(ImVec2(x_of(i), y_of(sigmas[i])), ImVec2(x_of(i + 1), y_of(sigmas[i + 1])),
                IM_COL32(120, 180, 255, 255), 1.5f);
  for (int i = 0; i < L && L <= 64; ++i)
    dl->AddCircleFilled(ImVec2(x_of(i), y_of(sigmas[i])), 2.0f, IM_COL32(120, 180, 255, 255));
  // Every panel's level (small multiples each have their own): a line each, and the range.
  double s_lo = HUGE_VAL, s_hi = 0;
  for (int p = 0; p < ctx.panel_count(); ++p) {
    const double s_now = ctx.panel(p).level.s;
    s_lo = std::min(s_lo, s_now);
    s_hi = std::max(s_hi, s_now);
    const float y =
        y_of(std::clamp(s_now, s.noise.schedule.sigma_min, s.noise.schedule.sigma_max));
    dl->AddLine(ImVec2(p0.x, y), ImVec2(p0.x + w, y), IM_COL32(255, 120, 60, 255), 1.0f);
  }
  char label[64];
  if (s_lo == s_hi)
    std::snprintf(label, sizeof label, "sigma now %.3g", s_lo);
  else
    std::snprintf(label, sizeof label, "panels: sigma %.3g to %.3g", s_lo, s_hi);
  dl->AddText(ImVec2(p0.x + 6, p0.y + 2), IM_COL32(230, 230, 230, 255), label);
}

// How far the SDE's prior is from the true p_T, in the one number a class can judge: the share of
// reverse-SDE samples it sends to the wrong mode (core/scene/noise_fit.h). Red beyond the fit's
// tolerance, with the σ_max that would fit.
void prior_readout(const app::AppContext& ctx) {
  const double shift = ctx.prior_shift();
  const bool off = shift > kPriorShiftTolerance;
  const ImVec4 colour = off ? ImVec4(1.0f, 0.45f, 0.4f, 1.0f) : ImGui::GetStyle().Colors[ImGuiCol_Text];
  ImGui::TextColored(colour, "prior vs true p_T: %.1f%% of samples to the wrong mode", 100 * shift);
  if (off && ctx.scene().noise.sde.kind == SdeKind::VE)
    ImGui::TextColored(colour, "  (sigma max %.3g would fit this data)", ctx.fitted_sigma_max());
}

bool noise_section(app::AppContext& ctx, Scene& s) {
  bool changed = false;
  // Each noise block only while something uses it: the discrete schedule drives annealed
  // Langevin, discrete training levels and the "walk the schedule" slider; the SDE drives the
  // reverse SDE, the probability-flow ODE, DDIM, the forward process and continuous training
  // levels.
  const bool annealed = std::holds_alternative<AnnealedLangevinConfig>(s.sampler);
  const bool sde_sampler = std::holds_alternative<ReverseSdeConfig>(s.sampler) ||
                           std::holds_alternative<ProbabilityFlowConfig>(s.sampler) ||
                           std::holds_alternative<DdimConfig>(s.sampler) ||
                           sampler_runs_forward(s.sampler);
  const bool discrete_training = s.train.objective.levels == LevelSource::Discrete;
  if (annealed || discrete_training || s.ui.discrete_levels) {
    ImGui::TextDisabled("discrete levels (annealed Langevin, discrete training)");
    changed |= enum_combo("schedule", s.noise.schedule.kind);
    changed |= slider("sigma min", s.noise.schedule.sigma_min, 1e-3, 10, "%.3g", true);
    changed |= ImGui::Checkbox("sigma max from data", &s.noise.schedule_sigma_max_from_data);
    help_marker("NCSNv2 technique 1: sigma max = the largest distance between two data points.");
    if (slider("sigma max", s.noise.schedule.sigma_max, 0.1, 1e4, "%.3g", true))
      changed = true, s.noise.schedule_sigma_max_from_data = false;  // set by hand: kept
    changed |= slider("levels L", s.noise.schedule.levels, 1, 100);
    if (s.noise.schedule.kind == ScheduleKind::Karras)
      changed |= slider("rho", s.noise.schedule.rho, 0.5, 20);
    schedule_plot(ctx, s);
    ImGui::Separator();
  }
  if (sde_sampler || !discrete_training) {
    ImGui::Separator();
    ImGui::TextDisabled("SDE (reverse SDE, ODE, continuous training)");
    if (enum_combo("SDE", s.noise.sde.kind)) {
      changed = true;
      fit_training_to_path(s.train.objective, s.train.model, s.noise.sde.kind);
    }
    if (s.noise.sde.kind == SdeKind::VE) {
      changed |= slider("SDE sigma min", s.noise.sde.sigma_min, 1e-3, 10, "%.3g", true);
      changed |= ImGui::Checkbox("SDE sigma max from data", &s.noise.sde_sigma_max_from_data);
      help_marker("At least the largest distance between two data points (NCSNv2), and large "
                  "enough that the prior N(0, sigma max^2 I) stands in for the true p_T: at most "
                  "0.2% of samples sent to the wrong mode.");
      if (slider("SDE sigma max", s.noise.sde.sigma_max, 0.1, 1e4, "%.3g", true))
        changed = true, s.noise.sde_sigma_max_from_data = false;  // set by hand: kept
    } else if (s.noise.sde.kind != SdeKind::RectifiedFlow) {      // the straight path has none
      changed |= slider("beta min", s.noise.sde.beta_min, 0.01, 10, "%.3g", true);
      changed |= slider("beta max", s.noise.sde.beta_max, 1, 100, "%.3g", true);
    }
    changed |= slider("N steps", s.noise.sde.N, 10, 2000);
    prior_readout(ctx);
  }
  ImGui::Separator();
  changed |= ImGui::Checkbox("walk the discrete schedule", &s.ui.discrete_levels);
  changed |= ImGui::Checkbox("fields follow the particles", &s.ui.follow_sampler);
  const bool split = s.view.split && !s.view.multiples.on;
  // Small multiples across levels set every panel's t themselves (View & scene): no slider.
  const bool sweep = s.view.multiples.on && s.view.multiples.across == MultiplesAcross::Levels;
  // While the fields follow the particles the slider shows their live level (one number on
  // screen, not a pinned t beside a moving one); dragging it pins the level there.
  const auto level_slider = [&](const char* label, const char* following_label, int panel,
                                double& pinned) {
    const bool follows = ctx.panel(panel).follows_particles;
    double t = follows ? ctx.panel(panel).level.t : pinned;
    if (slider(follows ? following_label : label, t, 0, 1, "%.3f")) {
      pinned = t;
      s.ui.follow_sampler = false;
      changed = true;
    }
  };
  if (!sweep)
    level_slider(split ? "level t (left)" : "level t",
                 split ? "level t (left, following)" : "level t (following)", 0, s.view.left.t);
  if (split) level_slider("level t (right)", "level t (right, following)", 1, s.view.right.t);
  const NoiseLevel l = ctx.panel(0).level;
  if (s.view.multiples.on)  // one number would be one panel's
    ImGui::TextUnformatted("now: levels in the panels' captions");
  else
    ImGui::Text("now: t %.3f  m %.3f  s %.4g", l.t, l.m, l.s);
  return changed;
}

// ---- Model & training ----------------------------------------------------------------------

void loss_plot(const TrainerSnapshot& snap) {
  // Loss on a log scale: overall (white) and per noise band (low σ blue .. high σ red). At most
  // kPoints points per curve (records averaged in buckets): a plot a few hundred pixels wide
  // gains nothing from 2048 segments, and every segment is triangles to rasterise.
  constexpr std::size_t kPoints = 120;
  const auto& all = snap.history.records();
  std::vector<LossHistory::Record> rec;
  const std::size_t bucket = std::max<std::size_t>(1, (all.size() + kPoints - 1) / kPoints);
  for (std::size_t i = 0; i < all.size(); i += bucket) {
    LossHistory::Record r{};
    const std::size_t end = std::min(all.size(), i + bucket);
    for (std::size_t j = i; j < end; ++j) {
      r.step += all[j].step / double(end - i);
      r.loss += all[j].loss / double(end - i);
      for (int b = 0; b < LossHistory::kBands; ++b) {
        r.band[b] += all[j].band[b] * all[j].count[b];
        r.count[b] += all[j].count[b];
      }
    }
    for (int b = 0; b < LossHistory::kBands; ++b)
      if (r.count[b] > 0) r.band[b] /= r.count[b];
    rec.push_back(r);
  }
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  const float w = ImGui::GetContentRegionAvail().x, h = 90 * ImGui::GetIO().FontGlobalScale;
  ImGui::InvisibleButton("loss_plot", ImVec2(w, h));
  dl->AddRectFilled(p0, ImVec2(p0.x + w, p0.y + h), IM_COL32(30, 30, 38, 255));
  if (rec.size() < 2) {
    dl->AddText(ImVec2(p0.x + 6, p0.y + 4), IM_COL32(160, 160, 160, 255), "loss: no steps yet");
    return;
  }
  double lo = INFINITY, hi = -INFINITY;
  for (const auto& r : rec)
    if (r.loss > 0 && std::isfinite(r.loss)) {
      lo = std::min(lo, std::log10(r.loss));
      hi = std::max(hi, std::log10(r.loss));
    }
  if (!(lo <= hi)) return;
  if (hi - lo < 0.1) hi = lo + 0.1;
  const double s0 = rec.front().step, s1 = std::max(rec.back().step, s0 + 1);
  const auto pt = [&](double step, double loss) {
    const double u = (step - s0) / (s1 - s0);
    const double v = (std::log10(std::max(loss, 1e-30)) - lo) / (hi - lo);
    return ImVec2(p0.x + 2 + float(u) * (w - 4),
                  p0.y + h - 2 - float(std::clamp(v, -0.05, 1.05)) * (h - 14));
  };
  const ImU32 band_colors[LossHistory::kBands] = {
      IM_COL32(90, 150, 255, 200), IM_COL32(90, 220, 160, 200), IM_COL32(250, 200, 80, 200),
      IM_COL32(255, 100, 90, 200)};
  std::vector<ImVec2> line;
  for (int b = 0; b < LossHistory::kBands; ++b) {
    line.clear();
    for (const auto& r : rec)
      if (r.count[b] > 0) line.push_back(pt(r.step, r.band[b]));
    dl->AddPolyline(line.data(), int(line.size()), band_colors[b], 0, 1.0f);
  }
  line.clear();
  for (const auto& r : rec) line.push_back(pt(r.step, r.loss));
  dl->AddPolyline(line.data(), int(line.size()), IM_COL32(255, 255, 255, 255), 0, 1.5f);
  char label[96];
  std::snprintf(label, sizeof label, "loss %.4g  (log scale; bands: low to high noise)",
                all.back().loss);
  dl->AddText(ImVec2(p0.x + 4, p0.y + 2), IM_COL32(230, 230, 230, 255), label);
}

bool model_section(const app::AppContext& ctx, Scene& s, Commands& commands) {
  bool changed = false;
  MlpConfig& m = s.train.model;
  changed |= slider("width", m.width, 8, 512);
  changed |= slider("depth", m.depth, 1, 8);
  // Plain words on hover for the recipe's jargon; the recipe itself folds away (its defaults are
  // the measured ones, README "Model and training").
  const auto tip = [](const char* text) {
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", text);
  };
  changed |= enum_combo("objective", s.train.objective.kind);
  tip("What the network is trained to match: denoising (the score of noised data, from pairs of "
      "clean and noisy points), or score matching on the data itself (sliced or exact).");
  if (s.train.objective.kind != ObjectiveKind::Denoising) {
    changed |= ImGui::Checkbox("perturb data (annealed)", &s.train.objective.perturb);
    help_marker("Off: score matching on the clean data only, the low-density pitfall.");
  }
  if (ImGui::TreeNode("advanced recipe (defaults measured)")) {
    changed |= enum_combo("activation", m.activation);
    tip("The network's nonlinearity between layers.");
    changed |= enum_combo("embedding", m.embedding.kind);
    tip("How the noise level enters the network: Fourier(log sigma) feeds sines and cosines of "
        "log sigma, so one network serves every noise level.");
    changed |= enum_combo("output", m.output);
    tip("How the network's output becomes a score: preconditioned (EDM) scales inputs and outputs "
        "by the noise level so every level trains equally well.");
    if (m.output == OutputScaling::Preconditioned) {
      changed |= slider("sigma data", m.sigma_data, 1e-3, 1e3, "%.3g", true);
      tip("The data's typical spread (data units): the preconditioning's reference scale.");
      changed |= enum_combo("far field", m.far_field);
      tip("Far from the data, where nothing was trained: skip uses a Gaussian's score there, "
          "network trusts the network's guess.");
    }
    changed |= enum_combo("levels", s.train.objective.levels);
    tip("Noise levels the training draws: continuous times t of the SDE, or the discrete sigma "
        "schedule (NCSN).");
    if (s.train.objective.levels == LevelSource::Continuous) {
      changed |= enum_combo("level draw", s.train.objective.distribution);
      tip("How t is drawn: uniform in t (score_sde), or uniform in log sigma (every scale as "
          "often).");
    }
    if (s.train.objective.kind == ObjectiveKind::Denoising) {
      changed |= enum_combo("weighting", s.train.objective.weighting);
      tip("lambda, how much each noise level counts in the loss: sigma^2 (the blog's), or "
          "balanced between small and large sigma.");
      if (s.train.objective.levels == LevelSource::Continuous) {
        changed |=
            ImGui::Checkbox("likelihood weighting (g^2)", &s.train.objective.likelihood_weighting);
        tip("lambda = g(t)^2: the weighting whose loss bounds the model's likelihood.");
      }
    }
    changed |= slider("EMA rate", s.train.ema_rate, 0.9, 0.99999, "%.5f");
    tip("The averaged weights follow the trained ones with this decay per step.");
    ImGui::TreePop();
  }
  changed |= slider("learning rate", s.train.adam.lr, 1e-5, 1e-1, "%.2g", true);
  changed |= slider("batch", s.train.batch, 16, 4096);
  changed |= ImGui::Checkbox("show EMA weights", &s.ui.use_ema);
  const TrainerSnapshot* snap = ctx.training();
  const bool running = s.ui.training;
  if (ImGui::Button(running ? "Pause (T)" : "Start (T)"))
    commands.push_back(app::Command::ToggleTraining);
  ImGui::SameLine();
  if (ImGui::Button("Step")) commands.push_back(app::Command::TrainStep);
  ImGui::SameLine();
  if (ImGui::Button("Reset")) commands.push_back(app::Command::ResetTraining);
  if (snap) {
    ImGui::Text("step %ld   training %s", snap->model ? snap->model->step : 0L,
                training_rate(ctx).c_str());
    loss_plot(*snap);
  }
  changed |= scrub_control(ctx, s);
  quality_readout(ctx, commands);  // measured only while this section is open
  return changed;
}

// ---- Sampler -------------------------------------------------------------------------------

// The sampler's controls. `presenter`: only what a lecture needs (the kind, its own settings,
// the observation click, the speed, play / step / restart and the progress).
bool sampler_section(const app::AppContext& ctx, PanelState& st, Scene& s, Commands& commands,
                     bool presenter) {
  bool changed = false;
  const std::string kind_label(sampler_info(s.sampler).label);
  fit_combo_width("sampler", kind_label.c_str());
  const bool open = ImGui::BeginCombo("sampler", kind_label.c_str());
  report_item("sampler");
  if (open) {
    for (const SamplerInfo& info : sampler_registry()) {
      const bool current = info.defaults.index() == s.sampler.index();
      if (ImGui::Selectable(std::string(info.label).c_str(), current) && !current) {
        s.sampler = info.defaults;
        changed = true;
      }
    }
    ImGui::EndCombo();
  }
  ImGuiParamEditor editor;
  changed |= edit_sampler(editor, s.sampler);  // the widgets of the chosen kind only
  // The condition's widgets: in presenter mode only while one is set (the slide shows what moves).
  if (Conditioning* c = sampler_condition(s.sampler);
      c && (!presenter || c->kind != Conditioning::Kind::None))
    changed |= edit(editor, *c);
  if (sampler_condition(s.sampler)) {
    ImGui::Checkbox("click sets the observation", &st.observe_click);
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("a click in the plot sets the condition: x1 = a line (none / x1), a point "
                        "(both), the nearest component (class)");
  }
  if (!presenter) {
    int n = s.particles;
    if (ImGui::SliderInt("particles", &n, 100, 50000, "%d", ImGuiSliderFlags_Logarithmic)) {
      s.particles = n;
      changed = true;
    }
    changed |= enum_combo("particles follow", s.ui.particle_source);
  }
  changed |= slider("steps/frame", s.ui.steps_per_frame, 0.01,
                    1000, "%.3g", true);
  const app::Particles& p = ctx.particles();
  if (button(s.ui.playing ? "Pause (Space)" : "Play (Space)"))
    commands.push_back(app::Command::PlayPause);
  ImGui::SameLine();
  if (button("Step (S)")) commands.push_back(app::Command::StepSampler);
  // Presenter: the third button goes on its own line when the row would not fit.
  const float restart_w =
      ImGui::CalcTextSize("Restart (R)").x + 2 * ImGui::GetStyle().FramePadding.x;
  const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
  if (ImGui::GetItemRectMax().x + ImGui::GetStyle().ItemSpacing.x + restart_w <= right)
    ImGui::SameLine();
  if (button("Restart (R)")) commands.push_back(app::Command::NextRun);
  const int total = p.total_steps();
  if (total > 0) {
    const std::string progress = std::to_string(p.steps_taken()) + " / " + std::to_string(total);
    ImGui::ProgressBar(float(p.steps_taken()) / float(total), ImVec2(-1, 0), progress.c_str());
    report_item(progress.c_str());
  } else {
    ImGui::Text("steps: %d (adaptive)", p.steps_taken());
  }
  if (s.ui.particle_source == FieldSource::Learned && !ctx.learned())
    ImGui::TextColored(ImVec4(1, 0.7f, 0.3f, 1), "waiting for the first trained snapshot");
  return changed;
}

// ---- Layers --------------------------------------------------------------------------------

bool layers_section(const layers::LayerTable& table, Scene& s, Commands& commands) {
  bool changed = false;
  for (const layers::Layer* layer : table.by_key()) {
    const std::string label(layer->label());
    ImGui::PushID(label.c_str());
    ImGui::TextDisabled("%s", layer->key() < 0 ? " " : std::to_string(layer->key()).c_str());
    ImGui::SameLine();
    bool on = layer->on(s.layers);
    if (ImGui::Checkbox(label.c_str(), &on)) {
      layer->set_on(s.layers, on);
      changed = true;
    }
    if (on) changed |= layer->widgets(s.layers, commands);
    ImGui::PopID();
  }
  return changed;
}

// ---- View & scene --------------------------------------------------------------------------

// Saving and opening the scene moved to the File menu (app/ui/session_menu.h).
bool view_section(Scene& s) {
  bool changed = false;
  // Small multiples replace the one or two panels (split view) while on.
  MultiplesConfig& m = s.view.multiples;
  changed |= ImGui::Checkbox("small multiples (shared scale)", &m.on);
  if (m.on) {
    changed |= enum_combo("across", m.across);
    if (m.across == MultiplesAcross::Levels) {
      changed |= slider("panels", m.count, 2, kMaxPanels);
      changed |= slider("first t", m.t_min, 0, 1, "%.3f");
      changed |= slider("last t", m.t_max, 0, 1, "%.3f");
      changed |= enum_combo("fields", s.view.left.source);
    }
  } else {
    changed |= ImGui::Checkbox("split view (linked cameras)", &s.view.split);
    changed |= enum_combo(s.view.split ? "left fields" : "fields", s.view.left.source);
    if (s.view.split) changed |= enum_combo("right fields", s.view.right.source);
    // An exact panel can draw its density through the PF-ODE (the model-density layer) to set
    // beside the closed form; a learned panel always does when that layer is on.
    if (s.layers.model_density.on) {
      const auto ode_box = [&](const char* label, PanelConfig& p) {
        if (p.source == FieldSource::Exact) changed |= ImGui::Checkbox(label, &p.ode_density);
      };
      ode_box(s.view.split ? "left density through the ODE" : "density through the ODE",
              s.view.left);
      if (s.view.split) ode_box("right density through the ODE", s.view.right);
    }
  }
  // A prior wider than the data (VE's N(0, σ_max² I)) stays in view at the start of a run.
  changed |= ImGui::Checkbox("zoom out to the particles", &s.view.follow_particles);
  changed |= slider("UI scale", s.ui.ui_scale, 0.5, 4, "%.2f");
  return changed;
}

}  // namespace

bool side_panel(app::AppContext& ctx, const layers::LayerTable& table, PanelState& st, Scene& edit,
                Commands& commands, float width, float bottom, float top) {
  ImGui::SetNextWindowPos(ImVec2(0, top));
  ImGui::SetNextWindowSize(ImVec2(width, bottom - top));
  // No background: the window clears to the style's window colour every frame (window.cpp), and
  // under software GL filling the panel's ~300k pixels again, blended, costs ~1.6 ms CPU a frame.
  ImGui::Begin("scorelab", nullptr,
               ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoCollapse |
                   ImGuiWindowFlags_NoBackground);
  bool changed = false;
  // The lesson menu stays in both modes (a lecturer picks the next lesson from the lectern).
  // Open at first, and named as the place to start, until a lesson is open (issue 27: a
  // newcomer found no hint that the lessons are where to begin).
  const char* lessons_label = st.lessons.player.is_open()
                                  ? "Lessons###lessons"
                                  : "Lessons: start here###lessons";
  // (Not in presenter mode: there the lecturer has chosen, and the sampler's controls come first.)
  if (ImGui::CollapsingHeader(lessons_label,
                              edit.ui.presenter ? 0 : ImGuiTreeNodeFlags_DefaultOpen))
    lessons_section(st.lessons, commands);
  // The Numbers header's open state is the scene's ui.numbers (measuring runs only while
  // open); it comes first (in presenter mode too) so a class sees it without scrolling.
  ImGui::SetNextItemOpen(edit.ui.numbers);
  const bool numbers_open = ImGui::CollapsingHeader("Numbers");
  if (numbers_open != edit.ui.numbers) {
    edit.ui.numbers = numbers_open;
    changed = true;
  }
  if (numbers_open) changed |= numbers_section(ctx.numbers(), edit);
  if (edit.ui.presenter) {  // the running sampler's controls only, labels in 9 font heights
    ImGui::PushItemWidth(-ImGui::GetFontSize() * 9);
    changed |= sampler_section(ctx, st, edit, commands, true);
    const NoiseLevel l = ctx.panel(0).level;
    ImGui::Text("t %.3f   sigma %.3g", l.t, l.s);
    ImGui::TextDisabled("P: full panel   H: keys");
    ImGui::PopItemWidth();
    ImGui::End();
    return changed;
  }
  // Widgets leave 10 font heights for their labels (the longest, "particles follow", fits).
  ImGui::PushItemWidth(-ImGui::GetFontSize() * 10);
  if (ImGui::CollapsingHeader("Data", ImGuiTreeNodeFlags_DefaultOpen))
    changed |= data_section(ctx, st, edit);
  if (ImGui::CollapsingHeader("Noise", ImGuiTreeNodeFlags_DefaultOpen))
    changed |= noise_section(ctx, edit);
  if (ImGui::CollapsingHeader("Model & training", ImGuiTreeNodeFlags_DefaultOpen))
    changed |= model_section(ctx, edit, commands);
  if (ImGui::CollapsingHeader("Sampler", ImGuiTreeNodeFlags_DefaultOpen))
    changed |= sampler_section(ctx, st, edit, commands, false);
  if (ImGui::CollapsingHeader("Layers")) changed |= layers_section(table, edit, commands);
  if (ImGui::CollapsingHeader("View")) changed |= view_section(edit);
  if (st.exporter.open > 0) ImGui::SetNextItemOpen(true);
  if (ImGui::CollapsingHeader("Export")) {
    export_section(ctx, table, st.exporter);
    // Bring the opened section into view (its height is known from its second frame on).
    if (st.exporter.open > 0) ImGui::SetScrollHereY(1.0f);
  }
  st.exporter.open = std::max(st.exporter.open - 1, 0);
  ImGui::PopItemWidth();
  ImGui::End();
  return changed;
}

float status_bar_height() {
  return ImGui::GetFrameHeight() + 2 * ImGui::GetStyle().WindowPadding.y;
}

void status_bar(const app::AppContext& ctx, float frame_ms, float y, float width) {
  ImGui::SetNextWindowPos(ImVec2(0, y));
  ImGui::SetNextWindowSize(ImVec2(width, status_bar_height()));
  ImGui::Begin(
      "status", nullptr,
      ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings);
  const app::Particles& p = ctx.particles();
  const NoiseLevel l = ctx.panel(0).level;
  const bool presenter = ctx.scene().ui.presenter;
  char text[256];
  // Presenter mode: what a class reads (no frame time, no help hint), to fit a 1280-wide window.
  if (presenter)
    std::snprintf(text, sizeof text, "training %s | %ld particles", training_rate(ctx).c_str(),
                  long(p.display().cols()));
  else
    std::snprintf(text, sizeof text, "%5.1f ms/frame | training %s%s | %ld particles", frame_ms,
                  training_rate(ctx).c_str(), learned_summary(ctx).c_str(),
                  long(p.display().cols()));
  ImGui::TextUnformatted(text);
  report_item(text);
  if (p.escaped() > 0) {
    ImGui::SameLine();
    std::snprintf(text, sizeof text, "(%ld left the world)", long(p.escaped()));
    ImGui::TextColored(ImVec4(1, 0.6f, 0.2f, 1), "%s", text);
    report_item(text);
  }
  ImGui::SameLine();
  // The one hint a screen shows: H (help) normally; C (the hidden controls) in presenter mode.
  const char* hint = !presenter ? " | H: help" : ctx.scene().ui.controls ? "" : " | C: controls";
  // Small multiples: each panel's caption gives its level; one number here would be one panel's.
  if (ctx.scene().view.multiples.on)
    std::snprintf(text, sizeof text, "| %d panels, levels in their captions%s%s",
                  ctx.panel_count(), p.finished() ? " | finished" : "", hint);
  else
    std::snprintf(text, sizeof text, "| t %.3f  sigma %.4g%s%s", l.t, l.s,
                  p.finished() ? " | finished" : "", hint);
  ImGui::TextUnformatted(text);
  report_item(text);
  const app::StatusMessage& m = ctx.status();
  if (m.kind != app::StatusMessage::Kind::None) {
    ImGui::SameLine();
    const ImVec4 color = m.kind == app::StatusMessage::Kind::Error     ? ImVec4(1, 0.35f, 0.3f, 1)
                         : m.kind == app::StatusMessage::Kind::Warning ? ImVec4(1, 0.75f, 0.3f, 1)
                                                                       : ImVec4(0.6f, 0.9f, 1, 1);
    ImGui::TextColored(color, "| %s", m.text.c_str());
  }
  ImGui::End();
}

void help_overlay(const layers::LayerTable& table, bool* open) {
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(ImVec2(vp->Size.x * 0.5f, vp->Size.y * 0.5f), ImGuiCond_Always,
                          ImVec2(0.5f, 0.5f));
  ImGui::SetNextWindowBgAlpha(0.92f);
  if (!ImGui::Begin("Keyboard and mouse (H closes)", open,
                    ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoCollapse)) {
    ImGui::End();
    return;
  }
  // Every row from the tables the input handler uses: command keys, then layer keys.
  const auto row = [](const char* key, const std::string& what) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextColored(ImVec4(1, 0.8f, 0.4f, 1), "%s", key);
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(what.c_str());
  };
  if (ImGui::BeginTable("keys", 2, ImGuiTableFlags_RowBg)) {
    for (const app::KeyBinding& b : app::kKeyBindings) row(b.key_name, b.help);
    row("F", "fit the view to the data");
    for (const layers::Layer* layer : table.by_key()) {
      if (layer->key() < 0) continue;
      const std::string key = std::to_string(layer->key());
      row(key.c_str(), "layer on / off: " + std::string(layer->label()));
    }
    row("Esc", "quit");
    row("drag", "pan (with the brush on: draw points; on a mixture centre: move it)");
    row("wheel", "zoom about the cursor");
    ImGui::EndTable();
  }
  ImGui::End();
}

}  // namespace scorelab::ui
