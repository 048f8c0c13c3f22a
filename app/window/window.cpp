// The window's main loop (see window.h). FrameLoop holds everything the loop carries from frame to
// frame; its frame() does one frame in named steps, in the order of ImGui's
// example_glfw_opengl3/main.cpp: input (events, ImGui's new frame) → UI (panels and input edit the
// scene) → submit (the edit, once) → update (the visible panels' fields) → draw (GL layers, ImGui
// on top) → present (swap, pacing). run() sets it up and calls frame() until it says stop; a
// browser can call it once per animation frame instead.
#include "app/window/window.h"

#include "app/render/gl.h"  // glad first: it provides the GL declarations
#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <optional>
#include <ostream>
#include <thread>
#include <vector>

#include "app/cli/csv.h"
#include "app/layers/layer_table.h"
#include "app/layers/panel_overlay.h"
#include "app/render/gl_context.h"
#include "app/render/painter.h"
#include "app/state/app_context.h"
#include "app/state/jobs.h"
#include "app/state/session_files.h"
#include "app/ui/input.h"
#include "app/ui/panels.h"
#include "app/widgets/vector_font.h"
#include "app/window/fonts.h"
#include "app/window/frame_stats.h"
#include "app/window/screenshot.h"
#include "app/window/ui_report.h"
#include "core/common/atomic_file.h"
#include "core/common/error.h"
#include "core/lesson/lesson.h"
#include "core/scene/limits.h"

namespace scorelab::window {

namespace {

using Clock = std::chrono::steady_clock;

constexpr double kExportBudgetSeconds = 0.025;  // export rendering per UI frame

// The window's GL context plus ImGui with its GLFW and OpenGL3 backends, set up and torn down in
// the example's order (RAII, so an exception cleans up).
struct WindowSystem {
  render::GlContext gl;
  GLFWwindow* window;

