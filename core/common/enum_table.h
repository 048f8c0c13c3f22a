// Enum tables: one table per enum gives each value its key in scene files and its label in the
// UI, in declaration order. Parsing, printing, the scene reader and the window's combo boxes are
// all generated from it, so a new value is one new row (tests/core/common/enum_table_test.cpp
// checks every table is complete and in order).
//
// An enum takes part by specialising EnumTable next to its declaration:
//   template <> struct EnumTable<SdeKind> {
//     static constexpr std::string_view what = "SDE";          // for messages
//     static constexpr EnumName<SdeKind> names[] = {{SdeKind::VE, "ve", "VE"}, ...};
//   };
#pragma once
#include <span>
#include <string>
#include <string_view>

#include "core/common/error.h"

namespace scorelab {

template <class E>
struct EnumName {
  E value;
  std::string_view key;    // in scene files and on the command line
  std::string_view label;  // in the window
};

template <class E>
struct EnumTable;  // specialised per enum, see above

template <class E>
concept TabledEnum = requires { EnumTable<E>::names; };

// Every value of E, in declaration order.
template <TabledEnum E>
constexpr std::span<const EnumName<E>> enum_names() {
  return EnumTable<E>::names;
}

template <TabledEnum E>
constexpr const EnumName<E>& enum_name(E value) {
  for (const EnumName<E>& n : EnumTable<E>::names)
    if (n.value == value) return n;
  return EnumTable<E>::names[0];  // unreachable for a complete table (the test checks)
}

// The key of `value` in scene files.
template <TabledEnum E>
constexpr std::string_view to_string(E value) {
  return enum_name(value).key;
}

// The label of `value` in the window.
template <TabledEnum E>
constexpr std::string_view label_of(E value) {
  return enum_name(value).label;
}

// The value whose key is `key`; otherwise InputError "unknown SDE 'edm' (allowed: ve, vp, subvp)".
template <TabledEnum E>
E enum_from_string(std::string_view key) {
  std::string allowed;
  for (const EnumName<E>& n : EnumTable<E>::names) {
    if (n.key == key) return n.value;
    allowed += (allowed.empty() ? "" : ", ") + std::string(n.key);
  }
  throw InputError("unknown " + std::string(EnumTable<E>::what) + " '" + std::string(key) +
                   "' (allowed: " + allowed + ")");
}

}  // namespace scorelab
