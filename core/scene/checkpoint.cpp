#include "core/scene/checkpoint.h"

#include <cstdint>
#include <cstring>
#include <limits>

#include "core/common/atomic_file.h"
#include "core/common/error.h"
#include "core/common/input_file.h"
#include "core/scene/json_reader.h"

namespace scorelab {
namespace {

constexpr char kMagic[8] = {'S', 'C', 'R', 'L', 'C', 'K', 'P', 'T'};
// 2: the header scene carries its scene version (1: it had none). 3: the header may carry
// data_reach (the skip far field); files of formats 1 and 2 never do.
constexpr std::uint32_t kVersion = 3;
constexpr std::size_t kPrefix = 16;  // magic + version + header length
// The largest checkpoint read: a network of 2.5·10⁸ parameters (4 float vectors). Larger ones
// could not be trained within the default memory budget (core/scene/limits.h) anyway.
constexpr std::size_t kMaxCheckpointBytes = std::size_t(4) << 30;

std::uint64_t fnv1a64(std::string_view bytes) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : bytes) h = (h ^ c) * 0x100000001b3ull;
  return h;
}

template <class T>
void put(std::string& out, const T& v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof(T));
}

template <class T>
T get(std::string_view bytes, std::size_t offset) {
  T v;
  std::memcpy(&v, bytes.data() + offset, sizeof(T));
  return v;
}

// Runs f; an InputError gets `prefix` in front of its message.
template <class F>
auto with_context(const std::string& prefix, F&& f) {
  try {
    return f();
  } catch (const InputError& e) {
    throw InputError(prefix + e.what());
  }
}

Mlp make_mlp(const Checkpoint& c) {
  const MlpConfig& m = c.scene.train.model;
  return Mlp(m, NoiseEmbedding(m.embedding, c.frequencies), c.reach);
}

}  // namespace

std::shared_ptr<const ModelSnapshot> Checkpoint::snapshot() const {
  return std::make_shared<const ModelSnapshot>(
      ModelSnapshot{std::make_shared<const Mlp>(make_mlp(*this)), params, ema, step});
}

namespace {

std::string data_words(const DataConfig& data) {
  if (const auto* name = std::get_if<std::string>(&data.source)) return *name;
  if (const auto* comps = std::get_if<MixtureComponents>(&data.source))
    return "a custom mixture of " + std::to_string(comps->size()) + " components";
  return std::to_string(std::get<PointSet>(data.source).points.size()) + " drawn points";
}

std::string sde_words(const SdeParams& sde) {
  return "the " + std::string(label_of(sde.kind)) + " SDE";
}

}  // namespace

std::string training_mismatch(const Checkpoint& checkpoint, const Scene& scene) {
  const Scene& trained = checkpoint.scene;
  const TrainConfig a = trained.train_config(), b = scene.train_config();
  const bool data = !(trained.data == scene.data);
  // The levels it learned: the SDE's (continuous objective) or the σ schedule's (discrete).
  const bool continuous = a.objective.levels == LevelSource::Continuous;
  const bool sde = continuous && !(a.sde == b.sde);
  const bool schedule = !continuous && !(a.schedule == b.schedule);
  if (!data && !sde && !schedule) return "";
  std::string was = "it was trained on " + data_words(trained.data);
  std::string is = "this scene has " + data_words(scene.data);
  if (data && data_words(trained.data) == data_words(scene.data)) is += " with other values";
  if (sde) {
    const bool kind = a.sde.kind != b.sde.kind;
    was += " with " + sde_words(a.sde);
    is += " with " + sde_words(b.sde) + (kind ? "" : " of other settings (noise.sde)");
  }
  if (schedule) is += " with other discrete σ levels (noise.schedule)";
  return was + "; " + is + ": its learned score is of the training data's noised densities, not "
                           "this scene's";
}

Checkpoint make_checkpoint(const TrainingSession& s, const Scene& scene) {
  Checkpoint c;
  c.scene = scene;
  c.scene.train = s.config();
  c.frequencies = s.mlp().embedding().frequencies();
  c.reach = s.mlp().reach();
  c.step = s.steps();
  c.ema_updates = s.ema().updates();
  c.adam_steps = s.adam().steps();
  c.params = s.params();
  c.ema = s.ema().weights();
  c.adam_m = s.adam().m();
  c.adam_v = s.adam().v();
  return c;
}

Checkpoint checkpoint_of_snapshot(const ModelSnapshot& snapshot, const Scene& scene) {
  Checkpoint c;
  c.scene = scene;
  c.frequencies = snapshot.mlp->embedding().frequencies();
  c.reach = snapshot.mlp->reach();
  c.step = c.ema_updates = snapshot.step;
  c.adam_steps = 0;
  c.params = snapshot.params;
  c.ema = snapshot.ema;
  c.adam_m = c.adam_v = Eigen::VectorXf::Zero(snapshot.params.size());
  return c;
}

std::string serialize_checkpoint(const Checkpoint& c) {
  nlohmann::json header = {{"scene", to_json(c.scene)},
                           {"embedding_frequencies", c.frequencies},
                           {"step", c.step},
                           {"ema_updates", c.ema_updates},
                           {"adam_steps", c.adam_steps},
                           {"num_params", c.params.size()}};
  if (c.reach)
    header["data_reach"] = {{"center", {c.reach->center.x(), c.reach->center.y()}},
                            {"radius", c.reach->radius}};
  const std::string text = header.dump();
  std::string out(kMagic, sizeof kMagic);
  put(out, kVersion);
  put(out, static_cast<std::uint32_t>(text.size()));
  out += text;
  for (const Eigen::VectorXf* v : {&c.params, &c.ema, &c.adam_m, &c.adam_v})
    out.append(reinterpret_cast<const char*>(v->data()), sizeof(float) * v->size());
  put(out, fnv1a64(out));
  return out;
}

