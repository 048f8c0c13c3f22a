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

}  // namespace scorelab
