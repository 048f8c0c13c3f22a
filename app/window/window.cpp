// The main loop (see window.h): poll events, start the ImGui frame, panels and input edit the
// scene, the AppContext updates (training snapshot, particles, fields), GL layers draw the plot
// panels, ImGui draws on top, swap. Frame order as in ImGui's example_glfw_opengl3/main.cpp.
#include "app/window/window.h"

#define GLFW_INCLUDE_NONE  // glad provides the GL declarations
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>

#include <algorithm>
#include <chrono>
#include <numeric>
#include <cstdio>
#include <ostream>
#include <vector>

#include "app/render/gl.h"
#include "app/render/renderer.h"
#include "app/state/app_context.h"
#include "app/ui/input.h"
#include "app/ui/panels.h"
#include "app/ui/plot_overlay.h"
#include "app/window/screenshot.h"
#include "core/common/error.h"

namespace scorelab::window {

namespace {

using Clock = std::chrono::steady_clock;

void glfw_error(int code, const char* text) {
  std::fprintf(stderr, "scorelab: GLFW error %d: %s\n", code, text);
}

// GLFW and ImGui set up and torn down in the example's order (RAII, so an exception cleans up).
struct WindowSystem {
  GLFWwindow* window = nullptr;

  WindowSystem(int width, int height) {
    glfwSetErrorCallback(glfw_error);
    if (!glfwInit()) throw InputError("cannot initialise GLFW (is there a display?)");
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
    glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
    glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GL_TRUE);
    window = glfwCreateWindow(width, height, "scorelab", nullptr, nullptr);
    if (!window) {
      glfwTerminate();
      throw InputError("cannot open an OpenGL 3.3 core window");
    }
    glfwMakeContextCurrent(window);
    if (!gladLoadGL(glfwGetProcAddress)) {
      glfwDestroyWindow(window);
      glfwTerminate();
      throw InputError("cannot load OpenGL 3.3 functions");
    }
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
    glfwDestroyWindow(window);
    glfwTerminate();
  }
};

// Style and font scale for UI scale × monitor content scale (HiDPI), rebuilt when it changes.
void apply_ui_scale(float scale) {
  ImGuiStyle style;
  ImGui::StyleColorsDark(&style);
  style.WindowRounding = 0;
  style.ScaleAllSizes(scale);
  ImGui::GetStyle() = style;
  ImGui::GetIO().FontGlobalScale = scale;
}

double percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(q * double(v.size() - 1) + 0.5))];
}

}  // namespace

