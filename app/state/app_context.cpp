// AppContext: applying scene edits, the trainer's life cycle, and the per-frame update.
#include "app/state/app_context.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <thread>

#include <sys/resource.h>

#include "core/common/error.h"
#include "core/distributions/datasets.h"
#include "core/distributions/empirical_mixture.h"
#include "core/scene/exact_score.h"

namespace scorelab::app {

namespace {

double now_seconds() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

// The JSON block `key` of a scene: comparing blocks tells which parts an edit touched.
nlohmann::json block(const Scene& s, const char* key) {
  return to_json(s)[key];
}

// The trainer's niceness relative to the UI (0..19; higher yields more). Best effort: a failed
// setpriority leaves the trainer at the UI's priority.
constexpr int kTrainerNice = 10;

// Floor of the noise std for fields: empirical mixtures and learned scores need s > 0 (VP and
// sub-VP reach s = 0 at t = 0).
constexpr double kMinFieldStd = 1e-3;

}  // namespace

AppContext::AppContext(Scene scene, RunMode mode, std::shared_ptr<const Checkpoint> start)
    : scene_(std::move(scene)), mode_(mode), start_(std::move(start)) {
  if (start_) scene_.train = start_->scene.train;  // the architecture the weights belong to
  rebuild_data();
  rebuild_trainer();
  particles_.playing = scene_.ui.playing;
  particles_.restart(scene_, scene_.seed);
}

AppContext::~AppContext() = default;

void AppContext::report(StatusMessage::Kind kind, std::string text) {
  status_ = {kind, std::move(text)};
}

void AppContext::rebuild_data() {
  Rng rng(scene_.seed);
  exact_ = make_exact_score(scene_.data, rng);
  // The points shown: the empirical mixture's own points, or a seeded draw of a mixture.
  if (const auto* emp = dynamic_cast<const EmpiricalMixture*>(exact_.get())) {
    data_points_ = emp->points();
  } else {
    const auto& gmm = dynamic_cast<const GaussianMixture&>(*exact_);
    gmm.sample(scene_.data.points, rng, data_points_);
  }
  suggested_sigma_max_ = suggest_sigma_max(data_points_);
  ++data_revision_;
}

void AppContext::rebuild_trainer() {
  // Destroying the old trainer joins its thread; the new one starts from fresh weights (or the
  // start model).
  trainer_.reset();
  auto session =
      std::make_unique<TrainingSession>(scene_.train_config(), make_data_source(scene_.data));
  // A start model applies while the architecture is still the one it was trained with.
  if (start_ && block(start_->scene, "train") == block(scene_, "train")) {
    if (session->mlp().embedding().frequencies() != start_->frequencies)
      throw InputError("the model's noise embedding does not match its own train settings");
    session->restore(start_->step, start_->params, start_->ema, start_->ema_updates,
                     start_->adam_steps, start_->adam_m, start_->adam_v);
  }
  // On Linux a thread inherits the nice value of the thread that creates it: the Trainer is built
  // on a short-lived thread at nice +kTrainerNice, so when the two cores are contended the UI
  // thread and software GL's rasteriser threads come first and training takes what is left.
  std::thread([&] {
    setpriority(PRIO_PROCESS, 0, kTrainerNice);  // 0: this thread (per-thread on Linux)
    trainer_ = std::make_unique<Trainer>(std::move(session));
  }).join();
  trainer_->publish_interval = 1.0 / 30.0;
  // Scripted runs step the trainer themselves (update()); others let it run on its thread.
  if (scene_.ui.training && !mode_.scripted) trainer_->start();
  train_snap_.reset();
  learned_.reset();
  learned_step_ = -1;
  last_train_warning_.clear();
}

bool AppContext::apply(const Scene& next) {
  try {
    validate(next);
  } catch (const InputError& e) {
    report(StatusMessage::Kind::Error, std::string("not applied: ") + e.what());
    return false;
  }
  const Scene before = scene_;
  scene_ = next;
  const bool data = block(before, "data") != block(next, "data") || before.seed != next.seed;
  const bool noise = block(before, "noise") != block(next, "noise");
  const bool model = block(before, "model") != block(next, "model");
  const nlohmann::json tb = block(before, "train"), tn = block(next, "train");
  // lr and batch change in place; any other training setting starts a new run.
  nlohmann::json tb_rest = tb, tn_rest = tn;
  for (const char* k :
       {"lr", "batch", "objective", "levels", "likelihood_weighting", "perturb", "eps"}) {
    tb_rest.erase(k);
    tn_rest.erase(k);
  }
  if (data) rebuild_data();
  if (model || tb_rest != tn_rest) {
    rebuild_trainer();
  } else {
    if (data) trainer_->set_data(make_data_source(next.data));
    if (tb["lr"] != tn["lr"]) trainer_->set_learning_rate(next.train.adam.lr);
    if (tb["batch"] != tn["batch"]) trainer_->set_batch(next.train.batch);
    if (noise || tb != tn)
      trainer_->set_objective(next.train.objective, next.noise.sde, next.noise.schedule);
  }
  if (before.ui.training != next.ui.training) set_training(next.ui.training);
  if (before.ui.playing != next.ui.playing) particles_.playing = next.ui.playing;
  const bool sampler =
      block(before, "sampler") != block(next, "sampler") || before.particles != next.particles;
  if (data || noise || sampler) particles_.restart(scene_, particles_.seed());
  if (status_.kind == StatusMessage::Kind::Error) status_ = {};
  return true;
}

NoiseLevel AppContext::panel_level(int panel) const {
  // While the particles run, the fields can follow them through the levels.
  if (scene_.ui.follow_sampler && scene_.layers.particles.on && particles_.started() &&
      particles_.steps_taken() > 0 && !particles_.finished()) {
    NoiseLevel l = particles_.level();
    l.s = std::max(l.s, kMinFieldStd);
    return l;
  }
  const PanelConfig& p = panel == 0 ? scene_.view.left : scene_.view.right;
  NoiseLevel l;
  if (scene_.ui.discrete_levels) {
    const int L = scene_.noise.schedule.levels;
    const int i = std::clamp(int(std::lround((1.0 - p.t) * (L - 1))), 0, L - 1);
    l = scene_.noise.schedule.level(i);
  } else {
    l = Sde(scene_.noise.sde).level(p.t);
  }
  l.s = std::max(l.s, kMinFieldStd);
  return l;
}

const ScoreModel* AppContext::particle_score() const {
  return scene_.ui.particle_source == FieldSource::Exact ? exact_.get() : learned_.get();
}

void AppContext::update(const std::array<view::WorldRect, 2>& panels, int panel_count) {
  // 1. Training: the newest snapshot, never waiting for a step; scripted runs take a fixed number
  // of steps per frame and wait for them.
  if (mode_.scripted && scene_.ui.training && mode_.train_steps_per_frame > 0) {
    for (int i = 0; i < mode_.train_steps_per_frame; ++i) trainer_->step_once();
    trainer_->wait_idle();
  }
  train_snap_ = trainer_->snapshot();
  if (train_snap_ && train_snap_->model &&
      (train_snap_->model->step != learned_step_ || learned_ema_ != scene_.ui.use_ema)) {
    learned_ = std::make_unique<LearnedScore>(train_snap_->model, scene_.ui.use_ema);
    learned_step_ = train_snap_->model->step;
    learned_ema_ = scene_.ui.use_ema;
  }
  if (train_snap_ && train_snap_->warning != last_train_warning_) {
    last_train_warning_ = train_snap_->warning;
    if (!last_train_warning_.empty())
      report(StatusMessage::Kind::Warning, "training: " + last_train_warning_);
  }

  // 2. Particles: steps_per_frame (fractions accumulate), at most ~6 ms of work per frame
  // unless scripted (deterministic frames for tests and screenshots).
  if (particle_target_) {
    const int steps = *particle_target_ - particles_.steps_taken();
    const ScoreModel* score = particle_score();
    if (steps > 0 && score) particles_.advance(*score, steps, 0.0);
  } else if (particles_.playing && !particles_.finished()) {
    if (const ScoreModel* score = particle_score()) {
      particles_.step_debt += scene_.ui.steps_per_frame;
      const int steps = static_cast<int>(particles_.step_debt);
      particles_.step_debt -= steps;
      particles_.advance(*score, steps, mode_.scripted ? 0.0 : 0.006);
    }
  }

  // 3. Fields of each visible panel.
  const double now = now_seconds();
  for (int p = 0; p < panel_count; ++p) {
    const PanelConfig& cfg = p == 0 ? scene_.view.left : scene_.view.right;
    FieldInputs in;
    in.rect = panels[p];
    in.level = panel_level(p);
    in.layers = &scene_.layers;
    in.exact = exact_.get();
    in.learned = learned_.get();
    in.source = cfg.source;
    in.data_revision = data_revision_;
    in.model_step = learned_step_;
    in.ema = scene_.ui.use_ema;
    in.now = now;
    in.scripted = mode_.scripted;
    try {
      update_fields(fields_[p], in);
    } catch (const InputError& e) {
      report(StatusMessage::Kind::Error, e.what());
    }
  }
}

void AppContext::set_training(bool on) {
  scene_.ui.training = on;
  if (on && mode_.scripted) return;  // update() steps it
  if (on)
    trainer_->start();
  else
    trainer_->pause();
}

void AppContext::train_step_once() {
  set_training(false);
  trainer_->step_once();
}

void AppContext::reset_training() {
  trainer_->reset();
}

void AppContext::restart_particles(bool new_seed) {
  particles_.restart(scene_, new_seed ? particles_.seed() + 1 : particles_.seed());
  particles_.playing = scene_.ui.playing = true;
}

void AppContext::toggle_playing() {
  if (particles_.finished() && !particles_.playing) {
    restart_particles(false);
    return;
  }
  if (particles_.finished()) {
    restart_particles(true);
    return;
  }
  particles_.playing = !particles_.playing;
  scene_.ui.playing = particles_.playing;
}

void AppContext::step_particles_once() {
  particles_.playing = scene_.ui.playing = false;
  if (const ScoreModel* score = particle_score()) particles_.advance(*score, 1, 0.0);
}

}  // namespace scorelab::app
