// JsonReader: strict typed access to a JSON object with the key path in every message.
#include "core/scene/json_reader.h"

#include <cmath>
#include <cstdio>
#include <limits>
#include <set>
#include <vector>

#include "core/common/error.h"

namespace scorelab {
namespace {

// "a string \"abc\"", "null" (not "null null"), "an array [1, 2]".
std::string described(const nlohmann::json& v) {
  if (v.is_null()) return "null";
  return json_type_name(v) + " " + json_excerpt(v);
}

[[noreturn]] void wrong_type(const std::string& path, const std::string& wanted,
                             const nlohmann::json& v) {
  throw InputError(path + " must be " + wanted + ", got " + described(v));
}

constexpr std::size_t kExcerptChars = 80;
constexpr int kExcerptDepth = 3;

// Appends v to out until out holds kExcerptChars characters; nested values below kExcerptDepth
// become "…". Recursion is bounded by kExcerptDepth, whatever the depth of v.
void append_excerpt(const nlohmann::json& v, int depth, std::string& out) {
  if (v.is_string()) {
    const std::string& str = v.get_ref<const std::string&>();
    if (str.size() <= 40) {
      out += nlohmann::json(str).dump();
    } else {
      out += nlohmann::json(str.substr(0, 24)).dump();
      out.insert(out.size() - 1, "…");
      out += " (" + std::to_string(str.size()) + " characters)";
    }
    return;
  }
  if (!v.is_structured()) {
    out += v.dump();
    return;
  }
  const bool array = v.is_array();
  out += array ? '[' : '{';
  if (depth >= kExcerptDepth && !v.empty()) {
    out += "…";
  } else {
    bool first = true;
    for (auto it = v.begin(); it != v.end(); ++it) {
      if (!first && out.size() >= kExcerptChars) {
        out += ", …";
        break;
      }
      if (!first) out += ", ";
      first = false;
      if (!array) out += nlohmann::json(it.key().substr(0, 40)).dump() + ": ";
      append_excerpt(*it, depth + 1, out);
    }
  }
  out += array ? ']' : '}';
  if (v.size() > 3 && out.size() >= kExcerptChars)
    out += " (" + std::to_string(v.size()) + " elements)";
}

// The value as a double if it is an integral number (1000 or 1e3), for the integer getters.
double integral_value(const nlohmann::json& v, const std::string& path, const std::string& what) {
  if (!v.is_number()) wrong_type(path, what, v);
  const double d = json_number(v, path);
  if (d != std::floor(d))
    throw InputError(path + " must be " + what + ", got " + v.dump());  // a number: short
  return d;
}

// nlohmann's "[json.exception.parse_error.101] parse error at line L, column C: ..." without the
// bracketed id, which means nothing to a user. Bytes of the file that nlohmann quotes ("last
// read: '...'") may be control characters or invalid UTF-8: they are shown as \xNN.
std::string without_id(std::string msg) {
  if (const auto pos = msg.find("] "); msg.rfind("[json.", 0) == 0 && pos != std::string::npos)
    msg.erase(0, pos + 2);
  // "last read: '<the bytes of the token so far>'" can be a whole 100 MB string: keep its end,
  // where the error is.
  constexpr std::string_view kLastRead = "last read: '";
  constexpr std::size_t kKeep = 40;
  if (const auto at = msg.find(kLastRead); at != std::string::npos) {
    const std::size_t from = at + kLastRead.size();
    const std::size_t to = msg.rfind('\'');
    if (to != std::string::npos && to > from + kKeep)
      msg = msg.substr(0, from) + "..." + msg.substr(to - kKeep);
  }
  std::string out;
  for (const char ch : msg) {
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x20 && c < 0x7f) {
      out += ch;
    } else {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02X", c);
      out += hex;
    }
  }
  return out;
}

}  // namespace

std::string json_excerpt(const nlohmann::json& v) {
  std::string out;
  append_excerpt(v, 0, out);
  return out;
}

