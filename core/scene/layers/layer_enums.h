// The choices the layers' settings offer (colormaps, error kinds, arrow lengths), with their names
// in scene files and labels in the window (core/common/enum_table.h).
#pragma once
#include <string_view>

#include "core/common/enum_table.h"

namespace scorelab {

enum class Colormap { Viridis, Magma };
enum class ErrorKind {
  Relative,   // ‖learned − exact‖ / ‖exact‖ everywhere: lights up where data is scarce
  PWeighted,  // p(x)-weighted ‖learned − exact‖²: what score matching minimises
};
enum class ArrowLength {
  Normalized,  // every arrow one grid cell long: direction only
  Scaled,      // length ∝ ‖score‖, the longest (98th percentile) one cell
  Log,         // length ∝ log(1 + 10 ‖score‖ / median): compressive, small ones still visible
};

template <>
struct EnumTable<Colormap> {
  static constexpr std::string_view what = "colormap";
  static constexpr EnumName<Colormap> names[] = {
      {Colormap::Viridis, "viridis", "viridis"},
      {Colormap::Magma, "magma", "magma"},
  };
};

template <>
struct EnumTable<ArrowLength> {
  static constexpr std::string_view what = "arrow length";
  static constexpr EnumName<ArrowLength> names[] = {
      {ArrowLength::Normalized, "normalized", "normalised"},
      {ArrowLength::Scaled, "scaled", "scaled"},
      {ArrowLength::Log, "log", "log-scaled"},
  };
};

template <>
struct EnumTable<ErrorKind> {
  static constexpr std::string_view what = "error kind";
  static constexpr EnumName<ErrorKind> names[] = {
      {ErrorKind::Relative, "relative", "relative error"},
      {ErrorKind::PWeighted, "p_weighted", "p-weighted error"},
  };
};

}  // namespace scorelab
