// Flags: the strict command-line flag parser every command uses.
#include <charconv>
#include <cstdio>

#include "app/cli/command.h"

namespace scorelab::cli {

Flags::Flags(const std::vector<std::string>& args, std::span<const FlagSpec> specs) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg.rfind("--", 0) != 0) throw UsageError("unexpected argument '" + arg + "'");
    const auto eq = arg.find('=');
    const std::string name = arg.substr(0, eq);
    const FlagSpec* spec = nullptr;
    for (const FlagSpec& s : specs)
      if (s.name == name) spec = &s;
    if (!spec) throw UsageError("unknown flag '" + name + "'");
    if (values_.count(name)) throw UsageError("flag " + name + " given twice");
    if (spec->value.empty()) {
      if (eq != std::string::npos) throw UsageError("flag " + name + " takes no value");
      values_[name] = "";
    } else if (eq != std::string::npos) {
      values_[name] = arg.substr(eq + 1);
    } else if (i + 1 < args.size()) {
      values_[name] = args[++i];
    } else {
      throw UsageError("flag " + name + " needs a value (" + std::string(spec->value) + ")");
    }
  }
}

std::string Flags::text(std::string_view name) const {
  const auto it = values_.find(std::string(name));
  if (it == values_.end()) throw UsageError("missing flag " + std::string(name));
  return it->second;
}

std::int64_t Flags::integer(std::string_view name, std::int64_t lo, std::int64_t hi) const {
  const std::string v = text(name);
  std::int64_t x = 0;
  const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
  if (ec != std::errc() || end != v.data() + v.size() || x < lo || x > hi)
    throw UsageError(std::string(name) + " must be an integer in [" + std::to_string(lo) + ", " +
                     std::to_string(hi) + "], got '" + v + "'");
  return x;
}

double Flags::number(std::string_view name, double lo, double hi) const {
  const std::string v = text(name);
  double x = 0;
  const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
  if (ec != std::errc() || end != v.data() + v.size() || !(x >= lo && x <= hi)) {
    char range[64];
    std::snprintf(range, sizeof range, "[%g, %g]", lo, hi);
    throw UsageError(std::string(name) + " must be a number in " + range + ", got '" + v + "'");
  }
  return x;
}

std::pair<int, int> Flags::size(std::string_view name, int lo, int hi) const {
  const std::string v = text(name);
  const auto x = v.find('x');
  int w = 0, h = 0;
  const auto parse = [&](std::size_t from, std::size_t to, int& out) {
    const auto [end, ec] = std::from_chars(v.data() + from, v.data() + to, out);
    return ec == std::errc() && end == v.data() + to && out >= lo && out <= hi;
  };
  if (x == std::string::npos || !parse(0, x, w) || !parse(x + 1, v.size(), h))
    throw UsageError(std::string(name) + " wants WxH, width and height integers in [" +
                     std::to_string(lo) + ", " + std::to_string(hi) + "], got '" + v + "'");
  return {w, h};
}

std::uint64_t Flags::unsigned_integer(std::string_view name) const {
  const std::string v = text(name);
  std::uint64_t x = 0;
  const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
  if (ec != std::errc() || end != v.data() + v.size())
    throw UsageError(std::string(name) + " must be an integer in [0, 18446744073709551615], got '" +
                     v + "'");
  return x;
}

}  // namespace scorelab::cli