nlohmann::json parse_json_text(std::string_view text, const std::string& name,
                               const JsonLimits& limits) {
  using json = nlohmann::json;
  if (text.size() > limits.max_bytes)
    throw InputError(name + ": the file has " + std::to_string(text.size()) +
                     " bytes, more than the " + std::to_string(limits.max_bytes) +
                     " a scene may have");
  // The parser callback tracks where the parser is (for messages), and enforces the limits as
  // each value arrives, before the document is complete.
  struct Open {
    bool array;
    std::set<std::string> keys;  // objects: keys seen so far
    std::string key;             // objects: the key being read
    std::size_t elements = 0;    // arrays: elements so far
  };
  std::vector<Open> open;
  // The path of the value being read, an array's element by its 0-based index (as JSON tools
  // write it). The callback has counted the element it is called for; a parse error comes
  // before the innermost array's next element is counted (`pending`).
  const auto where = [&](bool pending = false) {
    std::string path;
    for (std::size_t i = 0; i < open.size(); ++i) {
      const Open& o = open[i];
      const bool next = pending && i + 1 == open.size();
      path += o.array ? "[" + std::to_string(next ? o.elements : std::max<std::size_t>(o.elements, 1) - 1) + "]"
                      : (path.empty() ? "" : ".") + o.key;
    }
    return path.empty() ? std::string("the top level") : path;
  };
  const auto refuse = [&](const std::string& why) {
    throw InputError(name + ": " + where() + ": " + why);
  };
  const json::parser_callback_t track = [&](int depth, json::parse_event_t event, json& parsed) {
    using E = json::parse_event_t;
    // An element (value, or opening of an array / object) of the innermost open array.
    if ((event == E::value || event == E::object_start || event == E::array_start) &&
        !open.empty() && open.back().array && ++open.back().elements > limits.max_array)
      refuse("an array has more than " + std::to_string(limits.max_array) + " elements");
    if (event == E::object_start || event == E::array_start) {
      if (depth >= limits.max_depth)
        refuse("values nest deeper than " + std::to_string(limits.max_depth) + " levels");
      open.push_back({event == E::array_start, {}, ""});
    }
    if (event == E::object_end || event == E::array_end) open.pop_back();
    if (event == E::key) {
      const std::string& key = parsed.get_ref<const std::string&>();
      if (key.size() > limits.max_string)
        refuse("a key has " + std::to_string(key.size()) + " bytes, more than " +
               std::to_string(limits.max_string));
      open.back().key = key;
      if (!open.back().keys.insert(key).second)
        throw InputError(name + ": duplicate key " + where());
    }
    if (event == E::value && parsed.is_string() &&
        parsed.get_ref<const std::string&>().size() > limits.max_string)
      refuse("a string has " + std::to_string(parsed.get_ref<const std::string&>().size()) +
             " bytes, more than " + std::to_string(limits.max_string));
    return true;
  };
  try {
    return json::parse(text.begin(), text.end(), track);
  } catch (const json::parse_error& e) {
    throw InputError(name + ": " + without_id(e.what()));
  } catch (const json::exception& e) {
    // nlohmann refuses a number that overflows a double (1e400) with out_of_range.406.
    throw InputError(name + ": " + where(/*pending=*/true) + ": " + without_id(e.what()) +
                     " (numbers must be finite)");
  }
}

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
  // Every string of a scene is a name (a kind, a dataset) or a file name (ui.model_file, which a
  // saved session writes as its own stem plus ".ckpt2"): longer than a file name can be is a
  // mistake (the message quotes only the start of it).
  constexpr std::size_t kMaxName = 255;  // NAME_MAX of Linux file systems, bytes
  if (v.get_ref<const std::string&>().size() > kMaxName)
    throw InputError(path(key) + " must be a name of at most " + std::to_string(kMaxName) +
                     " characters, got " + described(v));
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
