// Parsing the window's flags (see options.h).
#include "app/window/options.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "app/export/export_settings.h"
#include "app/state/commands.h"
#include "core/common/atomic_file.h"
#include "core/common/error.h"

namespace scorelab::window {

namespace {

// The scripted outputs go through the command line's output checks (core/common/atomic_file.h)
// before the window opens: never the scene or lesson they read (`--screenshot w.json` used to
// turn the scene into a PNG), a device or a directory, and never each other.
void check_outputs(const Options& o) {
  std::vector<std::string> inputs;
  if (o.scene) inputs.push_back(*o.scene);
  if (o.lesson) inputs.push_back(*o.lesson);
  const std::pair<const char*, const std::optional<std::string>*> outputs[] = {
      {"--screenshot", &o.screenshot},
      {"--particles-out", &o.particles_out},
      {"--ui-report", &o.ui_report},
      {"--save", &o.save}};
  for (const auto& [flag, path] : outputs) {
    if (!*path) continue;
    // --save may write the session back over the scene it opened (as File > Save does).
    const bool save = std::string_view(flag) == "--save";
    try {
      (void)check_output(**path, save ? std::vector<std::string>{} : inputs);
    } catch (const InputError& e) {
      throw InputError(std::string(flag) + ": " + e.what());
    }
  }
  // The export: the same checks as `scorelab export --out` (its format, a folder for PNG frames).
  if (o.export_path) {
    try {
      exporting::check_export_output(*o.export_path, inputs);
    } catch (const InputError& e) {
      throw InputError(std::string("--export: ") + e.what());
    }
    for (const auto& [flag, path] : outputs)
      if (*path) check_distinct_outputs("--export", *o.export_path, flag, **path);
  }
  for (std::size_t a = 0; a < std::size(outputs); ++a)
    for (std::size_t b = a + 1; b < std::size(outputs); ++b)
      if (*outputs[a].second && *outputs[b].second)
        check_distinct_outputs(outputs[a].first, **outputs[a].second, outputs[b].first,
                               **outputs[b].second);
}

}  // namespace

namespace {

constexpr const char* kWindowFlags[] = {"--scene",         "--size",   "--frames", "--screenshot",
                                  "--bench-frames",  "--export", "--lesson", "--step",
                                  "--particles-out", "--press",  "--save",   "--presenter",
                                  "--ui-report",     "--paced"};

bool is_scene_file(const std::string& arg) {
  return arg.size() > 5 && arg.compare(arg.size() - 5, 5, ".json") == 0 && arg[0] != '-';
}

// Named keys --press accepts besides letters, digits and Space (GLFW key codes).
struct NamedKey {
  const char* name;
  int code;
};
constexpr NamedKey kNamedKeys[] = {{"Space", ' '},
                                   {"Right", app::kGlfwKeyRight},
                                   {"Left", app::kGlfwKeyLeft},
                                   {"PageUp", app::kGlfwKeyPageUp},
                                   {"PageDown", app::kGlfwKeyPageDown}};

int parse_int(const std::string& flag, const std::string& text, int lo, int hi) {
  int v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < lo || v > hi)
    throw InputError(flag + " wants an integer in [" + std::to_string(lo) + ", " +
                     std::to_string(hi) + "], got '" + text + "'");
  return v;
}

}  // namespace

bool is_window_command(const std::vector<std::string>& args) {
  if (args.empty() || is_scene_file(args[0])) return true;
  return std::find(std::begin(kWindowFlags), std::end(kWindowFlags), args[0]) != std::end(kWindowFlags);
}

Options parse_options(const std::vector<std::string>& args) {
  Options o;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& flag = args[i];
    if (i == 0 && is_scene_file(flag)) {  // scorelab FILE.json [flags]
      o.scene = flag;
      continue;
    }
    if (std::find(std::begin(kWindowFlags), std::end(kWindowFlags), flag) == std::end(kWindowFlags))
      throw InputError("unknown window flag '" + flag + "'");
    if (flag == "--presenter" || flag == "--paced") {  // the flags without a value
      (flag == "--presenter" ? o.presenter : o.paced) = true;
      continue;
    }
    if (i + 1 >= args.size()) throw InputError(flag + " needs a value");
    const std::string& value = args[++i];
    if (flag == "--scene") {
      o.scene = value;
    } else if (flag == "--lesson") {
      o.lesson = value;
    } else if (flag == "--step") {
      o.step = parse_int(flag, value, 1, 1'000'000);
    } else if (flag == "--screenshot") {
      o.screenshot = value;
    } else if (flag == "--particles-out") {
      o.particles_out = value;
    } else if (flag == "--save") {
      o.save = value;
    } else if (flag == "--ui-report") {
      o.ui_report = value;
    } else if (flag == "--export") {
      o.export_path = value;
    } else if (flag == "--press") {  // FRAME:KEY[,FRAME:KEY...], KEY a letter, digit or named
      for (std::size_t from = 0; from <= value.size();) {
        const std::size_t comma = std::min(value.find(',', from), value.size());
        const std::string item = value.substr(from, comma - from);
        const std::size_t colon = item.find(':');
        const std::string key = colon == std::string::npos ? "" : item.substr(colon + 1);
        int code = -1;
        for (const NamedKey& k : kNamedKeys)
          if (key == k.name) code = k.code;
        if (key.size() == 1 && std::isalnum(static_cast<unsigned char>(key[0])))
          code = std::toupper(static_cast<unsigned char>(key[0]));  // GLFW: ASCII codes
        if (code < 0)
          throw InputError("--press wants FRAME:KEY items (KEY a letter, digit, Space, Left, "
                           "Right, PageUp or PageDown), got '" +
                           item + "'");
        o.presses.emplace_back(parse_int(flag, item.substr(0, colon), 1, 1'000'000), code);
        from = comma + 1;
      }
    } else if (flag == "--frames") {
      o.frames = parse_int(flag, value, 1, 1'000'000);
    } else if (flag == "--bench-frames") {
      o.bench_frames = parse_int(flag, value, 1, 1'000'000);
    } else {  // --size WxH
      const auto x = value.find('x');
      if (x == std::string::npos) throw InputError("--size wants WxH, e.g. 1280x800");
      // The same range as an export's (app/export/export_settings.h).
      o.width = parse_int(flag, value.substr(0, x), exporting::kMinSide, exporting::kMaxSide);
      o.height = parse_int(flag, value.substr(x + 1), exporting::kMinSide, exporting::kMaxSide);
    }
  }
  if (o.lesson && o.scene) throw InputError("--lesson and --scene exclude each other");
  if (o.step != 1 && !o.lesson) throw InputError("--step needs --lesson FILE");
  if (o.particles_out && o.frames == 0)
    throw InputError("--particles-out needs --frames N (the frame whose particles are written)");
  if (o.screenshot && o.frames == 0)
    throw InputError("--screenshot needs --frames N (the frame to capture)");
  if (o.save && o.frames == 0) throw InputError("--save needs --frames N (the frame to save at)");
  if (o.ui_report && o.frames == 0)
    throw InputError("--ui-report needs --frames N (the frame to report)");
  if (o.export_path && o.frames == 0)
    throw InputError("--export needs --frames N (a scripted run)");
  if (o.frames > 0 && o.bench_frames > 0)
    throw InputError("--frames and --bench-frames exclude each other");
  if (o.paced && o.bench_frames == 0)
    throw InputError("--paced needs --bench-frames N (interactive runs are always paced)");
  check_outputs(o);
  return o;
}

}  // namespace scorelab::window
