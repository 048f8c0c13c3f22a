// Parsing the window's flags (see options.h).
#include "app/window/options.h"

#include <algorithm>
#include <charconv>

#include "core/common/error.h"

namespace scorelab::window {

namespace {

constexpr const char* kFlags[] = {"--scene",      "--size",         "--frames",
                                  "--screenshot", "--bench-frames", "--export",
                                  "--particles-out"};

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
  if (args.empty()) return true;
  return std::find(std::begin(kFlags), std::end(kFlags), args[0]) != std::end(kFlags);
}

Options parse_options(const std::vector<std::string>& args) {
  Options o;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& flag = args[i];
    if (std::find(std::begin(kFlags), std::end(kFlags), flag) == std::end(kFlags))
      throw InputError("unknown window flag '" + flag + "'");
    if (i + 1 >= args.size()) throw InputError(flag + " needs a value");
    const std::string& value = args[++i];
    if (flag == "--scene") {
      o.scene = value;
    } else if (flag == "--screenshot") {
      o.screenshot = value;
    } else if (flag == "--particles-out") {
      o.particles_out = value;
    } else if (flag == "--export") {
      o.export_path = value;
    } else if (flag == "--frames") {
      o.frames = parse_int(flag, value, 1, 1'000'000);
    } else if (flag == "--bench-frames") {
      o.bench_frames = parse_int(flag, value, 1, 1'000'000);
    } else {  // --size WxH
      const auto x = value.find('x');
      if (x == std::string::npos) throw InputError("--size wants WxH, e.g. 1280x800");
      o.width = parse_int(flag, value.substr(0, x), 64, 8192);
      o.height = parse_int(flag, value.substr(x + 1), 64, 8192);
    }
  }
  if (o.particles_out && o.frames == 0)
    throw InputError("--particles-out needs --frames N (the frame whose particles are written)");
  if (o.screenshot && o.frames == 0)
    throw InputError("--screenshot needs --frames N (the frame to capture)");
  if (o.export_path && o.frames == 0)
    throw InputError("--export needs --frames N (a scripted run)");
  if (o.frames > 0 && o.bench_frames > 0)
    throw InputError("--frames and --bench-frames exclude each other");
  return o;
}

}  // namespace scorelab::window
