// Export tests: `scorelab export` run for real under xvfb-run (hidden window, offscreen target).
// The files are decoded with the same libraries a viewer would use (giflib, stb_image, ffprobe)
// and checked for frame count, size, timing, motion and determinism; failures and cancels must
// leave no file behind.
#include <doctest/doctest.h>

#include <gif_lib.h>
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "window/window_testing.h"

using namespace window_testing;

namespace {

// A decoded GIF: every frame composited onto the canvas as a viewer shows it.
struct Gif {
  int width = 0, height = 0;
  std::vector<int> delays;  // 1/100 s per frame
  std::vector<Image> frames;
  bool loops = false;  // NETSCAPE2.0 application extension present
};

Gif decode_gif(const std::string& path) {
  int error = 0;
  GifFileType* gif = DGifOpenFileName(path.c_str(), &error);
  REQUIRE_MESSAGE(gif != nullptr, "giflib cannot open " << path << ": " << GifErrorString(error));
  const std::unique_ptr<GifFileType, void (*)(GifFileType*)> guard(
      gif, [](GifFileType* g) { DGifCloseFile(g, nullptr); });
  REQUIRE_MESSAGE(DGifSlurp(gif) == GIF_OK, "giflib cannot decode " << path);
  Gif out;
  out.width = gif->SWidth;
  out.height = gif->SHeight;
  Image canvas{out.width, out.height, std::vector<unsigned char>(3 * out.width * out.height, 0)};
  for (int i = 0; i < gif->ImageCount; ++i) {
    const SavedImage& im = gif->SavedImages[i];
    for (int e = 0; e < im.ExtensionBlockCount; ++e)
      if (im.ExtensionBlocks[e].Function == APPLICATION_EXT_FUNC_CODE &&
          std::string(reinterpret_cast<char*>(im.ExtensionBlocks[e].Bytes), 8) == "NETSCAPE")
        out.loops = true;
    GraphicsControlBlock gcb{};
    gcb.TransparentColor = NO_TRANSPARENT_COLOR;
    if (DGifSavedExtensionToGCB(gif, i, &gcb) == GIF_OK)
      out.delays.push_back(gcb.DelayTime);
    else
      out.delays.push_back(-1);
    const ColorMapObject* map = im.ImageDesc.ColorMap ? im.ImageDesc.ColorMap : gif->SColorMap;
    REQUIRE(map != nullptr);
    const GifImageDesc& d = im.ImageDesc;
    for (int y = 0; y < d.Height; ++y)
      for (int x = 0; x < d.Width; ++x) {
        const int index = im.RasterBits[y * d.Width + x];
        if (index == gcb.TransparentColor) continue;
        unsigned char* px = &canvas.rgb[3 * ((d.Top + y) * out.width + d.Left + x)];
        px[0] = map->Colors[index].Red;
        px[1] = map->Colors[index].Green;
        px[2] = map->Colors[index].Blue;
      }
    out.frames.push_back(canvas);
  }
  return out;
}

int differing_pixels(const Image& a, const Image& b) {
  int n = 0;
  for (std::size_t i = 0; i < a.rgb.size(); i += 3)
    n += a.rgb[i] != b.rgb[i] || a.rgb[i + 1] != b.rgb[i + 1] || a.rgb[i + 2] != b.rgb[i + 2];
  return n;
}

// ring8 with density, arrows and particles (reverse SDE from the default scene, 200 steps so the
// runs are short); training off unless a test turns it on.
fs::path write_scene(const std::string& name, const std::string& patch = "{}") {
  nlohmann::json scene = nlohmann::json::parse(R"({"seed": 0, "particles": 500,
    "data": {"dataset": "ring8"},
    "noise": {"sde": {"kind": "ve", "sigma_min": 0.01, "sigma_max": 10, "N": 200}},
    "view": {"center_x": 0, "center_y": 0, "half_height": 6.5},
    "ui": {"training": false},
    "layers": {"score": {"grid": 12}, "particles": {"trail": 4}}})");
  scene.merge_patch(nlohmann::json::parse(patch));
  const fs::path path = temp_dir() / (name + ".json");
  std::ofstream(path) << scene.dump();
  return path;
}

std::string files_in(const fs::path& dir) {
  std::string names;
  for (const auto& e : fs::directory_iterator(dir)) names += e.path().filename().string() + " ";
  return names;
}

}  // namespace