  WindowSystem(int width, int height) : gl(width, height, /*visible=*/true), window(gl.window()) {
    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGui::GetIO().IniFilename = nullptr;  // the scene file holds the settings, not imgui.ini
    ImGui_ImplGlfw_InitForOpenGL(window, true);
    ImGui_ImplOpenGL3_Init("#version 330 core");
  }
  ~WindowSystem() {
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplGlfw_Shutdown();
    ImGui::DestroyContext();
  }
};

// Software GL rasterises a frame on every core: the background threads started after this
// (training, measurements) run only on cores nothing else wants (BackgroundPriority,
// app/platform/thread_priority.h), for as long as this window runs. Not in scripted runs: they are not timed,
// and their frames wait for their measurements, which at idle priority would wait for every busy
// program on the machine (a parallel test run slowed a screenshot's frame to 2.5 s).
struct BackgroundPriorityScope {
  app::BackgroundPriority before = app::background_priority().load();
  explicit BackgroundPriorityScope(bool idle) {
    if (idle) app::background_priority() = app::BackgroundPriority::Idle;
  }
  ~BackgroundPriorityScope() { app::background_priority() = before; }
};

// What the UI's look depends on; the style and fonts are rebuilt when it changes.
struct UiLook {
  bool presenter = false;
  float scale = 1;  // UI scale × monitor content scale (normal), or font pixels / 13 (presenter)
  int font_px = 13;
  bool operator==(const UiLook&) const = default;
};

// Sizes scaled by look.scale; the bitmap font is scaled to size, the vector font is rasterised at
// it. Presenter mode: a high-contrast dark style (brighter text, darker frames, solid windows).
void apply_style(const UiLook& look, bool vector_font) {
  ImGuiStyle style;
  ImGui::StyleColorsDark(&style);
  style.WindowRounding = 0;
  // Opaque: the window clears to this colour, which is also the plot's background, so the side
  // panel is drawn without a background of its own (panels.cpp).
  style.Colors[ImGuiCol_WindowBg] = ImVec4(0.07f, 0.07f, 0.09f, 1);
  if (look.presenter) {
    style.Colors[ImGuiCol_Text] = ImVec4(1, 1, 1, 1);
    style.Colors[ImGuiCol_TextDisabled] = ImVec4(0.78f, 0.78f, 0.78f, 1);
    style.Colors[ImGuiCol_WindowBg] = ImVec4(0.02f, 0.02f, 0.03f, 1);
    style.Colors[ImGuiCol_FrameBg] = ImVec4(0.12f, 0.2f, 0.35f, 1);
    style.FrameBorderSize = 1;
  }
  style.ScaleAllSizes(look.scale);
  ImGui::GetStyle() = style;
  ImGui::GetIO().FontGlobalScale = vector_font ? 1.0f : look.scale;
}

// One refresh of the primary monitor (1/60 s when there is none or it cannot be read).
Clock::duration display_period() {
  GLFWmonitor* monitor = glfwGetPrimaryMonitor();
  const GLFWvidmode* mode = monitor ? glfwGetVideoMode(monitor) : nullptr;
  const int hz = mode && mode->refreshRate > 0 ? mode->refreshRate : 60;
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(1.0 / hz));
}

// Scripted and benchmark runs go as fast as they can (`vsync` false); interactive runs follow the
// display. Returns the display's period, which paces interactive frames under software GL.
Clock::duration set_swap_interval(bool vsync) {
  glfwSwapInterval(vsync ? 1 : 0);
  return display_period();
}

// The scene to start with: a session file with its saved model (ui.model_file), a lesson at a
// step (opened in `lessons` as if picked in the Lessons menu, then → pressed), or the built-in
// default scene; with the benchmark's and presenter mode's settings.
app::OpenedSession open_start(const Options& options, ui::LessonUi& lessons) {
  lessons.dir = app::find_lesson_dir();
  app::OpenedSession opened;
  if (options.lesson) {
    Lesson lesson = load_lesson(*options.lesson);
    if (options.step > int(lesson.steps.size()))
      throw InputError("--step " + std::to_string(options.step) + ": " + *options.lesson + " has " +
                       std::to_string(lesson.steps.size()) + " steps");
    opened.scene = lessons.player.open(std::move(lesson), *options.lesson, options.step - 1);
  } else {
    opened = options.scene ? app::open_session(*options.scene)
                           : app::OpenedSession{
                                 parse_scene_text(default_scene_json(), "default scene"), nullptr,
                                 ""};
  }
  Scene& scene = opened.scene;
  // A scene this machine cannot run is refused before the window opens, naming its file.
  try {
    check_window_cost(scene);
  } catch (const InputError& e) {
    const std::string source = options.lesson ? *options.lesson + " step " + std::to_string(options.step)
                               : options.scene ? *options.scene
                                               : std::string("the default scene");
    throw InputError(source + ": " + e.what());
  }
  // The benchmark measures frames with training on.
  if (options.bench_frames > 0) scene.ui.training = true;
  if (options.presenter) scene.ui.presenter = true;
  return opened;
}

// The window's loop: what it carries from frame to frame, and frame(), one frame in named steps.
//
// Software GL: background work (training, measurements) waits at its gate (background_gate,
// app/state/jobs.h) from a frame's rasterisation (glFinish) through its swap to the next frame's
// window and input queries. llvmpipe rasterises on every core, and a frame is as late as its
// slowest thread; the swap and the queries are round trips to the X server, which waited up to
// a whole scheduler tick (4 ms) for a core while background threads held both. Background
// work has the cores while this thread prepares a frame, while an export renders and during the
// pacing wait. The gate is opened when the loop ends (its destructor), so no worker waits at it
// for good.
class FrameLoop {
 public:
  FrameLoop(const Options& options, std::ostream& err);
  ~FrameLoop() { gate_.open(); }  // before the members go: their workers may wait at the gate
  FrameLoop(const FrameLoop&) = delete;
  FrameLoop& operator=(const FrameLoop&) = delete;

