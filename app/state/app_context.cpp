// AppContext: applying scene edits through their diff, commands, the trainer's life cycle, and the
// per-frame update.
#include "app/state/app_context.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <thread>


#include "core/common/error.h"
#include "core/distributions/point_spacing.h"
#include "core/scene/exact_score.h"
#include "core/scene/limits.h"
#include "core/scene/scene_run.h"
#include "core/scene/streams.h"

namespace scorelab::app {

namespace {

// Run r of the sampler: run 0 is the scene's particle stream (core/scene/streams.h), exactly
// `scorelab sample`'s; run r ≥ 1 is a stream seeded from that stream's first draw and r, so
// Restart (R) moves on to fresh noise and any r (a file may say 2⁶⁴ − 1) costs one step. (Runs
// used to be r splits in a row: ui.run = 10⁹ froze the window for 38 s before its first frame.)
Rng particle_stream(std::uint64_t seed, std::uint64_t run) {
  Rng stream = scene_streams(seed).particles;
  if (run == 0) return stream;
  // The golden-ratio multiplier spreads consecutive r over the seed space (splitmix64's own).
  return Rng(stream.next_u64() ^ (run * 0x9E3779B97F4A7C15ull));
}

}  // namespace

NoiseLevel level_at(const Scene& scene, double t) {
  const SigmaSchedule& schedule = scene.noise.schedule;
  NoiseLevel l = scene.ui.discrete_levels ? schedule.level(schedule.index_at_time(t))
                                          : Sde(scene.noise.sde).level(t);
  l.s = std::max(l.s, kMinFieldStd);
  return l;
}

double multiples_t(const MultiplesConfig& m, int i) {
  return m.count > 1 ? m.t_min + (m.t_max - m.t_min) * double(i) / double(m.count - 1) : m.t_min;
}

AppContext::AppContext(Scene scene, RunMode mode, std::shared_ptr<const Checkpoint> start)
    : scene_(std::move(scene)), mode_(mode), start_(std::move(start)) {
  if (start_) scene_.train = start_->scene.train;  // the architecture the weights belong to
  rebuild_data();
  measure_prior();
  rebuild_trainer();
  rebuild_guidance();
  restart_particles();
  rescale_density();
  derive_panels();
}

AppContext::~AppContext() = default;

JobRunner& AppContext::jobs() const {
  if (!jobs_) jobs_ = std::make_unique<JobRunner>();
  return *jobs_;
}

void AppContext::report(StatusMessage::Kind kind, std::string text) {
  status_ = {kind, std::move(text)};
}

void AppContext::rebuild_data() {
  Rng rng = scene_streams(scene_.seed).data;
  SceneData data = make_scene_data(scene_.data, rng);
  exact_ = std::move(data.exact);
  data_points_ = std::move(data.points);
  fit_data_ = scorelab::fit_data(scene_.data, scene_.seed);
  point_spacing_ = median_nearest_distance(data_points_);
  ++data_revision_;
  ++rebuilds_.data;
}

void AppContext::measure_prior() {
  prior_shift_ = scorelab::prior_shift(fit_data_, scene_.noise.sde);
  fitted_sigma_max_ = scorelab::fitted_sigma_max(fit_data_, scene_.noise.sde.sigma_min);
}

void AppContext::rebuild_trainer() {
  // Destroying the old trainer joins its thread; the new one starts from fresh weights (or the
  // start model).
  trainer_.reset();
  auto session =
      std::make_unique<TrainingSession>(scene_.train_config(), make_data_source(scene_.data));
  // train.threads = 0 (auto) leaves a core for the window's frame.
  session->set_threads(training_threads(scene_.train.threads, /*window=*/true));
  // A start model applies while the architecture is still the one it was trained with.
  if (start_ && start_->scene.train == scene_.train) {
    if (session->mlp().embedding().frequencies() != start_->frequencies)
      throw InputError("the model's noise embedding does not match its own train settings");
    session->restore(start_->step, start_->params, start_->ema, start_->ema_updates,
                     start_->adam_steps, start_->adam_m, start_->adam_v);
  }
  // A thread inherits the nice value of the thread that creates it: the Trainer is built on a
  // short-lived thread below the UI (lower_thread_priority), so training takes what the UI leaves;
  // it also steps aside while a frame rasterises (background_gate).
  std::thread([&] {
    lower_thread_priority();
    trainer_ = std::make_unique<Trainer>(std::move(session), &background_gate());
  }).join();
  trainer_->publish_interval = 1.0 / 30.0;
  set_trainer_running(scene_.ui.training);
  train_snap_.reset();
  learned_.reset();
  guided_learned_.reset();
  learned_step_ = -1;
  shown_ = {};
  last_train_warning_.clear();
  last_train_error_.clear();
  ++rebuilds_.trainer;
}

void AppContext::rebuild_guidance() {
  guided_exact_ = make_guided_score(scene_, *exact_);
  guided_learned_ = learned_ ? make_guided_score(scene_, *learned_) : nullptr;
}

const ScoreModel* AppContext::particle_score() const {
  if (scene_.ui.particle_source == FieldSource::Exact)
    return guided_exact_ ? guided_exact_.get() : exact_.get();
  return guided_learned_ ? guided_learned_.get() : learned_.get();
}

void AppContext::restart_particles() {
  // The comparison starts from the same stream: the same starting points when both samplers
  // start from the same distribution, then noise of its own order.
  const Rng stream = particle_stream(scene_.seed, scene_.ui.run);
  particles_.restart(scene_, scene_.sampler, stream);
  if (scene_.compare_sampler) compare_.restart(scene_, *scene_.compare_sampler, stream);
  ++rebuilds_.particles;
}

// Scripted runs step the trainer themselves (update()); others let it run on its thread.
void AppContext::set_trainer_running(bool on) {
  if (on && !mode_.scripted)
    trainer_->start();
  else
    trainer_->pause();
}

void AppContext::submit(const Scene& edit, std::span<const Command> commands, bool gesture) {
  if (!(edit == scene_)) {
    const Scene before = scene_;
    if (apply(edit) && is_recorded_edit(before, scene_)) history_.record(before, gesture);
  }
  if (!gesture) history_.end_gesture();
  for (Command c : commands) run(c);
}

bool AppContext::open(Scene scene, std::shared_ptr<const Checkpoint> model) {
  if (model) scene.train = model->scene.train;  // the architecture the weights belong to
  const Scene before = scene_;
  std::shared_ptr<const Checkpoint> previous = std::move(start_);
  start_ = model;
  if (!apply(scene)) {
    start_ = std::move(previous);
    return false;
  }
  // New weights with unchanged settings: apply() saw no reason to restart the trainer.
  if (model && !last_diff_.train_restart) rebuild_trainer();
  if (is_recorded_edit(before, scene_)) history_.record(before, false);
  return true;
}

namespace {

// σ_max follows the data where the scene says so (core/scene/noise_fit.h): refitted when the data,
// the seed (a sample-only dataset's draw) or a flag or σ_min changed, else kept from `current`
// (a refit redraws a sample-only dataset: not on every slider frame).
void refit_noise(const Scene& current, Scene& next) {
  const NoiseConfig& a = current.noise;
  NoiseConfig& b = next.noise;
  const bool same_inputs = current.data == next.data && current.seed == next.seed &&
                           a.sde_sigma_max_from_data == b.sde_sigma_max_from_data &&
                           a.schedule_sigma_max_from_data == b.schedule_sigma_max_from_data &&
                           a.sde.sigma_min == b.sde.sigma_min &&
                           a.schedule.sigma_min == b.schedule.sigma_min;
  if (!same_inputs) {
    fit_noise_to_data(next);
    b.sde.validate();
    b.schedule.validate();
    return;
  }
  if (b.sde_sigma_max_from_data) b.sde.sigma_max = a.sde.sigma_max;
  if (b.schedule_sigma_max_from_data) b.schedule.sigma_max = a.schedule.sigma_max;
}

}  // namespace

bool AppContext::apply(const Scene& edit) {
  Scene next = edit;
  try {
    validate(next);
    refit_noise(scene_, next);
    // What this machine can run in a window (memory, time per frame): refused, not attempted.
    check_window_cost(next);
  } catch (const InputError& e) {
    report(StatusMessage::Kind::Error, std::string("not applied: ") + e.what());
    return false;
  }
  const SceneDiff d = diff(scene_, next);
  const NoiseConfig before_noise = scene_.noise;
  scene_ = next;
  last_diff_ = d;
  if (d.data) rebuild_data();
  if (d.data || !(before_noise == next.noise)) measure_prior();
  if (d.train_restart) {
    rebuild_trainer();
  } else {
    if (d.data) trainer_->set_data(make_data_source(next.data));
    if (d.learning_rate) trainer_->set_learning_rate(next.train.adam.lr);
    if (d.batch) trainer_->set_batch(next.train.batch);
    if (d.objective)
      trainer_->set_objective(next.train.objective, next.noise.sde, next.noise.schedule);
    if (d.training_on) set_trainer_running(next.ui.training);
  }
  if (d.data || d.sampler) rebuild_guidance();
  if (d.sampler) restart_particles();
  if (d.data || !(before_noise == next.noise) || d.layers || d.panels) rescale_density();
  if (status_.kind == StatusMessage::Kind::Error) status_ = {};
  derive_panels();
  return true;
}

void AppContext::run(Command command) {
  Scene next = scene_;
  switch (command) {
    case Command::PlayPause:
      if (runs_finished()) {
        // A finished run starts again: replayed when paused, the next run when it was playing.
        if (scene_.ui.playing)
          ++next.ui.run;
        else
          restart_particles();
        next.ui.playing = true;
      } else {
        next.ui.playing = !scene_.ui.playing;
      }
      break;
    case Command::StepSampler:
      next.ui.playing = false;
      apply(next);
      if (const ScoreModel* score = particle_score()) advance_particles(*score, 1, 0.0);
      return;
    case Command::NextRun:
      ++next.ui.run;
      next.ui.playing = true;
      break;
    case Command::ToggleTraining:
      next.ui.training = !scene_.ui.training;
      break;
    case Command::TrainStep:
      next.ui.training = false;
      apply(next);
      trainer_->step_once();
      return;
    case Command::ResetTraining:
      trainer_->reset();
      return;
    case Command::ToggleHelp:
      next.ui.show_help = !scene_.ui.show_help;
      break;
    case Command::TogglePanels:
      next.ui.show_panels = !scene_.ui.show_panels;
      break;
    case Command::ToggleControls:
      next.ui.controls = !scene_.ui.controls;
      break;
    case Command::Undo:
    case Command::Redo: {
      const bool undo = command == Command::Undo;
      std::optional<Scene> target = undo ? history_.undo(scene_) : history_.redo(scene_);
      if (!target) {
        report(StatusMessage::Kind::Info, undo ? "nothing to undo" : "nothing to redo");
        return;
      }
      // Every recorded scene was applied once, so it applies again (the cost limits are fixed).
      apply(*target);
      return;
    }
    case Command::NextStep:
    case Command::PreviousStep:
      // The lesson player (app/state/lesson_player.h) turns these into the step's scene edit
      // before the edit is submitted; nothing is left to do here.
      return;
    case Command::TogglePresenter:
      next.ui.presenter = !scene_.ui.presenter;
      break;
    case Command::ComputeModelDensity:
      ++model_density_requests_;
      return;
    case Command::CancelModelDensity:
      ++model_density_cancels_;
      return;
    case Command::ShowQuality:
      quality_wanted_ = true;
      return;
  }
  apply(next);
}

void AppContext::advance_particles(const ScoreModel& score, int steps, double budget) {
  try {
    const int taken = particles_.advance(score, steps, budget);
    // The comparison keeps step with the scene's run: as many steps (all of them once that run
    // has finished), so with equal step counts the two are at the same t.
    if (scene_.compare_sampler) compare_.advance(score, particles_.finished() ? steps : taken, 0.0);
  } catch (const InputError& e) {
    // A sampler the score cannot serve (e.g. Langevin at s = 0 with a network, which has no
    // level 0): the run pauses with the reason in the status bar instead of ending the program.
    Scene paused = scene_;
    paused.ui.playing = false;
    apply(paused);
    report(StatusMessage::Kind::Error, std::string("sampler paused: ") + e.what());
  }
}

void AppContext::rescale_density() {
  density_scale_ = {};
  field_std_floor_ = kMinFieldStd;
  if (data_points_.cols() == 0) return;
  // At most 2,000 of the data points (evenly spaced): the top of log p sits on the data.
  const Index n = data_points_.cols(), step = std::max<Index>(1, n / 2000);
  Points x(2, (n + step - 1) / step);
  for (Index i = 0, j = 0; i < n; i += step, ++j) x.col(j) = data_points_.col(i);
  // Below the typical spacing of the points an empirical mixture is a set of spikes no view can
  // resolve (computed once per data: rebuild_data).
  const double spacing = point_spacing_;
  // A sample-only dataset or a drawing (no mixture): its fields are drawn at s ≥ the spacing.
  if (!mixture_components(scene_.data) && spacing > kMinFieldStd) field_std_floor_ = spacing;
  if (!exact_->has_log_density()) return;
  // The smallest level of every process a panel shows: the scene's, or all three across SDEs.
  std::vector<NoiseLevel> refs{level_at(scene_, 0.0)};
  if (scene_.view.multiples.on && scene_.view.multiples.across == MultiplesAcross::Sdes)
    for (const EnumName<SdeKind>& k : enum_names<SdeKind>()) {
      SdeParams p = scene_.noise.sde;
      p.kind = k.value;
      refs.push_back(Sde(p).level(0.0));
    }
  float top = -INFINITY;
  Values log_p;
  for (NoiseLevel ref : refs) {
    ref.s = std::max({ref.s, kMinFieldStd, spacing});
    exact_->log_density(x, ref, log_p);
    for (Index i = 0; i < log_p.size(); ++i)
      if (std::isfinite(log_p[i])) top = std::max(top, log_p[i]);
  }
  if (std::isfinite(top))
    density_scale_ = {true, top, scene_.layers.density.lock_scale || scene_.view.multiples.on};
}

void AppContext::derive_panels() {
  // The fields follow the particles' level from their first frame to the end of the run, so the
  // two never disagree (ui.follow_sampler; the particles must be shown).
  const bool follow = scene_.ui.follow_sampler && scene_.layers.particles.on &&
                      particles_.started();
  const auto moving = [&](int run) {
    NoiseLevel level = particles(run).level();
    level.s = std::max(level.s, kMinFieldStd);
    return level;
  };
  const MultiplesConfig& mult = scene_.view.multiples;
  for (int p = 0; p < kMaxPanels; ++p) {
    PanelView& v = panels_[p];
    v = {};
    v.sde = scene_.noise.sde.kind;
    if (!mult.on) {  // one panel, or split view: each its own source and t
      const PanelConfig& cfg = p == 0 ? scene_.view.left : scene_.view.right;
      v.source = cfg.source;
      v.run = p == 1 && scene_.view.split && scene_.compare_sampler ? 1 : 0;
      v.ode_density = scene_.layers.model_density.on &&
                      (cfg.source == FieldSource::Learned || cfg.ode_density);
      v.log_z = cfg.log_z;
      v.follows_particles = follow;
      v.level = follow ? moving(v.run) : level_at(scene_, cfg.t);
    } else if (mult.across == MultiplesAcross::Levels) {
      // Small multiples: pinned levels, no particles (PanelView::shows_particles).
      v.shows_particles = false;
      v.source = scene_.view.left.source;
      v.ode_density = scene_.layers.model_density.on && v.source == FieldSource::Learned;
      v.level = level_at(scene_, multiples_t(mult, p));
    } else {
      v.shows_particles = false;
      SdeParams params = scene_.noise.sde;
      params.kind = enum_names<SdeKind>()[std::size_t(p) % 3].value;
      v.sde = params.kind;
      v.own_sde = true;
      v.source = FieldSource::Exact;
      v.level = Sde(params).level(scene_.view.left.t);
      v.level.s = std::max(v.level.s, kMinFieldStd);
    }
    // Finer than the points' spacing an empirical mixture is spikes between the points (and
    // finer than a texel): the fields are drawn at the spacing, and the caption says so.
    v.std_floored = v.level.s < field_std_floor_;
    v.level.s = std::max(v.level.s, field_std_floor_);
  }
}

void AppContext::update() {
  ++updates_;
  // 1. Training: the newest snapshot, never waiting for a step; scripted runs take a fixed number
  // of steps per frame and wait for them.
  if (mode_.scripted && scene_.ui.training && mode_.train_steps_per_frame > 0) {
    for (int i = 0; i < mode_.train_steps_per_frame; ++i) trainer_->step_once();
    trainer_->wait_idle();
  }
  train_snap_ = trainer_->snapshot();
  // The weights shown: live, or the scrubber's snapshot (training goes on behind it).
  const TrainingHistory* history = given_history_ ? &*given_history_
                                   : train_snap_   ? &train_snap_->snapshots
                                                   : nullptr;
  const ShownModel shown = shown_model(train_snap_ ? train_snap_->model : nullptr, history,
                                       scene_.ui.scrub_step);
  if (shown.model && (shown.model->step != learned_step_ || shown.model != shown_.model ||
                      learned_ema_ != scene_.ui.use_ema)) {
    learned_ = std::make_unique<LearnedScore>(shown.model, scene_.ui.use_ema);
    learned_step_ = shown.model->step;
    learned_ema_ = scene_.ui.use_ema;
    guided_learned_ = make_guided_score(scene_, *learned_);
    // Another past step (or back to live): the learned particles are the fixed-seed batch of the
    // weights shown, so they run again from the same start, and the model density is of them.
    // Live updates leave both alone (a rerun 30 times a second would never finish).
    if ((shown.scrubbed || shown_.scrubbed) && shown.model != shown_.model) {
      if (scene_.ui.particle_source == FieldSource::Learned) restart_particles();
      if (scene_.layers.model_density.on) ++model_density_requests_;
    }
  }
  shown_ = shown;
  if (train_snap_ && train_snap_->warning != last_train_warning_) {
    last_train_warning_ = train_snap_->warning;
    if (!last_train_warning_.empty())
      report(StatusMessage::Kind::Warning, "training: " + last_train_warning_);
  }
  if (train_snap_ && train_snap_->error != last_train_error_) {
    last_train_error_ = train_snap_->error;
    if (!last_train_error_.empty()) {
      // The trainer has stopped: the training switch says so too (one edit, as a click on it),
      // so the panel and the status bar never claim a run that is not going on.
      if (scene_.ui.training) {
        Scene stopped = scene_;
        stopped.ui.training = false;
        apply(stopped);
      }
      report(StatusMessage::Kind::Error, "training stopped: " + last_train_error_);
    }
  }

  // 2. Particles: steps_per_frame (fractions accumulate), at most ~6 ms of work per frame
  // unless scripted (deterministic frames for tests and screenshots).
  const ScoreModel* score = particle_score();
  if (particle_target_) {
    const int steps = *particle_target_ - particles_.steps_taken();
    if (steps > 0 && score) advance_particles(*score, steps, 0.0);
  } else if (scene_.ui.playing && !runs_finished() && score) {
    particles_.step_debt += scene_.ui.steps_per_frame;
    const int steps = static_cast<int>(particles_.step_debt);
    particles_.step_debt -= steps;
    advance_particles(*score, steps, mode_.scripted ? 0.0 : 0.006);
  }

  // 3. What each panel shows this frame.
  derive_panels();

  // 4. The readouts asked for, measured in the background: the live numbers of the particles,
  // and the quality of the learned model while its section shows (request_quality()).
  if (scene_.ui.numbers) numbers_.update(*this, jobs());
  if (quality_wanted_) {
    QualityMeter::Input in;
    in.scene = &scene_;
    in.data_revision = data_revision_;
    if (train_snap_) in.model = train_snap_->model;
    in.use_ema = scene_.ui.use_ema;
    in.wait = mode_.scripted;
    // Seconds, for the rate limit: scripted runs count frames, so their readouts are
    // deterministic.
    in.now = mode_.scripted ? double(updates_) / 60.0
                            : std::chrono::duration<double>(
                                  std::chrono::steady_clock::now().time_since_epoch())
                                  .count();
    quality_.update(in, jobs());
    quality_wanted_ = false;
  }
}

}  // namespace scorelab::app