TEST_CASE("export GIF: frame count, size, delay and motion as requested") {
  const fs::path dir = temp_dir() / "gif";
  fs::create_directories(dir);
  const fs::path gif = dir / "anim.gif";
  std::string out, err;
  REQUIRE(run_window("export --scene " + write_scene("gif").string() + " --out " + gif.string() +
                         " --size 200x150 --fps 25 --frames 8",
                     &out, &err) == 0);
  CHECK(out.find("exported") != std::string::npos);
  const Gif g = decode_gif(gif.string());
  CHECK(g.width == 200);
  CHECK(g.height == 150);
  REQUIRE(g.frames.size() == 8);
  for (int delay : g.delays) CHECK(delay == 4);  // 25 fps = 4/100 s
  CHECK(g.loops);
  // The particles move every frame (the run is spread over the 8 frames): each frame differs
  // from the one before in at least 100 pixels (a moving particle alone covers ~9).
  for (std::size_t i = 1; i < g.frames.size(); ++i)
    CHECK_MESSAGE(differing_pixels(g.frames[i - 1], g.frames[i]) >= 100, "frame " << i);
  CHECK(files_in(dir) == "anim.gif ");  // no temporary left
}

TEST_CASE("export GIF at 30 fps: delays 3 and 4 hundredths that add up to a second") {
  const fs::path gif = temp_dir() / "fps30.gif";
  REQUIRE(run_window("export --scene " + write_scene("fps30").string() + " --out " + gif.string() +
                     " --size 64x48 --fps 30 --frames 30") == 0);
  const Gif g = decode_gif(gif.string());
  REQUIRE(g.delays.size() == 30);
  int sum = 0;
  for (int d : g.delays) {
    CHECK((d == 3 || d == 4));
    sum += d;
  }
  CHECK(sum == 100);
}

TEST_CASE("the same export twice gives byte-identical files, training included") {
  // Split view with a learned panel while training runs: frame-indexed training (5 steps per
  // frame on the trainer thread, waited for) must be as deterministic as the sampler.
  const fs::path scene = write_scene("twice", R"({"version": 2, "ui": {"training": true}, "view": {"split": true},
                   "train": {"batch": 64}, "model": {"width": 32}})");
  const fs::path a = temp_dir() / "twice_a.gif", b = temp_dir() / "twice_b.gif";
  for (const fs::path& p : {a, b})
    REQUIRE(run_window("export --scene " + scene.string() + " --out " + p.string() +
                       " --size 240x120 --frames 6 --train-steps 5 --seed 7") == 0);
  const std::string bytes_a = read_text(a), bytes_b = read_text(b);
  CHECK(bytes_a.size() > 1000);
  CHECK(bytes_a == bytes_b);
  // And the seed matters: another seed gives another file.
  const fs::path c = temp_dir() / "twice_c.gif";
  REQUIRE(run_window("export --scene " + scene.string() + " --out " + c.string() +
                     " --size 240x120 --frames 6 --train-steps 5 --seed 8") == 0);
  CHECK(read_text(c) != bytes_a);
}

TEST_CASE("export through training: a GIF with one frame per recorded snapshot") {
  // A 16-wide network trained 1,000 steps: snapshots at steps 0, 200, ..., 1,000 (the history's
  // first spacing; far below its cap), so 6 frames, each the learned field and the learned
  // particles of one step.
  const fs::path scene = write_scene("through", R"({"version": 2, "particles": 200,
                   "model": {"width": 16, "depth": 1}, "train": {"batch": 32}})");
  const fs::path gif = temp_dir() / "through.gif";
  std::string out, err;
  REQUIRE(run_window("export --scene " + scene.string() + " --out " + gif.string() +
                         " --size 160x160 --through-training 1000",
                     &out, &err) == 0);
  CHECK(err.find("6 snapshots every 200 steps") != std::string::npos);
  const Gif g = decode_gif(gif.string());
  REQUIRE(g.frames.size() == 6);
  // The learned field and samples change with training: each frame differs from the one before
  // (the untrained network's field from the first trained one's most of all).
  for (std::size_t i = 1; i < g.frames.size(); ++i)
    CHECK_MESSAGE(differing_pixels(g.frames[i - 1], g.frames[i]) >= 100, "frame " << i);
  // Its frames are the snapshots: a frame count or a sweep is refused (a usage error, exit 2).
  CHECK(run_window("export --scene " + scene.string() + " --out " + gif.string() +
                       " --through-training 1000 --frames 4",
                   &out, &err) == 2);
  CHECK(err.find("--through-training") != std::string::npos);
}

