#include "core/train/training_session.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <thread>

#include "core/common/error.h"

namespace scorelab {

void TrainConfig::validate() const {
  model.validate();
  objective.validate();
  objective.validate_with(sde, model);
  sde.validate();
  schedule.validate();
  adam.validate();
  require_in_range("train.ema_rate", ema_rate, 0.0, 0.999999);
  require_in_range("train.batch", batch, 1, 65536);
  require_in_range("train.threads", threads, 0, 64);
  require_in_range("train.label_dropout", label_dropout, 0.0, 1.0);
}

int training_threads(int setting, bool window) {
  if (setting >= 1) return setting;
  const int hardware = static_cast<int>(std::thread::hardware_concurrency());  // 0 if unknown
  return std::max(1, window ? hardware - 1 : hardware);
}

int training_chunks(int batch) { return std::clamp(batch / 128, 1, 16); }

MlpConfig default_model_for(SdeKind kind) {
  MlpConfig m;
  // The straight path trains a velocity network (ObjectiveConfig::validate_with).
  if (kind == SdeKind::RectifiedFlow) m.output = OutputScaling::Velocity;
  return m;
}

ObjectiveConfig previous_objective() {
  ObjectiveConfig o;
  o.distribution = LevelDistribution::UniformT;
  o.weighting = LossWeighting::Sigma2;
  return o;
}

MlpConfig previous_model_for(SdeKind kind) {
  MlpConfig m;
  m.far_field = FarField::Network;  // its outputs have no skip term anyway
  m.embedding.fourier_scale = 16.0;
  if (kind == SdeKind::VE) {
    m.embedding.kind = EmbeddingKind::FourierLogSigma;
    m.output = OutputScaling::ScoreOverSigma;
  } else {
    m.embedding.kind = EmbeddingKind::SinusoidalTime;
    m.output = OutputScaling::NoisePrediction;
  }
  return m;
}

TrainingSession::TrainingSession(const TrainConfig& config, DataSource data)
    : cfg_(config), data_(std::move(data)) {
  cfg_.validate();
  reset();
}

std::optional<DataReach> fit_reach(const DataSource& data, std::uint64_t seed) {
  // A fixed salt keeps this draw apart from the weights' and the training batches' streams.
  Rng rng(seed ^ 0x6a09e667f3bcc909ull);
  Points x;
  data(4096, rng, x);
  Eigen::Vector2d sum = Eigen::Vector2d::Zero();
  Index n = 0;
  for (Index i = 0; i < x.cols(); ++i)
    if (x.col(i).allFinite()) sum += x.col(i).cast<double>(), ++n;
  if (n == 0) return std::nullopt;
  DataReach reach;
  reach.center = sum / double(n);
  for (Index i = 0; i < x.cols(); ++i)
    if (x.col(i).allFinite())
      reach.radius = std::max(reach.radius, (x.col(i).cast<double>() - reach.center).norm());
  return reach;
}

namespace {

// The reach the model needs: only the skip far field of the preconditioned output uses one.
std::optional<DataReach> reach_for(const MlpConfig& model, const DataSource& data,
                                   std::uint64_t seed) {
  if (model.output != OutputScaling::Preconditioned || model.far_field != FarField::Skip)
    return std::nullopt;
  return fit_reach(data, seed);
}

}  // namespace

void TrainingSession::build_model() {
  Rng init(cfg_.seed);
  NoiseEmbedding embedding(cfg_.model.embedding, init);
  auto mlp = std::make_shared<Mlp>(cfg_.model, std::move(embedding),
                                   reach_for(cfg_.model, data_, cfg_.seed));
  mlp->init_params(params_, init);
  mlp_ = std::move(mlp);
  rng_ = init.split();  // the data and noise stream
  grad_.setZero(mlp_->num_params());
  adam_ = Adam(cfg_.adam, mlp_->num_params());
  ema_ = Ema(cfg_.ema_rate, params_);
}

void TrainingSession::reset() {
  build_model();
  set_objective(cfg_.objective, cfg_.sde, cfg_.schedule);
  step_ = 0;
  loss_avg_ = 0;
  rollbacks_in_a_row_ = 0;
  stalled_ = false;
  warning_.clear();
  history_.clear();
  snapshots_.clear();
  record_snapshot();
  save_good_state();
}

void TrainingSession::set_learning_rate(double lr) {
  require_in_range("train.lr", lr, 0.0, 1e6);
  cfg_.adam.lr = adam_.config.lr = lr;
  stalled_ = false;
  rollbacks_in_a_row_ = 0;
}

void TrainingSession::set_batch(int batch) {
  require_in_range("train.batch", batch, 1, 65536);
  cfg_.batch = batch;
}

void TrainingSession::set_objective(const ObjectiveConfig& objective, const SdeParams& sde,
                                    const SigmaSchedule& schedule) {
  auto next = std::make_unique<Objective>(objective, Sde(sde), schedule,
                                          cfg_.model.sigma_data);  // validates all three
  cfg_.objective = objective, cfg_.sde = sde, cfg_.schedule = schedule;
  objective_ = std::move(next);
  // Bands of the loss history: even in log s over the levels this objective draws.
  if (objective.levels == LevelSource::Continuous) {
    const Sde process(sde);
    band_lo_ = std::log(process.level(objective.eps).s);
    band_hi_ = std::log(process.level(Sde::T).s);
  } else {
    band_lo_ = std::log(schedule.sigma_min);
    band_hi_ = std::log(schedule.sigma_max);
  }
  if (!(band_hi_ > band_lo_)) band_hi_ = band_lo_ + 1;
}

void TrainingSession::set_data(DataSource data) {
  // Same architecture and weights; only where the network's part is windowed moves with the data.
  // Fitted first: if the source throws, the session is as it was.
  std::optional<DataReach> reach = reach_for(cfg_.model, data, cfg_.seed);
  data_ = std::move(data);
  if (reach != mlp_->reach())
    mlp_ = std::make_shared<Mlp>(cfg_.model, mlp_->embedding(), std::move(reach));
}

void TrainingSession::set_threads(int threads) {
  require_in_range("train.threads", threads, 0, 64);
  cfg_.threads = threads;  // the next step resizes the pool
}

void TrainingSession::save_good_state() {
  good_ = {step_, params_, ema_.weights(), adam_.m(), adam_.v(), ema_.updates(), adam_.steps()};
}

void TrainingSession::roll_back(const std::string& why) {
  const long bad_step = step_ + 1;
  params_ = good_.params;
  adam_.set_state(good_.adam_steps, good_.m, good_.v);
  ema_.set_state(good_.ema_updates, good_.ema);
  step_ = good_.step;
  snapshots_.drop_after(step_);
  loss_avg_ = 0;
  ++rollbacks_in_a_row_;
  adam_.config.lr *= 0.1;
  cfg_.adam.lr = adam_.config.lr;
  std::ostringstream msg;
  msg << "training diverged at step " << bad_step << " (" << why << "); rolled back to step "
      << step_ << " and lowered the learning rate to " << adam_.config.lr;
  if (adam_.config.lr < 1e-8 || rollbacks_in_a_row_ >= 12) {
    stalled_ = true;
    msg << "; training paused: it keeps diverging";
  }
  warning_ = msg.str();
}

double TrainingSession::evaluate_batch() {
  const Index n = batch_.x.cols();
  const int count = training_chunks(static_cast<int>(n));
  chunks_.resize(count);
  for (int c = 0; c < count; ++c) chunks_[c].begin = n * c / count;
  const int threads = std::min(training_threads(cfg_.threads, /*window=*/false), count);
  if (!pool_ || pool_->threads() != threads) pool_ = std::make_unique<ThreadPool>(threads);

  // Each chunk on its own: its loss is its share of the batch mean (divided by n, not by its
  // size), its gradient goes to its own buffer. Any thread may run any chunk.
  pool_->run(count, [&](int c) {
    Chunk& k = chunks_[c];
    const Index end = c + 1 < count ? chunks_[c + 1].begin : n;
    batch_.slice(k.begin, end - k.begin, k.batch);
    Eigen::VectorXf& g = c == 0 ? grad_ : k.grad;
    g.setZero(mlp_->num_params());
    k.loss = objective_->evaluate<float>(*mlp_, params_, k.batch, k.ctx, &g, &k.per_sample, n);
  });

  // The deterministic reduction: in chunk order, on this thread.
  double loss = 0;
  per_sample_.resize(n);
  for (int c = 0; c < count; ++c) {
    const Chunk& k = chunks_[c];
    loss += k.loss;
    if (c > 0) grad_ += k.grad;
    per_sample_.segment(k.begin, k.per_sample.size()) = k.per_sample;
  }
  return loss;
}

void check_classes(const MlpConfig& model, int data_classes) {
  if (model.classes == 0 || data_classes == model.classes) return;
  if (data_classes == 0)
    throw InputError("model.classes: a class-conditional network learns the classes of mixture "
                     "data (its components); this data has no components (set model.classes "
                     "to 0)");
  throw InputError("model.classes is " + std::to_string(model.classes) +
                   " but the data is a mixture of " + std::to_string(data_classes) +
                   " components (its classes)");
}

TrainingSession::StepResult TrainingSession::step() {
  if (stalled_) return {};
  if (cfg_.model.classes > 0) {
    check_classes(cfg_.model, data_.classes());
    data_(cfg_.batch, rng_, x0_, labels_);
  } else {
    data_(cfg_.batch, rng_, x0_);
  }
  objective_->draw(x0_, rng_, batch_);
  if (cfg_.model.classes > 0) {
    // Label dropout: ∅ with chance p_uncond, drawn after the objective's noise.
    batch_.level.label.resize(cfg_.batch);
    for (int i = 0; i < cfg_.batch; ++i)
      batch_.level.label[i] =
          rng_.uniform() < cfg_.label_dropout ? kNoLabel : labels_[std::size_t(i)];
  }
  const double loss = evaluate_batch();

  // The guard: look before stepping, and at the weights after.
  std::string why;
  if (!std::isfinite(loss)) {
    why = "the loss is not finite";
  } else if (!grad_.allFinite()) {
    why = "the gradient is not finite";
  } else if (step_ >= 1 && std::abs(loss) > 1e4 * std::max(std::abs(loss_avg_), 1.0)) {
    std::ostringstream m;
    m << "the loss exploded to " << loss;
    why = m.str();
  }
  double grad_norm = 0;
  if (why.empty()) {
    grad_norm = adam_.step(params_, grad_);
    if (!params_.allFinite()) why = "the weights became non-finite";
  }
  if (!why.empty()) {
    roll_back(why);
    return {loss, grad_norm, true};
  }
  ema_.update(params_);
  ++step_;
  loss_avg_ = step_ == 1 ? loss : 0.98 * loss_avg_ + 0.02 * loss;
  if (step_ % 200 == 0) {
    save_good_state();
    rollbacks_in_a_row_ = 0;
  }

  std::array<double, LossHistory::kBands> sum{}, count{};
  const float scale = static_cast<float>(LossHistory::kBands / (band_hi_ - band_lo_));
  band_.noalias() = ((batch_.level.s.array().log() - static_cast<float>(band_lo_)) * scale).matrix();
  for (Index i = 0; i < per_sample_.size(); ++i) {
    const int k = std::clamp(static_cast<int>(band_[i]), 0, LossHistory::kBands - 1);
    sum[k] += per_sample_[i];
    count[k] += 1;
  }
  history_.add(step_, loss, sum, count);
  record_snapshot();
  return {loss, grad_norm, false};
}

void TrainingSession::record_snapshot() {
  // The check first: a snapshot copies the weights, which a step that is not due must not pay.
  if (snapshots_.enabled() && snapshots_.due(step_)) snapshots_.add(snapshot());
}

std::shared_ptr<const ModelSnapshot> TrainingSession::snapshot() const {
  if (!params_.allFinite() || !ema_.weights().allFinite()) return nullptr;
  return std::make_shared<const ModelSnapshot>(ModelSnapshot{mlp_, params_, ema_.weights(), step_});
}

void TrainingSession::restore(long step, const Eigen::VectorXf& params, const Eigen::VectorXf& ema,
                              long ema_updates, long adam_steps, const Eigen::VectorXf& adam_m,
                              const Eigen::VectorXf& adam_v) {
  const Index n = mlp_->num_params();
  if (params.size() != n || ema.size() != n || adam_m.size() != n || adam_v.size() != n)
    throw InputError("restore: the saved state has a different number of parameters");
  params_ = params;
  ema_.set_state(ema_updates, ema);
  adam_.set_state(adam_steps, adam_m, adam_v);
  step_ = step;
  history_.clear();
  snapshots_.clear();
  record_snapshot();
  save_good_state();
}

}  // namespace scorelab
