// Errors in scorelab: asserts for programmer mistakes, InputError for bad input at the edges
// (scene files, flags, parameters a user typed). The message is what the user reads.
#pragma once
#include <cmath>
#include <stdexcept>
#include <string>

namespace scorelab {

struct InputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The shortest text that reads back as exactly v ("10000001", "0.1", "1e+300"), for messages.
std::string number_text(double v);

// Throws InputError("<what> must be finite and in [lo, hi], got <v>") unless lo <= v <= hi.
void require_in_range(const std::string& what, double v, double lo, double hi);
// Throws InputError("<what> must be finite and > lo, got <v>") unless v > lo.
void require_above(const std::string& what, double v, double lo);

}  // namespace scorelab
