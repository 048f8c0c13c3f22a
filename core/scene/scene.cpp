// The Scene's JSON form: one field list per config type drives reading, writing and comparing,
// so a field cannot be read without also being written (the round-trip property).
#include "core/scene/scene.h"

#include "core/sample/sampler_registry.h"
#include "core/scene/exact_score.h"

#include <algorithm>
#include <cassert>
#include <cstdio>
#include <cstring>
#include <functional>
#include <limits>
#include <memory>
#include <set>
#include <span>
#include <vector>

#include "core/common/error.h"
#include "core/common/input_file.h"
#include "core/distributions/datasets.h"
#include "core/scene/json_reader.h"
#include "core/scene/noise_fit.h"
#include "core/scene/scene_run.h"
#include "core/scene/scene_version.h"

namespace scorelab {
namespace {

using nlohmann::json;

// ---- field lists: v(key, field) for every field, in file order ----------------------------------

template <class V, class C>
void fields(V&& v, C& c) requires std::is_same_v<std::remove_const_t<C>, SigmaSchedule> {
  v("kind", c.kind);
  v("sigma_min", c.sigma_min);
  v("sigma_max", c.sigma_max);
  v("levels", c.levels);
  v("rho", c.rho);
}

template <class V, class C>
void fields(V&& v, C& c) requires std::is_same_v<std::remove_const_t<C>, SdeParams> {
  v("kind", c.kind);
  v("sigma_min", c.sigma_min);
  v("sigma_max", c.sigma_max);
  v("beta_min", c.beta_min);
  v("beta_max", c.beta_max);
  v("N", c.N);
}

template <class V, class C>
void fields(V&& v, C& c) requires std::is_same_v<std::remove_const_t<C>, EmbeddingConfig> {
  v("kind", c.kind);
  v("width", c.width);
  v("fourier_scale", c.fourier_scale);
}

template <class V, class C>
void fields(V&& v, C& c) requires std::is_same_v<std::remove_const_t<C>, MlpConfig> {
  v("width", c.width);
  v("depth", c.depth);
  v("activation", c.activation);
  v("embedding", c.embedding);
  v("output", c.output);
  v("sigma_data", c.sigma_data);
  v("far_field", c.far_field);
  v("classes", c.classes);
}

// The "train" block is flat: objective, optimiser and schedule of updates side by side.
template <class V, class C>
void fields(V&& v, C& c) requires std::is_same_v<std::remove_const_t<C>, TrainSettings> {
  v("objective", c.objective.kind);
  v("levels", c.objective.levels);
  v("likelihood_weighting", c.objective.likelihood_weighting);
  v("perturb", c.objective.perturb);
  v("eps", c.objective.eps);
  v("level_distribution", c.objective.distribution);
  v("sigma_hat_min", c.objective.sigma_hat_min);
  v("weighting", c.objective.weighting);
  v("lr", c.adam.lr);
  v("beta1", c.adam.beta1);
  v("beta2", c.adam.beta2);
  v("adam_eps", c.adam.eps);
  v("warmup", c.adam.warmup);
  v("grad_clip", c.adam.grad_clip);
  v("ema_rate", c.ema_rate);
  v("batch", c.batch);
  v("seed", c.seed);
  v("threads", c.threads);  // [0, 64], 0 = auto (training_threads)
  v("label_dropout", c.label_dropout);
}

// The window's blocks.
template <class V, class C>
void fields(V&& v, C& c) requires std::is_same_v<std::remove_const_t<C>, PanelConfig> {
  v("source", c.source);
  v("t", c.t);
  v("ode_density", c.ode_density);
  v("log_z", c.log_z);
}

template <class V, class C>
void fields(V&& v, C& c) requires std::is_same_v<std::remove_const_t<C>, ViewConfig> {
  v("center_x", c.center_x, FieldRole::Camera);
  v("center_y", c.center_y, FieldRole::Camera);
  v("half_height", c.half_height, FieldRole::Camera);
  v("follow_particles", c.follow_particles);
  v("split", c.split);
  v("left", c.left);
  v("right", c.right);
  v("multiples", c.multiples);
}

template <class V, class C>
void fields(V&& v, C& c) requires std::is_same_v<std::remove_const_t<C>, MultiplesConfig> {
  v("on", c.on);
  v("across", c.across);
  v("count", c.count);
  v("t_min", c.t_min);
  v("t_max", c.t_max);
}

template <class V, class C>
void fields(V&& v, C& c) requires std::is_same_v<std::remove_const_t<C>, UiConfig> {
  v("ui_scale", c.ui_scale, FieldRole::Display);
  v("show_panels", c.show_panels, FieldRole::Display);
  v("show_help", c.show_help, FieldRole::Display);
  v("training", c.training, FieldRole::Playback);
  v("playing", c.playing, FieldRole::Playback);
  v("steps_per_frame", c.steps_per_frame);
  v("particle_source", c.particle_source);
  v("use_ema", c.use_ema);
  v("follow_sampler", c.follow_sampler);
  v("discrete_levels", c.discrete_levels);
  v("presenter", c.presenter, FieldRole::Display);
  v("controls", c.controls, FieldRole::Display);
  v("run", c.run, FieldRole::Playback);
  v("model_file", c.model_file);
  v("numbers", c.numbers);
  v("marginal_angle", c.marginal_angle);
  v("scrub_step", c.scrub_step, FieldRole::Playback);
}

// Config types written as nested JSON objects: every type with a field list (a value of one is
// read and written through it), found by asking for its `fields` with a visitor that does nothing.
struct NoFieldVisitor {
  template <class... A>
  void operator()(A&&...) const {}
};
template <class T>
constexpr bool kIsBlock = requires(T& c) { fields(NoFieldVisitor{}, c); };

// Runs f; an InputError whose message lacks `path` gets it as a prefix.
template <class F>
void with_path(const std::string& path, F&& f) {
  try {
    f();
  } catch (const InputError& e) {
    const std::string msg = e.what();
    if (msg.find(path) != std::string::npos) throw;
    throw InputError(path + ": " + msg);
  }
}

// ---- reading ------------------------------------------------------------------------------------

struct Reader {
  JsonReader& r;