Checkpoint parse_checkpoint(std::string_view bytes, const std::string& name) {
  auto fail = [&](const std::string& why) -> InputError {
    return InputError(name + ": not a usable scorelab checkpoint: " + why);
  };
  if (bytes.size() < sizeof kMagic || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0)
    throw fail("it does not start with the checkpoint signature");
  if (bytes.size() < kPrefix + 8) throw fail("the file is truncated");
  const auto version = get<std::uint32_t>(bytes, 8);
  if (version < 1 || version > kVersion)
    throw fail("format version " + std::to_string(version) + ", this build reads versions 1 to " +
               std::to_string(kVersion));
  const std::size_t header_len = get<std::uint32_t>(bytes, 12);
  if (bytes.size() < kPrefix + header_len + 8) throw fail("the file is truncated");
  if (get<std::uint64_t>(bytes, bytes.size() - 8) != fnv1a64(bytes.substr(0, bytes.size() - 8)))
    throw fail("the checksum does not match (the file is truncated or corrupted)");

  Checkpoint c;
  std::size_t num_params = 0;
  try {
    // The header is read like a scene file (same limits, key paths in every message).
    const nlohmann::json header = parse_json_text(bytes.substr(kPrefix, header_len), "its header");
    JsonReader r(header, "header");
    nlohmann::json scene = r.value("scene");
    // Format 1 predates scene versions: its header scene is scene version 1, whose missing
    // recipe keys mean the recipe its weights were trained with (core/scene/scene_version.h).
    if (version == 1 && scene.is_object() && !scene.contains("version")) scene["version"] = 1;
    c.scene = with_context("header.scene: ", [&] { return parse_scene(scene); });
    const nlohmann::json& freqs =
        json_array(r.value("embedding_frequencies"), r.path("embedding_frequencies"));
    if (freqs.size() > 4096)
      throw InputError(r.path("embedding_frequencies") + " has " + std::to_string(freqs.size()) +
                       " entries, more than the 4096 an embedding can have");
    for (std::size_t i = 0; i < freqs.size(); ++i)
      c.frequencies.push_back(
          json_number(freqs[i], r.path("embedding_frequencies") + "[" + std::to_string(i) + "]"));
    // A required count in [0, LONG_MAX].
    const auto count = [&](const char* key) -> long {
      if (!r.has(key)) throw InputError(r.path(key) + " is missing");
      const std::uint64_t v = r.unsigned_integer(key, 0);
      constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<long>::max());
      if (v > kMax)
        throw InputError(r.path(key) + " must be an integer in [0, " + std::to_string(kMax) +
                         "], got " + std::to_string(v));
      return static_cast<long>(v);
    };
    if (r.has("data_reach")) {
      JsonReader d = r.object("data_reach");
      const nlohmann::json& center = json_array(d.value("center"), d.path("center"), 2);
      DataReach reach;
      reach.center = {json_number(center[0], d.path("center") + "[0]"),
                      json_number(center[1], d.path("center") + "[1]")};
      if (!d.has("radius")) throw InputError(d.path("radius") + " is missing");
      reach.radius = d.number("radius", 0);
      d.finish();
      c.reach = reach;
    } else if (c.scene.train.model.far_field == FarField::Skip) {
      // Written before the skip far field existed (or by a model without one): its weights were
      // trained with the network's h everywhere, and only mean that.
      c.scene.train.model.far_field = FarField::Network;
    }
    c.step = count("step");
    c.ema_updates = count("ema_updates");
    c.adam_steps = count("adam_steps");
    num_params = static_cast<std::size_t>(count("num_params"));
    r.finish();
  } catch (const InputError& e) {
    throw fail(e.what());
  }
  if (num_params > bytes.size()) throw fail("its header claims an impossible parameter count");
  const std::size_t expected = kPrefix + header_len + 4 * sizeof(float) * num_params + 8;
  if (bytes.size() != expected)
    throw fail("its size (" + std::to_string(bytes.size()) + " bytes) does not match its header (" +
               std::to_string(expected) + " bytes)");
  std::size_t offset = kPrefix + header_len;
  for (Eigen::VectorXf* v : {&c.params, &c.ema, &c.adam_m, &c.adam_v}) {
    v->resize(static_cast<Index>(num_params));
    // An empty vector's data() is null, which memcpy must not get even for 0 bytes.
    if (num_params > 0) std::memcpy(v->data(), bytes.data() + offset, sizeof(float) * num_params);
    offset += sizeof(float) * num_params;
    if (!v->allFinite()) throw fail("it holds non-finite weights");
  }
  Index needed = 0;
  try {
    needed = make_mlp(c).num_params();
  } catch (const InputError& e) {
    throw fail(e.what());
  }
  if (static_cast<std::size_t>(needed) != num_params)
    throw fail("it holds " + std::to_string(num_params) + " parameters but its model needs " +
               std::to_string(needed));
  return c;
}

void save_checkpoint(const std::string& path, const Checkpoint& c) {
  write_file_atomic(path, serialize_checkpoint(c));
}

Checkpoint load_checkpoint(const std::string& path) {
  return parse_checkpoint(read_input_file(path, "checkpoint", kMaxCheckpointBytes), path);
}

}  // namespace scorelab