TEST_CASE("export through training: a slide GIF spreads a long history over 80 frames") {
  // A 16-wide network: its snapshots are 8 KB, so the 16 MiB cap keeps every one of a 20,000-step
  // run (101); a slide GIF shows 80 of them, full quality all. Under the sanitizers a 2,000-step
  // run (11 snapshots, all shown) takes the same code path at a tenth of the training.
#ifdef SCORELAB_SANITIZED
  const char* steps = "2000";
  const std::size_t snapshots = 11, slide = 11;
#else
  const char* steps = "20000";
  const std::size_t snapshots = 101, slide = 80;  // kSlideFrames (app/export/export_settings.h)
#endif
  const fs::path scene = write_scene("through_long", R"({"version": 2, "particles": 100,
                   "model": {"width": 16, "depth": 1}, "train": {"batch": 32}})");
  for (const bool full : {false, true}) {
    const fs::path gif = temp_dir() / (full ? "long_full.gif" : "long_slide.gif");
    REQUIRE(run_window("export --scene " + scene.string() + " --out " + gif.string() +
                       " --size 32x32 --through-training " + steps +
                       (full ? " --quality full" : "")) == 0);
    CHECK(decode_gif(gif.string()).frames.size() == (full ? snapshots : slide));
  }
}

TEST_CASE("export PNG frames: count, size, and frame 0 equals a one-frame PNG export") {
  const fs::path scene = write_scene("pngseq");
  const fs::path dir = temp_dir() / "frames";
  REQUIRE(run_window("export --scene " + scene.string() + " --out " + dir.string() +
                     "/ --size 160x100 --frames 5") == 0);
  std::set<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.insert(e.path().filename().string());
  CHECK(names == std::set<std::string>{"frame_0000.png", "frame_0001.png", "frame_0002.png",
                                       "frame_0003.png", "frame_0004.png"});
  const Image first = load_png((dir / "frame_0000.png").string());
  CHECK(first.w == 160);
  CHECK(first.h == 100);
  const fs::path single = temp_dir() / "frame0.png";
  REQUIRE(run_window("export --scene " + scene.string() + " --out " + single.string() +
                     " --size 160x100 --frames 1") == 0);
  const Image one = load_png(single.string());
  CHECK(one.rgb == first.rgb);
  CHECK(load_png((dir / "frame_0004.png").string()).rgb != first.rgb);
}

TEST_CASE("export MP4: ffprobe reports the frame count, size and rate") {
  if (std::system("command -v ffmpeg > /dev/null && command -v ffprobe > /dev/null") != 0) {
    MESSAGE("ffmpeg / ffprobe not installed: MP4 export not tested");
    return;
  }
  const fs::path mp4 = temp_dir() / "anim.mp4";
  REQUIRE(run_window("export --scene " + write_scene("mp4").string() + " --out " + mp4.string() +
                     " --size 160x120 --fps 24 --frames 12") == 0);
  const fs::path probe = temp_dir() / "probe.json";
  REQUIRE(std::system(("ffprobe -v error -count_frames -select_streams v:0 -show_entries "
                       "stream=nb_read_frames,width,height,r_frame_rate,codec_name -of json " +
                       mp4.string() + " > " + probe.string())
                          .c_str()) == 0);
  const auto j = nlohmann::json::parse(read_text(probe))["streams"][0];
  CHECK(j["codec_name"] == "h264");
  CHECK(j["nb_read_frames"] == "12");
  CHECK(j["width"] == 160);
  CHECK(j["height"] == 120);
  CHECK(j["r_frame_rate"] == "24/1");
}

TEST_CASE("export: bad output paths and sizes fail clearly and leave no file") {
  const fs::path scene = write_scene("bad");
  std::string err;
  CHECK(run_window("export --scene " + scene.string() + " --out " +
                       (temp_dir() / "missing_dir/a.gif").string() + " --frames 2",
                   nullptr, &err) == 1);
  CHECK_MESSAGE(err.find("missing_dir") != std::string::npos, err);
  CHECK(!fs::exists(temp_dir() / "missing_dir"));
  CHECK_MESSAGE(run_window("export --scene " + scene.string() + " --out /proc/a.gif --frames 2",
                           nullptr, &err) == 1,
                err);
  CHECK_MESSAGE(err.find("/proc") != std::string::npos, err);
  for (const char* size : {"0x0", "100000x100000", "800"}) {
    CHECK(run_window("export --out " + (temp_dir() / "size.gif").string() + " --size " + size,
                     nullptr, &err) == 2);
    CHECK_MESSAGE(err.find("--size") != std::string::npos, err);
  }
  CHECK(run_window("export --out " + (temp_dir() / "a.jpg").string() + " --frames 2", nullptr,
                   &err) == 1);
  CHECK_MESSAGE(err.find(".gif") != std::string::npos, err);
  CHECK(!fs::exists(temp_dir() / "size.gif"));
  CHECK(!fs::exists(temp_dir() / "a.jpg"));
}

