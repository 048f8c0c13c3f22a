// The main loop (see window.h): poll events, start the ImGui frame, panels and input edit the
// scene, the AppContext updates (training snapshot, particles, fields), GL layers draw the plot
// panels, ImGui draws on top, swap. Frame order as in ImGui's example_glfw_opengl3/main.cpp.
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
#include <numeric>
#include <optional>
#include <ostream>
#include <thread>
#include <vector>

#include "app/cli/csv.h"
#include "app/layers/layer_table.h"
#include "app/render/painter.h"
#include "app/state/app_context.h"
#include "app/state/jobs.h"
#include "app/state/session_files.h"
#include "app/ui/input.h"
#include "app/ui/panels.h"
#include "app/layers/panel_overlay.h"
#include "app/render/gl_context.h"
#include "app/ui/item_report.h"
#include "app/window/fonts.h"
#include "app/window/screenshot.h"
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

double percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(q * double(v.size() - 1) + 0.5))];
}

}  // namespace

int run(const Options& options, std::ostream& out, std::ostream& err) {
  // A session file with its saved model (ui.model_file), a lesson at a step, or the built-in
  // default scene.
  ui::PanelState panel_state;
  panel_state.lessons.dir = app::find_lesson_dir();
  app::OpenedSession opened;
  if (options.lesson) {  // as if the lesson had been picked in the Lessons menu, then → pressed
    Lesson lesson = load_lesson(*options.lesson);
    if (options.step > int(lesson.steps.size()))
      throw InputError("--step " + std::to_string(options.step) + ": " + *options.lesson +
                       " has " + std::to_string(lesson.steps.size()) + " steps");
    opened.scene =
        panel_state.lessons.player.open(std::move(lesson), *options.lesson, options.step - 1);
  } else {
    opened = options.scene
                 ? app::open_session(*options.scene)
                 : app::OpenedSession{parse_scene_text(default_scene_json(), "default scene"), nullptr};
  }
  Scene& scene = opened.scene;
  check_window_cost(scene);  // a scene this machine cannot run is refused before the window opens
  const bool bench = options.bench_frames > 0;
  if (bench) scene.ui.training = true;  // the benchmark measures frames with training on
  if (options.presenter) scene.ui.presenter = true;
  app::RunMode mode;
  mode.scripted = options.frames > 0;

  WindowSystem sys(options.width, options.height);
  const bool software = sys.gl.software_rasteriser();
  // Software GL rasterises a frame on every core: the background threads started below (training,
  // measurements) run only on cores nothing else wants (BackgroundPriority, thread_priority.h),
  // for as long as this window runs. Not in scripted runs: they are not timed, and their frames
  // wait for their measurements, which at idle priority would wait for every busy program on the
  // machine (a parallel test run slowed a screenshot's frame to 2.5 s).
  struct BackgroundPriorityScope {
    app::BackgroundPriority before = app::background_priority().load();
    ~BackgroundPriorityScope() { app::background_priority() = before; }
  } priority_scope;
  if (software && !mode.scripted) app::background_priority() = app::BackgroundPriority::Idle;
  // Scripted and benchmark runs go as fast as they can; interactive runs follow the display.
  glfwSwapInterval(mode.scripted || bench ? 0 : 1);
  const auto frame_period = display_period();
  render::Painter painter;
  layers::LayerTable table;
  app::AppContext ctx(std::move(scene), mode, std::move(opened.model));
  if (options.scene) {  // Ctrl+S saves back to the file it came from
    panel_state.session.path = *options.scene;
    std::snprintf(panel_state.session.path_buffer, sizeof panel_state.session.path_buffer, "%s",
                  options.scene->c_str());
  }
  int exit_code = 0;
  Fonts fonts;
  std::optional<UiLook> applied_look;
  ui::ItemReport item_report;
  float frame_ms = 0;
  std::vector<double> frame_times;  // benchmark: start to start of the next frame, ms
  std::vector<double> busy_times;   // benchmark: each frame's work, without the pacing wait, ms
  constexpr int kBenchWarmup = 30;  // frames not measured (first uploads, trainer spin-up)
  long bench_start_step = 0;
  int bench_restarts = 0;  // sampler runs that finished during the measured frames and restarted
  Clock::time_point bench_start{};
  const int last_frame = mode.scripted ? options.frames
                         : bench       ? kBenchWarmup + options.bench_frames
                                       : -1;
  bool quit = false;
  if (options.export_path) {  // as if the Export button had been pressed
    std::snprintf(panel_state.exporter.path, sizeof panel_state.exporter.path, "%s",
                  options.export_path->c_str());
    panel_state.exporter.start_requested = true;
    panel_state.exporter.open = 3;
  }

  // Software GL: background work (training, measurements) waits at its gate (background_gate,
  // app/state/jobs.h) from a frame's rasterisation (glFinish) through its swap to the next frame's
  // window and input queries. llvmpipe rasterises on every core, and a frame is as late as its
  // slowest thread; the swap and the queries are round trips to the X server, which waited up to
  // a whole scheduler tick (4 ms) for a core while background threads held both. Background
  // work has the cores while this thread prepares a frame, while an export renders and during the
  // pacing wait. The gate is opened whenever the loop ends, so no worker waits at it for good.
  ForegroundGate& gate = app::background_gate();
  struct OpenAtExit {
    ~OpenAtExit() { app::background_gate().open(); }
  } open_at_exit;
  // Runs `work` (an export's frames, the pacing wait) with background work going on, in a stretch
  // where the gate is otherwise closed.
  const auto with_background_work = [&](const auto& work) {
    gate.open();
    work();
    if (software) gate.close();
  };

  for (int frame = 1; !glfwWindowShouldClose(sys.window) && !quit; ++frame) {
    const auto frame_start = Clock::now();
    glfwPollEvents();
    // A running export renders a few of its frames first, outside this frame's ImGui frame (it
    // has its own ImGui context and offscreen target), within a budget that keeps the UI fluid.
    const auto export_frames = [&] {
      ui::run_export(ctx, panel_state.exporter, kExportBudgetSeconds);
    };
    const ui::ExportPanel& exporter = panel_state.exporter;
    if (exporter.job || exporter.start_requested || exporter.cancel_requested)
      with_background_work(export_frames);
    else
      export_frames();  // nothing to render: the gate stays as it is

    // Sizes: ImGui works in window coordinates, GL in framebuffer pixels (HiDPI: 2× or more).
    int win_w, win_h, fb_w, fb_h;
    glfwGetWindowSize(sys.window, &win_w, &win_h);
    glfwGetFramebufferSize(sys.window, &fb_w, &fb_h);
    float content_scale = 1, unused = 1;
    glfwGetWindowContentScale(sys.window, &content_scale, &unused);
    const float ui_scale = float(ctx.scene().ui.ui_scale) * content_scale;
    // Presenter mode: the font follows the window's height (lecture size at any resolution).
    UiLook look{ctx.scene().ui.presenter, ui_scale, 13};
    if (look.presenter) {
      look.font_px = presenter_font_pixels(win_h, ctx.scene().ui.ui_scale * content_scale);
      look.scale = float(look.font_px) / 13.0f;
    }
    if (look != applied_look) {  // fonts and style between frames, never inside one
      std::optional<std::string> warning;
      const FontChoice font =
          fonts.apply({look.presenter, look.font_px}, /*uploaded=*/frame > 1, &warning);
      if (warning) ctx.report(app::StatusMessage::Kind::Warning, *warning);
      apply_style(look, font.vector);
      applied_look = look;
    }
    // Presenter mode: lines, arrows and points thicker in proportion to the window's height.
    const float presenter_lines = look.presenter ? 1.5f * std::max(1.0f, float(win_h) / 720) : 1;

    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    gate.open();  // the window and input queries are done
    // Scripted key presses: down for one frame, as the GLFW backend reports a real key.
    for (const auto& [at, key] : options.presses)
      if (at == frame || at == frame - 1) ImGui::GetIO().KeysDown[key] = at == frame;
    const bool reporting = options.ui_report && frame == last_frame;
    item_report = {};
    ImGui::GetIO().UserData = reporting ? &item_report : nullptr;
    ImGui::NewFrame();

    // Layout: menu bar at the top, side panel on the left, status bar at the bottom, the plot
    // panels in between (the menu bar is one frame high, as ImGui draws it).
    const Scene& s = ctx.scene();
    const float menu_h = s.ui.show_panels ? ImGui::GetFrameHeight() : 0.0f;
    const float bar_h = s.ui.show_panels ? ui::status_bar_height() : 0.0f;
    // Presenter mode: a panel 20 font heights wide, at most 36% of the window (the plot keeps
    // more than 60% of the width at any size).
    const float side_w = !s.ui.show_panels ? 0
                         : look.presenter  ? std::min(20.0f * float(look.font_px), 0.36f * float(win_w))
                                           : std::min(380.0f * ui_scale, 0.45f * float(win_w));
    // The open lesson's text runs along the bottom of the plot, never over it.
    const float lesson_h = ui::lesson_panel_height(panel_state.lessons, float(win_w) - side_w,
                                                   float(win_h), look.presenter);
    const view::PixelRect plot{side_w, menu_h, std::max(float(win_w) - side_w, 1.0f),
                               std::max(float(win_h) - bar_h - menu_h - lesson_h, 1.0f)};
    const view::PanelLayout layout = view::layout_panels(s.view, plot);
    const int panel_count = layout.count;
    const std::array<view::PixelRect, kMaxPanels>& panels = layout.rects;

    // Advance what is animated and derive each panel's level first, so every readout of this
    // frame (side panel, captions, status bar) shows the same numbers.
    ctx.update();

    // UI: panels and input edit a copy of the scene and post commands; both are submitted once
    // (an edit re-derives the levels).
    Scene edit = s;
    ui::Commands commands;
    if (s.ui.show_panels) {
      ui::session_menu(ctx, panel_state.session, commands);
      ui::side_panel(ctx, table, panel_state, edit, commands, side_w, plot.y + plot.h + lesson_h,
                     menu_h);
    }
    ui::lesson_panel(panel_state.lessons, commands, plot.x, plot.y + plot.h, plot.w, lesson_h,
                     look.presenter);
    // F fits the data into every panel: they share one camera, so the narrowest one decides.
    view::PixelRect narrowest = panels[0];
    for (int p = 1; p < panel_count; ++p)
      if (panels[p].w / panels[p].h < narrowest.w / narrowest.h) narrowest = panels[p];
    ui::handle_keyboard(ctx, table, edit, commands, narrowest, &quit);
    ui::handle_mouse(panel_state, edit, panels, panel_count);
    // A lesson picked in the menu, or a step change, becomes this frame's edit.
    ui::lesson_edits(ctx, panel_state.lessons, commands, edit);
    // A slider held or a drag in the plot is one gesture: one undo step however long it lasts.
    const bool gesture = ImGui::IsAnyItemActive() || ImGui::IsMouseDown(ImGuiMouseButton_Left);
    ctx.submit(edit, commands, gesture);
    // The benchmark measures frames that do particle work: a finished run starts the next one.
    if (bench && frame > 1 && ctx.particles().finished()) {
      ctx.run(app::Command::NextRun);
      if (frame > kBenchWarmup) ++bench_restarts;
    }

    // Compute: the layers' fields of the visible panels.
    const view::PanelLayout shown = view::layout_panels(ctx.scene().view, plot);
    const double now = std::chrono::duration<double>(Clock::now().time_since_epoch()).count();
    std::vector<layers::PanelFrame> frames;
    for (int p = 0; p < shown.count; ++p) {
      frames.push_back(
          table.frame(ctx, shown, p, now, float(ctx.scene().ui.ui_scale) * presenter_lines));
      try {
        table.compute(frames.back());
      } catch (const InputError& e) {
        ctx.report(app::StatusMessage::Kind::Error, e.what());
      }
    }

    layers::OverlayOptions overlay;
    overlay.scale = look.scale;
    layers::EditingMarks marks;
    marks.brush = panel_state.brush;
    marks.brush_radius = panel_state.brush_radius;
    marks.dragging_component = panel_state.dragging_component;
    // Editing aids, not for a class: hidden in presenter mode.
    marks.mixture_centres =
        ctx.scene().ui.show_panels && !panel_state.brush && !ctx.scene().ui.presenter;
    for (const layers::PanelFrame& f : frames) layers::panel_overlay(table, f, overlay, marks);
    if (ctx.scene().ui.show_panels)
      ui::status_bar(ctx, frame_ms, plot.y + plot.h + lesson_h, float(win_w));
    if (ctx.scene().ui.show_help) {
      bool open = true;
      ui::help_overlay(table, &open);
      if (!open) ctx.run(app::Command::ToggleHelp);
    }
    ImGui::Render();
    if (reporting) {
      item_report.display_w = float(win_w);
      item_report.display_h = float(win_h);
      item_report.font_px = ImGui::GetFontSize();
      // The glyphs lessons write (σ ε ∇ ∫ ₓ ₀ ₉ ≥), each looked up in the loaded font.
      for (const ImWchar c : {0x03C3, 0x03B5, 0x2207, 0x222B, 0x2093, 0x2080, 0x2089, 0x2265})
        if (!ImGui::GetFont()->FindGlyphNoFallback(c)) {
          char code[16];
          std::snprintf(code, sizeof code, "U+%04X ", unsigned(c));
          item_report.missing_glyphs += code;
        }
      write_file_atomic(*options.ui_report, item_report.json());
      ImGui::GetIO().UserData = nullptr;
    }

    // Draw: the plot panels' layers with GL, then ImGui on top.
    glViewport(0, 0, fb_w, fb_h);
    // The style's window colour: the plot's background and the side panel's (drawn without one).
    const ImVec4 background = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
    glClearColor(background.x, background.y, background.z, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    const float sx = float(fb_w) / std::max(win_w, 1), sy = float(fb_h) / std::max(win_h, 1);
    for (layers::PanelFrame& f : frames) {
      const view::PixelRect& r = f.rect;
      const render::FramebufferRect fb{int(r.x * sx), int(float(fb_h) - (r.y + r.h) * sy),
                                       std::max(int(r.w * sx), 1), std::max(int(r.h * sy), 1)};
      table.draw(painter, f, fb, sx * float(ctx.scene().ui.ui_scale) * presenter_lines);
    }
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());

    if (frame == last_frame && options.screenshot) save_screenshot(*options.screenshot, fb_w, fb_h);
    // The File menu's save, scripted (the scene only; tests reopen it and compare frames).
    if (frame == last_frame && options.save &&
        !ui::save_to(ctx, panel_state.session, *options.save, false)) {
      err << "scorelab: " << ctx.status().text << "\n";
      exit_code = 1;
    }
    if (frame == last_frame && options.particles_out)
      write_file_atomic(*options.particles_out, cli::particles_csv(ctx.particles().positions()));
    if (software) {  // rasterise with the gate closed (see above), until the next frame's queries
      gate.close();
      glFinish();
    }
    glfwSwapBuffers(sys.window);
    // The frame's work, from its start to the picture presented (without the wait below).
    const double busy_ms =
        std::chrono::duration<double, std::milli>(Clock::now() - frame_start).count();
    // Interactive runs draw at most at the display's rate. With vsync the swap has already waited
    // for it; software GL has no vsync and would draw a hundred frames a second or more, so the
    // rest of the period is slept here, and background work (training) has the cores meanwhile.
    if (!mode.scripted && (!bench || options.paced))
      with_background_work([&] { std::this_thread::sleep_until(frame_start + frame_period); });

    frame_ms = std::chrono::duration<float, std::milli>(Clock::now() - frame_start).count();
    if (bench && frame == kBenchWarmup) {
      bench_start = Clock::now();
      bench_start_step = ctx.training() && ctx.training()->model ? ctx.training()->model->step : 0;
    }
    if (bench && frame > kBenchWarmup) {
      frame_times.push_back(frame_ms);
      busy_times.push_back(busy_ms);
    }
    // A scripted export from the panel keeps the run going until it is written (or failed).
    if (last_frame > 0 && frame >= last_frame && !panel_state.exporter.job) break;
  }

  if (bench) {
    const double seconds = std::chrono::duration<double>(Clock::now() - bench_start).count();
    const long steps = (ctx.training() && ctx.training()->model ? ctx.training()->model->step : 0) -
                       bench_start_step;
    char json[512];
    std::snprintf(json, sizeof json,
                  "{\"frames\": %d, \"warmup_frames\": %d, \"width\": %d, \"height\": %d, "
                  "\"p50_ms\": %.2f, \"p95_ms\": %.2f, \"mean_ms\": %.2f, \"max_ms\": %.2f, "
                  "\"training_steps_per_second\": %.1f, \"particles\": %ld, "
                  "\"particles_with_trail\": %ld, \"sampler_restarts\": %d, "
                  "\"software_rasteriser\": %s, \"background\": \"%s\", \"paced\": %s, "
                  "\"busy_p50_ms\": %.2f, \"busy_p95_ms\": %.2f}\n",
                  int(frame_times.size()), kBenchWarmup, options.width, options.height,
                  percentile(frame_times, 0.5), percentile(frame_times, 0.95),
                  frame_times.empty()
                      ? 0.0
                      : std::accumulate(frame_times.begin(), frame_times.end(), 0.0) /
                            double(frame_times.size()),
                  percentile(frame_times, 1.0), seconds > 0 ? double(steps) / seconds : 0.0,
                  long(ctx.particles().display().cols()),
                  ctx.scene().layers.particles.on && ctx.scene().layers.particles.trail > 0
                      ? long(std::min<Index>(ctx.scene().layers.particles.trail_particles,
                                             ctx.particles().display().cols()))
                      : 0L,
                  bench_restarts, software ? "true" : "false",
                  app::background_priority().load() == app::BackgroundPriority::Idle ? "idle"
                                                                                     : "nice",
                  options.paced ? "true" : "false", percentile(busy_times, 0.5),
                  percentile(busy_times, 0.95));
    out << json;
  }
  return exit_code;
}

}  // namespace scorelab::window
