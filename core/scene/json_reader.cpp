// JsonReader: strict typed access to a JSON object with the key path in every message.
#include "core/scene/json_reader.h"

#include <cmath>
#include <limits>

#include "core/common/error.h"

namespace scorelab {
namespace {

[[noreturn]] void wrong_type(const std::string& path, const std::string& wanted,
                             const nlohmann::json& v) {
  throw InputError(path + " must be " + wanted + ", got " + json_type_name(v) + " " + v.dump());
}

// The value as a double if it is an integral number (1000 or 1e3), for the integer getters.
double integral_value(const nlohmann::json& v, const std::string& path, const std::string& what) {
  if (!v.is_number()) wrong_type(path, what, v);
  const double d = json_number(v, path);
  if (d != std::floor(d)) throw InputError(path + " must be " + what + ", got " + v.dump());
  return d;
}

}  // namespace

std::string json_type_name(const nlohmann::json& v) {
  switch (v.type()) {
    case nlohmann::json::value_t::null:
      return "null";
    case nlohmann::json::value_t::object:
      return "an object";
    case nlohmann::json::value_t::array:
      return "an array";
    case nlohmann::json::value_t::string:
      return "a string";
    case nlohmann::json::value_t::boolean:
      return "a boolean";
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
    case nlohmann::json::value_t::number_float:
      return "a number";
    default:
      return "an unsupported value";
  }
}

double json_number(const nlohmann::json& v, const std::string& path) {
  if (!v.is_number()) wrong_type(path, "a number", v);
  const double d = v.get<double>();
  // JSON has no NaN, but nlohmann reads an overflowing literal such as 1e400 as infinity.
  if (!std::isfinite(d)) throw InputError(path + " must be a finite number, got " + v.dump());
  return d;
}

const nlohmann::json& json_array(const nlohmann::json& v, const std::string& path, int size) {
  if (!v.is_array()) wrong_type(path, "an array", v);
  if (size >= 0 && v.size() != static_cast<std::size_t>(size))
    throw InputError(path + " must have " + std::to_string(size) + " elements, got " +
                     std::to_string(v.size()));
  return v;
}

JsonReader::JsonReader(const nlohmann::json& object, std::string path)
    : object_(object), path_(std::move(path)) {
  if (!object_.is_object()) wrong_type(path_.empty() ? "the scene" : path_, "an object", object_);
}

std::string JsonReader::path(const std::string& key) const {
  return path_.empty() ? key : path_ + "." + key;
}

bool JsonReader::has(const std::string& key) {
  asked_.insert(key);
  return object_.contains(key);
}

const nlohmann::json& JsonReader::lookup(const std::string& key) {
  static const nlohmann::json absent;
  asked_.insert(key);
  const auto it = object_.find(key);
  return it == object_.end() ? absent : *it;
}

double JsonReader::number(const std::string& key, double fallback) {
  const nlohmann::json& v = lookup(key);
  return has(key) ? json_number(v, path(key)) : fallback;
}

int JsonReader::integer(const std::string& key, int fallback) {
  const nlohmann::json& v = lookup(key);
  if (!has(key)) return fallback;
  const double d = integral_value(v, path(key), "an integer");
  if (d < std::numeric_limits<int>::min() || d > std::numeric_limits<int>::max())
    throw InputError(path(key) + " must be an integer in [-2147483648, 2147483647], got " +
                     v.dump());
  return static_cast<int>(d);
}

std::uint64_t JsonReader::unsigned_integer(const std::string& key, std::uint64_t fallback) {
  const nlohmann::json& v = lookup(key);
  if (!has(key)) return fallback;
  if (v.is_number_unsigned()) return v.get<std::uint64_t>();  // exact up to 2^64 − 1
  const double d = integral_value(v, path(key), "an integer in [0, 18446744073709551615]");
  if (d < 0 || d >= 0x1.0p64)
    throw InputError(path(key) + " must be an integer in [0, 18446744073709551615], got " +
                     v.dump());
  return static_cast<std::uint64_t>(d);
}

bool JsonReader::boolean(const std::string& key, bool fallback) {
  const nlohmann::json& v = lookup(key);
  if (!has(key)) return fallback;
  if (!v.is_boolean()) wrong_type(path(key), "true or false", v);
  return v.get<bool>();
}

std::string JsonReader::string(const std::string& key, const std::string& fallback) {
  const nlohmann::json& v = lookup(key);
  if (!has(key)) return fallback;
  if (!v.is_string()) wrong_type(path(key), "a string", v);
  return v.get<std::string>();
}

JsonReader JsonReader::object(const std::string& key) {
  const nlohmann::json& v = lookup(key);
  if (!has(key)) throw InputError(path(key) + " is missing");
  return JsonReader(v, path(key));
}

const nlohmann::json& JsonReader::value(const std::string& key) {
  const nlohmann::json& v = lookup(key);
  if (!has(key)) throw InputError(path(key) + " is missing");
  return v;
}

void JsonReader::finish() const {
  for (const auto& [key, v] : object_.items()) {
    if (asked_.count(key)) continue;
    std::string allowed;
    for (const std::string& k : asked_) allowed += (allowed.empty() ? "" : ", ") + k;
    throw InputError("unknown key " + path(key) + " (allowed here: " + allowed + ")");
  }
}

}  // namespace scorelab