  void operator()(const std::string& key, double& x) { x = r.number(key, x); }
  void operator()(const std::string& key, int& x) { x = r.integer(key, x); }
  void operator()(const std::string& key, bool& x) { x = r.boolean(key, x); }
  void operator()(const std::string& key, std::string& x) { x = r.string(key, x); }
  void operator()(const std::string& key, std::uint64_t& x) { x = r.unsigned_integer(key, x); }
  // Every enum through its table (core/common/enum_table.h).
  template <TabledEnum E>
  void operator()(const std::string& key, E& x) {
    const std::string name = r.string(key, std::string(to_string(x)));
    with_path(r.path(key), [&] { x = enum_from_string<E>(name); });
  }
  template <class C>
    requires kIsBlock<C>
  void operator()(const std::string& key, C& x) {
    read_object(r, key, x);
  }
  // A field's role does not change how it is read.
  template <class T>
  void operator()(const std::string& key, T& x, FieldRole) {
    (*this)(key, x);
  }

  // Reads the optional object `key` of `parent` into c (absent: c keeps its defaults).
  template <class C>
  static void read_object(JsonReader& parent, const std::string& key, C& c) {
    if (!parent.has(key)) return;
    JsonReader sub = parent.object(key);
    fields(Reader{sub}, c);
    sub.finish();
  }
};

struct Writer {
  json& j;

  template <class T>
  void operator()(const std::string& key, const T& x, FieldRole) {  // written as any other
    (*this)(key, x);
  }

