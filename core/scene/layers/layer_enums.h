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
// What the arrows show. Score: ∇ₓ log p_t (1/data unit). Velocity: the probability flow's
// v = dx/dt = E[m′ x_0 + s′ z | x_t] (data units per unit time, t from data to noise;
// SCORE_SPEC §9.3), for every process: the model's own velocity where it has one, else
// f − ½g² ∇log p from the score (flow_velocity, core/sample/probability_flow.h).
enum class ArrowQuantity { Score, Velocity };
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
struct EnumTable<ArrowQuantity> {
  static constexpr std::string_view what = "arrow field";
  static constexpr EnumName<ArrowQuantity> names[] = {
      {ArrowQuantity::Score, "score", "score (grad log p)"},
      {ArrowQuantity::Velocity, "velocity", "velocity v = dx/dt"},
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
