// Errors in scorelab: asserts for programmer mistakes, InputError for bad input at the edges
// (scene files, flags, parameters a user typed). The message is what the user reads.
#pragma once
#include <cmath>
#include <stdexcept>
#include <string>
#include <string_view>

namespace scorelab {

struct InputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The shortest text that reads back as exactly v ("10000001", "0.1", "1e+300"), for messages.
std::string number_text(double v);

// A name the user gave (a file path), as a message quotes it: in single quotes, control
// characters as \xNN (no terminal escape reaches the terminal), and a name over 100 bytes as its
// first and last 40 (cut at UTF-8 character boundaries) around "…", with its length.
std::string quoted_name(std::string_view name);

// Throws InputError("<what> must be finite and in [lo, hi], got <v>") unless lo <= v <= hi.
void require_in_range(const std::string& what, double v, double lo, double hi);
// Throws InputError("<what> must be finite and > lo, got <v>") unless v > lo.
void require_above(const std::string& what, double v, double lo);

}  // namespace scorelab