TEST_CASE("export: Ctrl-C mid-export leaves no file and the previous output untouched") {
  const fs::path dir = temp_dir() / "cancel";
  fs::create_directories(dir);
  const fs::path gif = dir / "anim.gif", pid_file = dir / "pid",
                 err_file = temp_dir() / "cancel.err";
  std::ofstream(gif) << "previous output";
  // The shell writes its pid and execs scorelab, so the pid is scorelab's.
  const std::string cmd = xvfb_prefix() + "sh -c 'echo $$ > " + pid_file.string() + "; exec " +
                          SCORELAB_BINARY " export --scene " + write_scene("cancel").string() +
                          " --out " + gif.string() + " --size 400x300 --frames 2000' 2> " +
                          err_file.string();
  int status = -1;
  std::thread runner([&] { status = std::system(cmd.c_str()); });
  // Wait until frames are being rendered (the progress line), then interrupt.
  bool started = false;
  for (int i = 0; i < 600 && !started; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    started = read_text(err_file).find("export: frame") != std::string::npos;
  }
  CHECK_MESSAGE(started, read_text(err_file));
  const int pid = std::atoi(read_text(pid_file).c_str());
  REQUIRE(pid > 0);
  ::kill(pid, SIGINT);
  runner.join();
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 1);
  CHECK_MESSAGE(read_text(err_file).find("cancelled") != std::string::npos, read_text(err_file));
  CHECK(read_text(gif) == "previous output");
  std::set<std::string> left;
  for (const auto& e : fs::directory_iterator(dir)) left.insert(e.path().filename().string());
  CHECK(left == std::set<std::string>{"anim.gif", "pid"});  // no temporary left
}

TEST_CASE("export: the temporaries of a kill -9'd export are gone after the next export there") {
  const fs::path dir = temp_dir() / "killed";
  fs::create_directories(dir);
  const fs::path gif = dir / "anim.gif", frames = dir / "frames", pid_file = dir / "pid",
                 err_file = temp_dir() / "killed.err";
  const auto temporaries = [&] {
    std::set<std::string> names;
    for (const auto& e : fs::directory_iterator(dir))
      if (e.path().filename().string().find(".tmp-") != std::string::npos)
        names.insert(e.path().filename().string());
    return names;
  };
  for (const fs::path& out : {gif, frames}) {
    const std::string cmd = xvfb_prefix() + "sh -c 'echo $$ > " + pid_file.string() +
                            "; exec " + SCORELAB_BINARY " export --scene " +
                            write_scene("killed").string() + " --out " + out.string() +
                            " --size 200x150 --frames 2000' 2> " + err_file.string();
    std::thread runner([&] { (void)std::system(cmd.c_str()); });
    bool started = false;
    for (int i = 0; i < 600 && !started; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      started = read_text(err_file).find("export: frame") != std::string::npos;
    }
    CHECK_MESSAGE(started, read_text(err_file));
    const int pid = std::atoi(read_text(pid_file).c_str());
    REQUIRE(pid > 0);
    ::kill(pid, SIGKILL);
    runner.join();
  }
  CHECK(temporaries().size() == 2);  // what kill -9 leaves: .anim.gif.tmp-*, .frames.tmp-*/
  CHECK(run_window("export --scene " + write_scene("killed").string() + " --out " + gif.string() +
                   " --size 64x48 --frames 2") == 0);
  CHECK(run_window("export --scene " + write_scene("killed").string() + " --out " +
                   frames.string() + " --size 64x48 --frames 2") == 0);
  CHECK(temporaries().empty());
  CHECK(fs::exists(gif));
  CHECK(fs::exists(frames / "frame_0001.png"));
}