  // One frame. Returns whether to go on: false once the window is closed or quit, or a scripted
  // or benchmark run has drawn its last frame.
  bool frame();

  bool bench() const { return bench_; }
  std::string bench_json() const;  // after the last frame
  int exit_code() const { return exit_code_; }
  // The training steps of the model the learned fields and particles follow now (0: none yet).
  long model_steps() const {
    return ctx_.training() && ctx_.training()->model ? ctx_.training()->model->step : 0;
  }
  // After the last frame: a scripted --export that was refused, failed or never finished is an
  // error (stderr and exit 1), as it is for `scorelab export`.
  void finish();

 private:
  void input();
  void update();
  void ui();
  void submit();
  void compute();
  void draw();
  void present();

  void export_frames();
  void sizes_and_look();
  void layout();
  view::PanelLayout shown_layout() const;
  void overlays();
  void last_frame_outputs();
  long training_step() const {
    return ctx_.training() && ctx_.training()->model ? ctx_.training()->model->step : 0;
  }
  // Runs `work` (an export's frames, the pacing wait) with background work going on, in a stretch
  // where the gate is otherwise closed.
  template <class Work>
  void with_background_work(const Work& work) {
    gate_.open();
    work();
    if (software_) gate_.close();
  }

  // ---- set up once ------------------------------------------------------------------------------
  const Options& options_;
  std::ostream& err_;
  ui::PanelState panel_state_;
  app::OpenedSession start_;  // the scene and model to start with, moved into ctx_
  const app::RunMode mode_;
  const bool bench_;
  const int last_frame_;  // scripted or benchmark runs: the last frame (an export goes on); or −1
  WindowSystem sys_;
  const bool software_;
  BackgroundPriorityScope priority_;
  const Clock::duration frame_period_;
  render::Painter painter_;
  layers::LayerTable table_;
  app::AppContext ctx_;
  ForegroundGate& gate_ = app::background_gate();

  // ---- carried from frame to frame --------------------------------------------------------------
  int frame_ = 0;  // the frame being drawn, from 1
  bool quit_ = false;
  int exit_code_ = 0;
  Fonts fonts_;
  std::optional<UiLook> applied_look_;
  UiReport ui_report_;
  float frame_ms_ = 0;  // the last frame's time, start to start of the next (the status bar's)
  FrameStats stats_;