  template <class T>
  void operator()(const std::string& key, const T& x) {
    if constexpr (std::is_enum_v<T>)
      j[key] = std::string(to_string(x));
    else if constexpr (kIsBlock<T>)
      j[key] = write_object(x);
    else
      j[key] = x;
  }

  template <class C>
  static json write_object(const C& c) {
    json out = json::object();
    fields(Writer{out}, c);
    return out;
  }
};

// ---- samplers: their kinds and defaults come from the registry ------------------------------------

// The sampler block under `key` ("sampler", "compare_sampler"); absent: the default sampler.
SamplerConfig read_sampler_config(JsonReader& parent, const std::string& key) {
  if (!parent.has(key)) return Scene{}.sampler;
  JsonReader r = parent.object(key);
  const std::string kind = r.string("kind", std::string(sampler_name(Scene{}.sampler)));
  std::string names;
  for (const SamplerInfo& info : sampler_registry()) {
    names += (names.empty() ? "" : ", ") + std::string(info.key);
    if (info.key != kind) continue;
    SamplerConfig c = info.defaults;
    std::visit([&](auto& config) { fields(Reader{r}, config); }, c);  // the fields after "kind"
    r.finish();
    return c;
  }
  throw InputError("unknown " + key + ".kind '" + kind + "' (allowed: " + names + ")");
}

json write_sampler_config(const SamplerConfig& config) {
  json out = json::object();
  out["kind"] = std::string(sampler_name(config));
  std::visit([&](const auto& c) { fields(Writer{out}, c); }, config);
  return out;
}

// ---- data ---------------------------------------------------------------------------------------

MixtureComponents read_mixture(JsonReader& r) {
  const json& means = json_array(r.value("means"), r.path("means"));
  const std::size_t K = means.size();
  if (K == 0) throw InputError(r.path("means") + " must list at least one mean");
  const auto sized = [&](const std::string& key) -> const json* {
    if (!r.has(key)) return nullptr;
    const json& a = json_array(r.value(key), r.path(key));
    if (a.size() != K)
      throw InputError(r.path(key) + " has " + std::to_string(a.size()) + " entries but " +
                       r.path("means") + " has " + std::to_string(K) + " (one per component)");
    return &a;
  };
  const json* weights = sized("weights");
  const json* covs = sized("covariances");
  // "base[i]": the key path of an array element.
  const auto at = [](std::string base, std::size_t i) {
    return base.append(1, '[').append(std::to_string(i)).append(1, ']');
  };
  MixtureComponents comps(K);
  for (std::size_t k = 0; k < K; ++k) {
    const std::string mean_path = at(r.path("means"), k);
    const json& m = json_array(means[k], mean_path, 2);
    comps[k].mean = {json_number(m[0], at(mean_path, 0)), json_number(m[1], at(mean_path, 1))};
    if (weights) comps[k].weight = json_number((*weights)[k], at(r.path("weights"), k));
    if (covs) {
      const std::string cov_path = at(r.path("covariances"), k);
      const json& c = json_array((*covs)[k], cov_path, 2);
      for (std::size_t a = 0; a < 2; ++a) {
        const json& row = json_array(c[a], at(cov_path, a), 2);
        for (std::size_t b = 0; b < 2; ++b)
          comps[k].cov(a, b) = json_number(row[b], at(at(cov_path, a), b));
      }
    }
  }
  r.finish();
  return comps;
}

PointSet read_point_set(const json& a, const std::string& path) {
  json_array(a, path);
  PointSet set;
  set.points.reserve(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    const std::string at = path + "[" + std::to_string(i) + "]";
    const json& p = json_array(a[i], at, 2);
    set.points.emplace_back(json_number(p[0], at + "[0]"), json_number(p[1], at + "[1]"));
  }
  return set;
}

DataConfig read_data(JsonReader& parent) {
  DataConfig d;
  if (!parent.has("data")) return d;
  JsonReader r = parent.object("data");
  d.points = r.integer("points", d.points);
  std::vector<std::string> given;  // the data sources present, of which one is allowed
  for (const char* key : {"dataset", "mixture", "point_set"})
    if (r.has(key)) given.push_back(r.path(key));
  if (given.size() > 1)
    throw InputError(given[0] + " and " + given[1] + " exclude each other: give one of them");
  if (r.has("mixture")) {
    JsonReader m = r.object("mixture");
    d.source = read_mixture(m);
  } else if (r.has("point_set")) {
    d.source = read_point_set(r.value("point_set"), r.path("point_set"));
  } else {
    d.source = r.string("dataset", std::get<std::string>(d.source));
  }
  r.finish();
  return d;
}

json write_data(const DataConfig& d) {
  json out = json::object();
  if (const auto* name = std::get_if<std::string>(&d.source)) {
    out["dataset"] = *name;
  } else if (const auto* set = std::get_if<PointSet>(&d.source)) {
    json pts = json::array();
    for (const Eigen::Vector2d& p : set->points) pts.push_back({p.x(), p.y()});
    out["point_set"] = pts;
  } else {
    json w = json::array(), mu = json::array(), cov = json::array();
    for (const GaussianComponent& c : std::get<MixtureComponents>(d.source)) {
      w.push_back(c.weight);
      mu.push_back({c.mean.x(), c.mean.y()});
      cov.push_back({{c.cov(0, 0), c.cov(0, 1)}, {c.cov(1, 0), c.cov(1, 1)}});
    }
    out["mixture"] = {{"weights", w}, {"means", mu}, {"covariances", cov}};
  }
  out["points"] = d.points;
  return out;
}

// The window's settings: every number in its documented range (scene.h).
void validate_window(const Scene& s) {
  const ViewConfig& v = s.view;
  require_in_range("view.center_x", v.center_x, -1e6, 1e6);
  require_in_range("view.center_y", v.center_y, -1e6, 1e6);
  require_in_range("view.half_height", v.half_height, 1e-4, 1e6);
  if (const double lo = min_half_height(v.center_x, v.center_y); v.half_height < lo)
    throw InputError("view.half_height must be at least " + number_text(lo) +
                     " for a view centred at (" + number_text(v.center_x) + ", " +
                     number_text(v.center_y) + "), got " + number_text(v.half_height) +
                     ": positions are 32-bit floats, about 7 significant digits, and a smaller "
                     "view would show them on a few lines");
  require_in_range("view.left.t", v.left.t, 0, 1);
  require_in_range("view.right.t", v.right.t, 0, 1);
  require_in_range("view.left.log_z", v.left.log_z, -50, 50);
  require_in_range("view.right.log_z", v.right.log_z, -50, 50);
  require_in_range("view.multiples.count", v.multiples.count, 2, kMaxPanels);
  require_in_range("view.multiples.t_min", v.multiples.t_min, 0, 1);
  require_in_range("view.multiples.t_max", v.multiples.t_max, 0, 1);
  validate(s.layers);
  require_in_range("ui.ui_scale", s.ui.ui_scale, 0.5, 4);
  require_in_range("ui.steps_per_frame", s.ui.steps_per_frame, 0.01, 1000);
  const std::string& model = s.ui.model_file;
  if (model.size() > 255 || model.find('/') != std::string::npos || model == "." || model == "..")
    throw InputError("ui.model_file: a checkpoint's file name beside the scene file (no folders, "
                     "at most 255 characters), got '" + model + "'");
  require_in_range("ui.marginal_angle", s.ui.marginal_angle, -180, 180);
  require_in_range("ui.scrub_step", s.ui.scrub_step, -1, std::numeric_limits<int>::max());
}

}  // namespace

// ---- public -------------------------------------------------------------------------------------

namespace {

// Data must lie in the world scorelab models: |x|, |y| ≤ kObservationLimit data units (the bound
// observations and likelihood points have too).
void require_in_world(const std::string& what, const Eigen::Vector2d& p) {
  if (!(std::abs(p.x()) <= kObservationLimit && std::abs(p.y()) <= kObservationLimit))
    throw InputError(what + " = (" + number_text(p.x()) + ", " + number_text(p.y()) +
                     ") lies outside the world scorelab models (|x|, |y| <= " +
                     number_text(kObservationLimit) + " data units)");
}

}  // namespace

void validate(const Scene& scene) {
  require_in_range("particles", scene.particles, 1, kMaxParticles);
  require_in_range("data.points", scene.data.points, 1, kMaxDataPoints);
  if (const auto* name = std::get_if<std::string>(&scene.data.source)) {
    with_path("data.dataset", [&] { (void)find_dataset(*name); });
  } else if (const auto* set = std::get_if<PointSet>(&scene.data.source)) {
    require_in_range("data.point_set size", double(set->points.size()), 1, kMaxDataPoints);
    for (std::size_t i = 0; i < set->points.size(); ++i)
      require_in_world("data.point_set[" + std::to_string(i) + "]", set->points[i]);
  } else {
    const auto& comps = std::get<MixtureComponents>(scene.data.source);
    with_path("data.mixture", [&] { (void)GaussianMixture(comps); });
    // Finite is not enough: a mean at 1e300 or a covariance of 1e300 passes the mixture's checks
    // and then overflows every distance (the σ_max fit, the samplers).
    for (std::size_t k = 0; k < comps.size(); ++k) {
      const std::string at = "[" + std::to_string(k) + "]";
      require_in_world("data.mixture.means" + at, comps[k].mean);
      const double largest_std = std::sqrt(std::max(comps[k].cov(0, 0), comps[k].cov(1, 1)));
      if (!(largest_std <= kObservationLimit))
        throw InputError("data.mixture.covariances" + at + ": a standard deviation of " +
                         number_text(largest_std) + " data units is wider than the world " +
                         "scorelab models (at most " + number_text(kObservationLimit) + ")");
    }
  }
  scene.noise.schedule.validate();
  // Both families of SDE fields are checked, whatever the kind, so every stored value is valid.
  for (SdeKind kind : {SdeKind::VE, SdeKind::VP}) {
    SdeParams p = scene.noise.sde;
    p.kind = kind;
    p.validate();
  }
  with_path("sampler",
            [&] { (void)make_sampler(scene.sampler, scene.noise.schedule, scene.noise.sde); });
  if (scene.compare_sampler) {
    with_path("compare_sampler", [&] {
      (void)make_sampler(*scene.compare_sampler, scene.noise.schedule, scene.noise.sde);
    });
    const Conditioning* c = sampler_condition(*scene.compare_sampler);
    if (c && c->kind != Conditioning::Kind::None)
      throw InputError(
          "compare_sampler.condition: the comparison follows the scene sampler's "
          "score and guidance; set the condition on \"sampler\"");
    const Conditioning* guide = sampler_condition(scene.sampler);
    if (!c && guide && guide->guides())
      throw InputError("compare_sampler: a " + std::string(sampler_name(*scene.compare_sampler)) +
                       " run cannot follow the scene sampler's guidance");
  }
  // Guidance needs mixture data and a component that exists: built once, as a run builds it
  // (make_guided_score refuses other data, naming the method that needs none).
  if (const Conditioning* c = sampler_condition(scene.sampler); c && c->guides()) {
    const std::optional<MixtureComponents> comps = mixture_components(scene.data);
    const GaussianMixture base(comps ? *comps : MixtureComponents{GaussianComponent{}});
    (void)make_guided_score(scene, base);
  }
  with_path("train", [&] { scene.train_config().validate(); });
  // A class-conditional network's classes are the data's components; classifier-free guidance
  // needs that network (the exact side follows the exact classifier, the same field).
  const std::optional<MixtureComponents> components = mixture_components(scene.data);
  const int data_classes = components ? static_cast<int>(components->size()) : 0;
  check_classes(scene.train.model, data_classes);
  if (const Conditioning* c = sampler_condition(scene.sampler);
      c && c->guidance == Conditioning::Guidance::ClassifierFree &&
      scene.train.model.classes != data_classes)
    throw InputError("sampler.condition.guidance 'classifier_free' needs a class-conditional "
                     "model: model.classes " + std::to_string(data_classes) +
                     " (the data's components), got " +
                     std::to_string(scene.train.model.classes));
  validate_window(scene);
}

TrainConfig Scene::train_config() const { return TrainConfig{train, noise.sde, noise.schedule}; }

// ---- fields by role ------------------------------------------------------------------------------

namespace {

// Walks one block's fields (and its nested blocks') in the visitor's order, listing those whose
// role is in `roles`: as assignments into it (`into`), or as the addresses to assign from (`from`).
struct RoleFields {
  std::span<const FieldRole> roles;
  std::vector<std::function<void(const void*)>>* into = nullptr;
  std::vector<const void*>* from = nullptr;