TEST_CASE("export a sweep of sigma: the density morphs from frame to frame") {
  const fs::path gif = temp_dir() / "sweep.gif";
  REQUIRE(run_window("export --scene " +
                     write_scene("sweep", R"({"layers": {"score": {"on": false}}})").string() +
                     " --out " + gif.string() + " --size 160x120 --sweep sigma --frames 6") == 0);
  const Gif g = decode_gif(gif.string());
  REQUIRE(g.frames.size() == 6);
  // The level falls from sigma 10 to 0.01 in equal log steps (x 1/4 per frame). Every step
  // changes the heatmap (at least 1% of the pixels; the last steps, far below the modes' own
  // std of 0.3, change it least), and from the first frame to the last most of it changes.
  const int pixels = 160 * 120;
  for (std::size_t i = 1; i < g.frames.size(); ++i)
    CHECK_MESSAGE(differing_pixels(g.frames[i - 1], g.frames[i]) > pixels / 100, "frame " << i);
  CHECK(differing_pixels(g.frames.front(), g.frames.back()) > pixels / 2);
}

TEST_CASE("export from the window: the Export panel writes the file while the UI keeps running") {
  // The reverse SDE with 40 steps at the scene's 2 steps per frame: 21 frames "until the sampler
  // finishes" (the panel's default length), 800x800 (its default size).
  const fs::path scene =
      write_scene("panel", R"({"noise": {"sde": {"N": 40}}, "ui": {"steps_per_frame": 2}})");
  const fs::path gif = temp_dir() / "panel.gif", shot = temp_dir() / "panel.png";
  REQUIRE(run_window("--scene " + scene.string() + " --size 640x400 --frames 2 --screenshot " +
                     shot.string() + " --export " + gif.string()) == 0);
  const Gif g = decode_gif(gif.string());
  CHECK(g.width == 800);
  CHECK(g.height == 800);
  CHECK(g.frames.size() == 21);
  CHECK(fs::exists(shot));  // the window drew its own frames meanwhile
}

TEST_CASE("export PNG of a guided scene: the conditional density is drawn, dark away from it") {
  // Observation guidance on ring8 (x1 = 0 seen): p_t(x | y) has its mass at (0, ±4), and a
  // one-picture export draws it once. Its first upload used to be skipped (its texture revision
  // matched the empty texture's), leaving the whole plot the top colour of the scale (yellow).
  const fs::path png = temp_dir() / "guided.png";
  const std::string scene = write_scene("guided", R"({"particles": 200,
      "sampler": {"kind": "reverse_sde", "condition": {"kind": "observation", "observe": "x1",
                  "x1": 0, "noise": 0.3}},
      "layers": {"score": {"on": false}, "particles": {"on": false}, "axes": {"on": false}}})")
                                .string();
  REQUIRE(run_window("export --scene " + scene + " --out " + png.string() + " --size 320x180") ==
          0);
  const Image im = load_png(png.string());
  int bright = 0;  // the upper half of viridis: green to yellow
  for (int i = 0; i < im.w * im.h; ++i) {
    const unsigned char* p = &im.rgb[3 * std::size_t(i)];
    bright += p[1] > 150 && p[2] < 150;
  }
  INFO("bright pixels " << bright << " of " << im.w * im.h);
  CHECK(bright > 0);                 // the posterior's modes are drawn
  CHECK(bright < im.w * im.h / 10);  // and most of the plot is far below them
}

TEST_CASE("export PNG: its text is in the vector font at a thirtieth of the picture's height") {
  // 1200 × 900: text 30 px, read from the back of a lecture hall. The first caption line (top
  // left, light on the dark plot: density, arrows and particles off) is measured by its ink: the
  // rows from its tallest glyph ('(', 't') to its deepest ('p', ')'), about 0.9 of the font size.
  // The bitmap font this replaced drew it 18 rows tall (13 px × the export's scale 1.5); now 24.
  const fs::path png = temp_dir() / "slide_text.png";
  const std::string scene = write_scene("slide_text", R"({"particles": 50,
      "layers": {"density": {"on": false, "contours": false}, "score": {"on": false},
                 "particles": {"on": false}, "data": {"on": false}, "axes": {"on": false}}})")
                                .string();
  REQUIRE(run_window("export --scene " + scene + " --out " + png.string() + " --size 1200x900") ==
          0);
  const Image im = load_png(png.string());
  const auto ink_row = [&](int y) {
    for (int x = 0; x < im.w / 2; ++x) {
      const unsigned char* p = im.at(x, y);
      if (p[0] > 180 && p[1] > 180 && p[2] > 180) return true;
    }
    return false;
  };
  int first = 0;
  while (first < im.h / 4 && !ink_row(first)) ++first;
  int last = first;
  while (last + 1 < im.h / 4 && ink_row(last + 1)) ++last;
  const int rows = last - first + 1;
  INFO("first caption line: rows " << first << " to " << last);
  CHECK(rows >= 0.7 * im.h / 30.0);  // ≥ 21 rows of a 30 px line's ink
}