  // ---- this frame's, handed from step to step ---------------------------------------------------
  Clock::time_point frame_start_;
  // Sizes: ImGui works in window coordinates, GL in framebuffer pixels (HiDPI: 2× or more).
  int win_w_ = 0, win_h_ = 0, fb_w_ = 0, fb_h_ = 0;
  float ui_scale_ = 1;  // the scene's UI scale × the monitor's content scale
  UiLook look_;
  float presenter_lines_ = 1;  // lines, arrows and points: × this in presenter mode
  bool reporting_ = false;     // this frame writes the UI report
  float menu_h_ = 0, side_w_ = 0, lesson_h_ = 0;
  float lesson_x_ = 0;  // the lesson strip's left edge: 0 in presenter mode, else the side panel's
  const std::vector<ClaimCheck>* claims_ = nullptr;  // the open step's checked claims, this frame
  view::PixelRect plot_;
  view::PanelLayout layout_;  // the plot panels, before this frame's edit
  Scene edit_;
  ui::Commands commands_;
  std::vector<layers::PanelFrame> frames_;  // the visible panels, after this frame's edit
};

FrameLoop::FrameLoop(const Options& options, std::ostream& err)
    : options_(options),
      err_(err),
      start_(open_start(options, panel_state_.lessons)),
      mode_{.scripted = options.frames > 0},
      bench_(options.bench_frames > 0),
      last_frame_(mode_.scripted ? options.frames
                  : bench_       ? FrameStats::kWarmup + options.bench_frames
                                 : -1),
      sys_(options.width, options.height),
      software_(sys_.gl.software_rasteriser()),
      priority_(software_ && !mode_.scripted),
      frame_period_(set_swap_interval(!(mode_.scripted || bench_))),
      ctx_(std::move(start_.scene), mode_, std::move(start_.model)) {
  if (options.scene) {  // Ctrl+S saves back to the file it came from
    panel_state_.session.path = *options.scene;
    std::snprintf(panel_state_.session.path_buffer, sizeof panel_state_.session.path_buffer, "%s",
                  options.scene->c_str());
  }
  if (!start_.warning.empty()) {  // a model trained for other data: said, not refused
    err_ << "scorelab: warning: " << start_.warning << "\n";
    ctx_.report(app::StatusMessage::Kind::Warning, start_.warning);
  }
  if (options.export_path) {  // as if the Export button had been pressed
    std::snprintf(panel_state_.exporter.path, sizeof panel_state_.exporter.path, "%s",
                  options.export_path->c_str());
    panel_state_.exporter.start_requested = true;
    panel_state_.exporter.open = 3;
  }
}

bool FrameLoop::frame() {
  ++frame_;
  frame_start_ = Clock::now();
  input();    // events; a running export's frames; sizes, fonts and ImGui's new frame
  update();   // the state: training snapshot, particles, each panel's level (AppContext)
  ui();       // panels, keys, mouse and lesson steps edit a copy of the scene, post commands
  submit();   // the edit and the commands, through the one channel
  compute();  // each visible panel's fields, as the layers that are on ask for them
  draw();     // the layers with GL, ImGui on top
  present();  // rasterise, swap, pace
  // A scripted export from the panel keeps the run going until it is written (or failed).
  if (last_frame_ > 0 && frame_ >= last_frame_ && !panel_state_.exporter.job) return false;
  return !glfwWindowShouldClose(sys_.window) && !quit_;
}

// ---- input --------------------------------------------------------------------------------------

// Events, an export's frames, the window's sizes and look, then the backends' and ImGui's new
// frame with this frame's scripted key presses.
void FrameLoop::input() {
  glfwPollEvents();
  export_frames();
  sizes_and_look();
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  gate_.open();  // the window and input queries are done
  // Scripted key presses: down for one frame, as the GLFW backend reports a real key.
  for (const auto& [at, key] : options_.presses)
    if (at == frame_ || at == frame_ - 1) ImGui::GetIO().KeysDown[key] = at == frame_;
  reporting_ = options_.ui_report && frame_ == last_frame_;
  ui_report_.begin(reporting_);
  ImGui::NewFrame();
}

// A running export renders a few of its frames first, outside this frame's ImGui frame (it has
// its own ImGui context and offscreen target), within a budget that keeps the UI fluid.
void FrameLoop::export_frames() {
  const auto render = [&] { ui::run_export(ctx_, panel_state_.exporter, kExportBudgetSeconds); };
  const ui::ExportPanel& exporter = panel_state_.exporter;
  if (exporter.job || exporter.start_requested || exporter.cancel_requested)
    with_background_work(render);
  else
    render();  // nothing to render: the gate stays as it is
}

void FrameLoop::sizes_and_look() {
  glfwGetWindowSize(sys_.window, &win_w_, &win_h_);
  glfwGetFramebufferSize(sys_.window, &fb_w_, &fb_h_);
  float content_scale = 1, unused = 1;
  glfwGetWindowContentScale(sys_.window, &content_scale, &unused);
  ui_scale_ = float(ctx_.scene().ui.ui_scale) * content_scale;
  // Presenter mode: the font follows the window's height (lecture size at any resolution; above
  // 1080 pixels more slowly, so the extra pixels go to the plot).
  look_ = UiLook{ctx_.scene().ui.presenter, ui_scale_, 13};
  if (look_.presenter) {
    look_.font_px = ui::presenter_font_pixels(win_h_, ctx_.scene().ui.ui_scale * content_scale);
    look_.scale = float(look_.font_px) / 13.0f;
  }
  if (look_ != applied_look_) {  // fonts and style between frames, never inside one
    std::optional<std::string> warning;
    const FontChoice font =
        fonts_.apply({look_.presenter, look_.font_px}, /*uploaded=*/frame_ > 1, &warning);
    if (warning) ctx_.report(app::StatusMessage::Kind::Warning, *warning);
    apply_style(look_, font.vector);
    applied_look_ = look_;
  }
  // Presenter mode: lines, arrows and points thicker in proportion to the text (24 px at 720).
  presenter_lines_ =
      look_.presenter ? 1.5f * std::max(1.0f, float(ui::presenter_font_pixels(win_h_, 1)) / 24) : 1;
}

// ---- update -------------------------------------------------------------------------------------

// Advance what is animated and derive each panel's level first, so every readout of this frame
// (side panel, captions, status bar) shows the same numbers.
void FrameLoop::update() { ctx_.update(); }

// ---- UI -----------------------------------------------------------------------------------------

// Panels and input edit a copy of the scene and post commands; both are submitted once (an edit
// re-derives the levels).
void FrameLoop::ui() {
  layout();
  const Scene& s = ctx_.scene();
  edit_ = s;
  commands_.clear();
  if (s.ui.show_panels) {
    ui::session_menu(ctx_, panel_state_.session, commands_);
    if (side_w_ > 0)  // down to the lesson strip where it spans the window, else beside it
      ui::side_panel(ctx_, table_, panel_state_, edit_, commands_, side_w_,
                     plot_.y + plot_.h + (lesson_x_ < side_w_ ? 0.0f : lesson_h_), menu_h_);
  }
  ui::lesson_panel(panel_state_.lessons, commands_, lesson_x_, plot_.y + plot_.h,
                   float(win_w_) - lesson_x_, lesson_h_, look_.presenter, claims_);
  // F fits the data into every panel: they share one camera, so the narrowest one decides.
  const std::array<view::PixelRect, kMaxPanels>& panels = layout_.rects;
  view::PixelRect narrowest = panels[0];
  for (int p = 1; p < layout_.count; ++p)
    if (panels[p].w / panels[p].h < narrowest.w / narrowest.h) narrowest = panels[p];
  ui::handle_keyboard(ctx_, table_, edit_, commands_, narrowest, &quit_);
  ui::handle_mouse(panel_state_, edit_, layout_);
  // A step whose claims are of a trained model runs again once its model has the steps.
  if (panel_state_.lessons.player.restart_for_claims(ctx_.particles().generation(), model_steps()))
    commands_.push_back(app::Command::NextRun);
  // A lesson picked in the menu, or a step change, becomes this frame's edit.
  ui::lesson_edits(ctx_, panel_state_.lessons, commands_, edit_);
}

// Menu bar at the top, side panel on the left, status bar at the bottom, the plot panels in
// between (the menu bar is one frame high, as ImGui draws it).
void FrameLoop::layout() {
  const Scene& s = ctx_.scene();
  menu_h_ = s.ui.show_panels ? ImGui::GetFrameHeight() : 0.0f;
  const float bar_h = s.ui.show_panels ? ui::status_bar_height() : 0.0f;
  // Presenter mode: no side panel until C asks for it (the plot is the slide); then 20 font
  // heights wide, at most 36% of the window (the plot keeps more than 60% of the width).
  side_w_ = !s.ui.show_panels ? 0
            : look_.presenter ? (s.ui.controls ? std::min(20.0f * float(look_.font_px),
                                                          0.36f * float(win_w_))
                                               : 0.0f)
                              : std::min(380.0f * ui_scale_, 0.45f * float(win_w_));
  // The open lesson's text runs along the bottom of the plot, never over it.
  const app::Particles& particles = ctx_.particles();
  claims_ = particles.started()
                ? panel_state_.lessons.player.claim_checks(
                      s, particles.positions(),
                      s.compare_sampler ? &ctx_.particles(1).positions() : nullptr,
                      ctx_.runs_finished(), particles.generation(), model_steps(), ctx_.learned())
                : nullptr;
  // In presenter mode the strip spans the window under the controls too, so opening them (C)
  // does not narrow the text into more lines than the strip holds.
  lesson_x_ = look_.presenter ? 0.0f : side_w_;
  lesson_h_ = ui::lesson_panel_height(panel_state_.lessons, float(win_w_) - lesson_x_,
                                      float(win_h_), look_.presenter, claims_);
  plot_ = {side_w_, menu_h_, std::max(float(win_w_) - side_w_, 1.0f),
           std::max(float(win_h_) - bar_h - menu_h_ - lesson_h_, 1.0f)};
  layout_ = shown_layout();
}

// The panels as drawn: the scene's camera, zoomed out to the particles where it follows them.
view::PanelLayout FrameLoop::shown_layout() const {
  const ViewConfig& v = ctx_.scene().view;
  const app::Particles& particles = ctx_.particles();
  return view::layout_panels(
      particles.started() ? view::shown_view(v, plot_, particles.display()) : v, plot_);
}

// ---- submit -------------------------------------------------------------------------------------

void FrameLoop::submit() {
  // A slider held or a drag in the plot is one gesture: one undo step however long it lasts.
  const bool gesture = ImGui::IsAnyItemActive() || ImGui::IsMouseDown(ImGuiMouseButton_Left);
  ctx_.submit(edit_, commands_, gesture);
  // The benchmark measures frames that do particle work: a finished run starts the next one.
  if (bench_ && frame_ > 1 && ctx_.particles().finished()) {
    ctx_.run(app::Command::NextRun);
    stats_.count_restart(frame_);
  }
}

// ---- compute ------------------------------------------------------------------------------------

// The layers' fields of the visible panels (the layout again: the edit may have changed it).
void FrameLoop::compute() {
  const view::PanelLayout shown = shown_layout();
  const double now = std::chrono::duration<double>(Clock::now().time_since_epoch()).count();
  frames_.clear();
  for (int p = 0; p < shown.count; ++p) {
    frames_.push_back(
        table_.frame(ctx_, shown, p, now, float(ctx_.scene().ui.ui_scale) * presenter_lines_));
    try {
      table_.compute(frames_.back());
    } catch (const InputError& e) {
      ctx_.report(app::StatusMessage::Kind::Error, e.what());
    }
  }
}

// ---- draw ---------------------------------------------------------------------------------------

// What ImGui draws over the plot, then the plot panels' layers with GL and ImGui on top.
void FrameLoop::draw() {
  overlays();
  ImGui::Render();
  if (reporting_)
    ui_report_.write(*options_.ui_report, float(win_w_), float(win_h_),
                     {plot_.x, plot_.y, plot_.x + plot_.w, plot_.y + plot_.h});

  glViewport(0, 0, fb_w_, fb_h_);
  // The style's window colour: the plot's background and the side panel's (drawn without one).
  const ImVec4 background = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
  glClearColor(background.x, background.y, background.z, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  const float sx = float(fb_w_) / std::max(win_w_, 1), sy = float(fb_h_) / std::max(win_h_, 1);
  for (layers::PanelFrame& f : frames_) {
    const view::PixelRect& r = f.rect;
    const render::FramebufferRect fb{int(r.x * sx), int(float(fb_h_) - (r.y + r.h) * sy),
                                     std::max(int(r.w * sx), 1), std::max(int(r.h * sy), 1)};
    table_.draw(painter_, f, fb, sx * float(ctx_.scene().ui.ui_scale) * presenter_lines_);
  }
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
}

// The panels' legends and editing marks, the status bar and the help overlay.
void FrameLoop::overlays() {
  layers::OverlayOptions overlay;
  overlay.scale = look_.scale;
  layers::EditingMarks marks;
  marks.brush = panel_state_.brush;
  marks.brush_radius = panel_state_.brush_radius;
  marks.dragging_component = panel_state_.dragging_component;
  // Editing aids, not for a class: hidden in presenter mode.
  marks.mixture_centres =
      ctx_.scene().ui.show_panels && !panel_state_.brush && !ctx_.scene().ui.presenter;
  for (const layers::PanelFrame& f : frames_) layers::panel_overlay(table_, f, overlay, marks);
  if (ctx_.scene().ui.show_panels)
    ui::status_bar(ctx_, frame_ms_, plot_.y + plot_.h + lesson_h_, float(win_w_));
  if (ctx_.scene().ui.show_help) {
    bool open = true;
    ui::help_overlay(table_, &open);
    if (!open) ctx_.run(app::Command::ToggleHelp);
  }
}

// ---- present ------------------------------------------------------------------------------------

// The last frame's files, the swap, the pacing wait and the frame's time.
void FrameLoop::present() {
  last_frame_outputs();
  if (software_) {  // rasterise with the gate closed (see above), until the next frame's queries
    gate_.close();
    glFinish();
  }
  glfwSwapBuffers(sys_.window);
  // The frame's work, from its start to the picture presented (without the wait below).
  const double busy_ms =
      std::chrono::duration<double, std::milli>(Clock::now() - frame_start_).count();
  // Interactive runs draw at most at the display's rate. With vsync the swap has already waited
  // for it; software GL has no vsync and would draw a hundred frames a second or more, so the
  // rest of the period is slept here, and background work (training) has the cores meanwhile.
  if (!mode_.scripted && (!bench_ || options_.paced))
    with_background_work([&] { std::this_thread::sleep_until(frame_start_ + frame_period_); });

  frame_ms_ = std::chrono::duration<float, std::milli>(Clock::now() - frame_start_).count();
  if (bench_) stats_.record(frame_, frame_ms_, busy_ms, training_step());
}

// Scripted runs: the screenshot, the saved session and the particles of the last frame.
void FrameLoop::last_frame_outputs() {
  if (frame_ != last_frame_) return;
  if (options_.screenshot) save_screenshot(*options_.screenshot, fb_w_, fb_h_);
  // The File menu's save, scripted (the scene only; tests reopen it and compare frames).
  if (options_.save && !ui::save_to(ctx_, panel_state_.session, *options_.save, false)) {
    err_ << "scorelab: " << ctx_.status().text << "\n";
    exit_code_ = 1;
  }
  if (options_.particles_out)
    write_file_atomic(*options_.particles_out, cli::particles_csv(ctx_.particles().positions()));
}

void FrameLoop::finish() {
  if (!options_.export_path) return;
  const ui::ExportPanel& exporter = panel_state_.exporter;
  if (exporter.failed || exporter.job || exporter.result.empty()) {
    err_ << "scorelab: --export " << *options_.export_path << ": "
         << (exporter.result.empty() ? "the export did not finish before the window closed"
                                     : exporter.result)
         << "\n";
    exit_code_ = 1;
  }
}

std::string FrameLoop::bench_json() const {
  const auto& particles = ctx_.scene().layers.particles;
  FrameStats::Run run;
  run.width = options_.width;
  run.height = options_.height;
  run.training_step = training_step();
  run.particles = long(ctx_.particles().display().cols());
  run.particles_with_trail =
      particles.on && particles.trail > 0
          ? long(std::min<Index>(particles.trail_particles, ctx_.particles().display().cols()))
          : 0L;
  run.software_rasteriser = software_;
  run.background_idle = app::background_priority().load() == app::BackgroundPriority::Idle;
  run.paced = options_.paced;
  return stats_.json(run);
}

}  // namespace

int run(const Options& options, std::ostream& out, std::ostream& err) {
  FrameLoop loop(options, err);
  while (loop.frame()) {
  }
  loop.finish();
  if (loop.bench()) out << loop.bench_json();
  return loop.exit_code();
}

}  // namespace scorelab::window