  template <class T>
  void operator()(const std::string&, T& x) {  // Content
    if constexpr (kIsBlock<std::remove_const_t<T>>) fields(*this, x);
  }
  template <class T>
  void operator()(const std::string&, T& x, FieldRole role) {
    if (std::find(roles.begin(), roles.end(), role) == roles.end()) return;
    if constexpr (!std::is_const_v<T>) {
      if (into) into->push_back([&x](const void* src) { x = *static_cast<const T*>(src); });
    }
    if (from) from->push_back(&x);
  }
};

template <class C>
void copy_fields_of(C& to, const C& from, std::span<const FieldRole> roles) {
  std::vector<std::function<void(const void*)>> assign;
  std::vector<const void*> source;
  fields(RoleFields{roles, &assign, nullptr}, to);
  fields(RoleFields{roles, nullptr, &source}, from);
  assert(assign.size() == source.size());  // the same type: the same fields in the same order
  for (std::size_t i = 0; i < assign.size(); ++i) assign[i](source[i]);
}

}  // namespace

namespace {

// "sigma_max": "data" (or no "sigma_max") in noise.<block> means σ_max follows the data
// (core/scene/noise_fit.h); a number keeps it. Returns which, and removes the "data" marker so
// that the block's reader sees only numbers.
bool take_sigma_max_source(json& j, const std::string& block) {
  if (!j.is_object() || !j.contains("noise") || !j["noise"].is_object()) return true;
  json& noise = j["noise"];
  if (!noise.contains(block) || !noise[block].is_object()) return true;  // the reader reports it
  json& b = noise[block];
  const auto it = b.find("sigma_max");
  if (it == b.end()) return true;
  if (!it->is_string()) return false;
  if (*it != "data")
    throw InputError("noise." + block + ".sigma_max must be a number or \"data\", got " +
                     json_excerpt(*it));
  b.erase(it);
  return true;
}

json with_sigma_max_source(json block, bool from_data) {
  if (from_data) block["sigma_max"] = "data";
  return block;
}

}  // namespace

Scene with_fields_of(Scene scene, const Scene& from, std::initializer_list<FieldRole> roles) {
  const std::span<const FieldRole> r(roles.begin(), roles.size());
  // Roles other than Content are declared in the window's blocks only.
  copy_fields_of(scene.view, from.view, r);
  copy_fields_of(scene.layers, from.layers, r);
  copy_fields_of(scene.ui, from.ui, r);
  return scene;
}

Scene parse_scene(const json& file) {
  // Older versions are rewritten as the current one first (core/scene/scene_version.h).
  json j = migrate_scene(file);
  Scene s;
  s.noise.schedule_sigma_max_from_data = take_sigma_max_source(j, "schedule");
  s.noise.sde_sigma_max_from_data = take_sigma_max_source(j, "sde");
  JsonReader r(j, "");
  (void)r.integer("version", kSceneVersion);  // checked by migrate_scene
  s.seed = r.unsigned_integer("seed", s.seed);
  s.particles = r.integer("particles", s.particles);
  s.data = read_data(r);
  if (r.has("noise")) {
    JsonReader noise = r.object("noise");
    Reader::read_object(noise, "schedule", s.noise.schedule);
    Reader::read_object(noise, "sde", s.noise.sde);
    noise.finish();
  }
  s.sampler = read_sampler_config(r, "sampler");
  if (r.has("compare_sampler") && !r.value("compare_sampler").is_null())  // null: none
    s.compare_sampler = read_sampler_config(r, "compare_sampler");
  // The model's defaults follow the noise process (the straight path: a velocity network trained
  // by flow matching; every other process the default network and denoising).
  s.train.model = default_model_for(s.noise.sde.kind);
  fit_training_to_path(s.train.objective, s.train.model, s.noise.sde.kind);
  Reader::read_object(r, "model", s.train.model);
  Reader::read_object(r, "train", s.train);
  Reader::read_object(r, "view", s.view);
  Reader::read_object(r, "layers", s.layers);
  Reader::read_object(r, "ui", s.ui);
  r.finish();
  validate(s);
  // σ_max from the data once the data is known to be valid; then the fitted values are checked
  // against the blocks' other fields (a σ_min near the limit).
  fit_noise_to_data(s);
  s.noise.schedule.validate();
  s.noise.sde.validate();
  return s;
}

json to_json(const Scene& s) {
  json out = {{"version", kSceneVersion},
              {"seed", s.seed},
              {"particles", s.particles},
              {"data", write_data(s.data)},
              {"noise",
               {{"schedule", with_sigma_max_source(Writer::write_object(s.noise.schedule),
                                                   s.noise.schedule_sigma_max_from_data)},
                {"sde", with_sigma_max_source(Writer::write_object(s.noise.sde),
                                              s.noise.sde_sigma_max_from_data)}}},
              {"sampler", write_sampler_config(s.sampler)},
              {"model", Writer::write_object(s.train.model)},
              {"train", Writer::write_object(s.train)},
              {"view", Writer::write_object(s.view)},
              {"layers", Writer::write_object(s.layers)},
              {"ui", Writer::write_object(s.ui)}};
  if (s.compare_sampler) out["compare_sampler"] = write_sampler_config(*s.compare_sampler);
  return out;
}

double min_half_height(double center_x, double center_y) {
  return std::max(1e-4, 6e-5 * std::max(std::abs(center_x), std::abs(center_y)));
}

int panel_count(const ViewConfig& view) {
  if (view.multiples.on)
    return view.multiples.across == MultiplesAcross::Sdes ? 3 : view.multiples.count;
  return view.split ? 2 : 1;
}

Scene parse_scene_text(std::string_view text, const std::string& name) {
  const json j = parse_json_text(text, name);
  try {
    return parse_scene(j);
  } catch (const InputError& e) {
    throw InputError(name + ": " + e.what());
  }
}

Scene load_scene(const std::string& path) {
  return parse_scene_text(read_input_file(path, "scene file", JsonLimits{}.max_bytes), path);
}

std::string_view default_scene_json() {
  // Keep identical to assets/scenes/default.json (a test compares them).
  return R"({
  "version": 2,
  "seed": 0,
  "particles": 2000,
  "data": {"dataset": "ring8"},
  "noise": {
    "sde": {"kind": "ve", "sigma_min": 0.01, "sigma_max": 10, "N": 500}
  },
  "sampler": {
    "kind": "reverse_sde",
    "predictor": "reverse_diffusion",
    "corrector": "langevin",
    "snr": 0.16,
    "corrector_steps": 1,
    "eps": 1e-5,
    "denoise": true
  }
}
)";
}

}  // namespace scorelab
