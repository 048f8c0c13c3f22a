// JsonReader: a strict reader of one JSON object that knows its key path ("sampler.snr").
//
// Every getter takes the key and the default used when the key is absent; a present value of the
// wrong type, non-finite or not an integer where one is wanted throws InputError naming the full
// key path. finish() then rejects any key that no getter asked about, listing the allowed ones,
// so a typo in a scene file is an error rather than a silently ignored setting.
#pragma once
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace scorelab {

class JsonReader {
 public:
  // `path` is the key path of `object` ("" for the root); throws unless it is a JSON object.
  JsonReader(const nlohmann::json& object, std::string path);

  // Whether `key` is present. Asking about a key makes it an allowed key for finish().
  bool has(const std::string& key);
  // The key path of `key` in this object, e.g. "noise.sde" + "N" → "noise.sde.N".
  std::string path(const std::string& key) const;

  double number(const std::string& key, double fallback);  // finite number
  int integer(const std::string& key, int fallback);       // integral number that fits an int
  std::uint64_t unsigned_integer(const std::string& key, std::uint64_t fallback);
  bool boolean(const std::string& key, bool fallback);
  std::string string(const std::string& key, const std::string& fallback);

  // A nested object; throws if absent (check has() first) or not an object.
  JsonReader object(const std::string& key);
  // A present value of any type (marks the key as read); the caller checks its shape.
  const nlohmann::json& value(const std::string& key);

  // Throws InputError for the first key that no getter asked about.
  void finish() const;

 private:
  const nlohmann::json& lookup(const std::string& key);  // marks read; absent → null json
  const nlohmann::json& object_;
  std::string path_;
  std::set<std::string> asked_;
};

// Shape checks for values inside arrays, where there is no key: `path` names the element.
double json_number(const nlohmann::json& v, const std::string& path);  // finite number
// An array (of `size` elements unless size < 0).
const nlohmann::json& json_array(const nlohmann::json& v, const std::string& path, int size = -1);

// The JSON type of v in words, for messages ("a string", "an array", …).
std::string json_type_name(const nlohmann::json& v);

// A short excerpt of v for messages: at most about 80 characters, nested values cut at depth 3
// ("[[[…]]]"), long strings cut ("\"aaaa…\" (100000000 characters)"). Never recursive beyond
// that depth, so a hostile value cannot overflow the stack or echo 100 MB into a message.
std::string json_excerpt(const nlohmann::json& v);

// What a JSON document may ask of the parser, checked while parsing (before the document is
// built in full), for scenes and checkpoint headers alike. A scene is a few kilobytes; the
// largest legitimate one is a 10⁵-point drawn set (about 4 MB of text).
struct JsonLimits {
  std::size_t max_bytes = 64u << 20;      // the whole text
  int max_depth = 32;                     // nesting of arrays and objects (a scene uses 4)
  std::size_t max_string = 4096;          // characters of one string or key
  std::size_t max_array = 1'000'000;      // elements of one array (the largest: 10⁵ points)
};

// Parses `text` as strict JSON: a parse error names the line and column, a number that
// overflows a double, a duplicate key (of which nlohmann would silently keep the last) or a
// document over `limits` names the key path where it happened. Every message starts with `name`
// (the file). Throws InputError.
nlohmann::json parse_json_text(std::string_view text, const std::string& name,
                               const JsonLimits& limits = {});

}  // namespace scorelab