int run(const Options& options, std::ostream& out, std::ostream& err) {
  Scene scene = options.scene ? load_scene(*options.scene)
                              : parse_scene_text(default_scene_json(), "default scene");
  const bool bench = options.bench_frames > 0;
  if (bench) scene.ui.training = true;  // the benchmark measures frames with training on
  app::RunMode mode;
  mode.scripted = options.frames > 0;

  WindowSystem sys(options.width, options.height);
  // Scripted and benchmark runs go as fast as they can; interactive runs follow the display.
  glfwSwapInterval(mode.scripted || bench ? 0 : 1);
  render::Renderer renderer;
  app::AppContext ctx(std::move(scene), mode);
  ui::PanelState panel_state;
  float applied_scale = -1;
  float frame_ms = 0;
  std::vector<double> frame_times;  // benchmark, ms
  constexpr int kBenchWarmup = 30;  // frames not measured (first uploads, trainer spin-up)
  long bench_start_step = 0;
  Clock::time_point bench_start{};
  const int last_frame = mode.scripted ? options.frames : bench ? kBenchWarmup + options.bench_frames : -1;
  bool quit = false;

  for (int frame = 1; !glfwWindowShouldClose(sys.window) && !quit; ++frame) {
    const auto frame_start = Clock::now();
    glfwPollEvents();

    // Sizes: ImGui works in window coordinates, GL in framebuffer pixels (HiDPI: 2× or more).
    int win_w, win_h, fb_w, fb_h;
    glfwGetWindowSize(sys.window, &win_w, &win_h);
    glfwGetFramebufferSize(sys.window, &fb_w, &fb_h);
    float content_scale = 1, unused = 1;
    glfwGetWindowContentScale(sys.window, &content_scale, &unused);
    const float ui_scale = float(ctx.scene().ui.ui_scale) * content_scale;
    if (ui_scale != applied_scale) {
      apply_ui_scale(ui_scale);
      applied_scale = ui_scale;
    }

    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    ImGui::NewFrame();

    // Layout: side panel on the left, status bar at the bottom, the plot panels in between.
    const Scene& s = ctx.scene();
    const float bar_h = s.ui.show_panels ? ui::status_bar_height() : 0.0f;
    const float side_w = s.ui.show_panels ? std::min(380.0f * ui_scale, 0.45f * float(win_w)) : 0;
    const view::PixelRect plot{side_w, 0, std::max(float(win_w) - side_w, 1.0f),
                               std::max(float(win_h) - bar_h, 1.0f)};
    const int panel_count = s.view.split ? 2 : 1;
    std::array<view::PixelRect, 2> panels{plot, plot};
    if (panel_count == 2) {
      panels[0].w = panels[1].w = plot.w / 2;
      panels[1].x = plot.x + plot.w / 2;
    }

    // UI: panels and input edit a copy of the scene; it is applied (validated) once.
    Scene edit = s;
    bool changed = false;
    if (s.ui.show_panels) changed |= ui::side_panel(ctx, panel_state, edit, side_w, plot.h);
    changed |= ui::handle_keyboard(ctx, edit, panels[0], &quit);
    changed |= ui::handle_mouse(panel_state, edit, panels, panel_count);
    if (changed) ctx.apply(edit);

    // Compute: training snapshot, particles, fields of the visible panels.
    std::array<view::WorldRect, 2> worlds{view::world_rect(ctx.scene().view, panels[0]),
                                          view::world_rect(ctx.scene().view, panels[1])};
    ctx.update(worlds, panel_count);

    for (int p = 0; p < panel_count; ++p) ui::plot_overlay(ctx, panel_state, p, panels[p]);
    if (s.ui.show_panels) ui::status_bar(ctx, frame_ms, plot.h, float(win_w));
    if (ctx.scene().ui.show_help) {
      bool open = true;
      ui::help_overlay(&open);
      if (!open) {
        Scene closed = ctx.scene();
        closed.ui.show_help = false;
        ctx.apply(closed);
      }
    }
    ImGui::Render();

    // Draw: the plot panels with GL, then ImGui on top.
    glViewport(0, 0, fb_w, fb_h);
    glClearColor(0.07f, 0.07f, 0.09f, 1.0f);  // also the plot's background
    glClear(GL_COLOR_BUFFER_BIT);
    const float sx = float(fb_w) / std::max(win_w, 1), sy = float(fb_h) / std::max(win_h, 1);
    for (int p = 0; p < panel_count; ++p) {
      const view::PixelRect& r = panels[p];
      const render::FramebufferRect fb{int(r.x * sx), int(float(fb_h) - (r.y + r.h) * sy),
                                       std::max(int(r.w * sx), 1), std::max(int(r.h * sy), 1)};
      renderer.draw_panel(ctx, p, worlds[p], fb, sx * float(ctx.scene().ui.ui_scale));
    }
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());

    if (frame == last_frame && options.screenshot) save_screenshot(*options.screenshot, fb_w, fb_h);
    glfwSwapBuffers(sys.window);

    frame_ms = std::chrono::duration<float, std::milli>(Clock::now() - frame_start).count();
    if (bench && frame == kBenchWarmup) {
      bench_start = Clock::now();
      bench_start_step = ctx.training() && ctx.training()->model ? ctx.training()->model->step : 0;
    }
    if (bench && frame > kBenchWarmup) frame_times.push_back(frame_ms);
    if (frame == last_frame) break;
  }

  if (bench) {
    const double seconds = std::chrono::duration<double>(Clock::now() - bench_start).count();
    const long steps =
        (ctx.training() && ctx.training()->model ? ctx.training()->model->step : 0) -
        bench_start_step;
    char json[512];
    std::snprintf(json, sizeof json,
                  "{\"frames\": %d, \"warmup_frames\": %d, \"width\": %d, \"height\": %d, "
                  "\"p50_ms\": %.2f, \"p95_ms\": %.2f, \"mean_ms\": %.2f, \"max_ms\": %.2f, "
                  "\"training_steps_per_second\": %.1f, \"particles\": %ld}\n",
                  int(frame_times.size()), kBenchWarmup, options.width, options.height,
                  percentile(frame_times, 0.5), percentile(frame_times, 0.95),
                  frame_times.empty() ? 0.0
                                      : std::accumulate(frame_times.begin(), frame_times.end(), 0.0) /
                                            double(frame_times.size()),
                  percentile(frame_times, 1.0), seconds > 0 ? double(steps) / seconds : 0.0,
                  long(ctx.particles().display().cols()));
    out << json;
  }
  (void)err;
  return 0;
}

}  // namespace scorelab::window
