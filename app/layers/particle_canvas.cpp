// The particles' canvas (see particle_canvas.h).
#include "app/layers/particle_canvas.h"

#include <algorithm>
#include <cmath>

namespace scorelab::layers {

namespace {

using Rows = std::pair<int, int>;  // [lo, hi); empty when lo >= hi

Rows hull(Rows a, Rows b) {
  if (a.first >= a.second) return b;
  if (b.first >= b.second) return a;
  return {std::min(a.first, b.first), std::max(a.second, b.second)};
}

std::uint8_t to_byte(float v) { return static_cast<std::uint8_t>(v * 255.0f + 0.5f); }

}  // namespace

bool ParticleCanvas::fit(int w, int h, const view::WorldRect& world) {
  if (w == w_ && h == h_ && world.cx == world_.cx && world.cy == world_.cy &&
      world.hw == world_.hw && world.hh == world_.hh)
    return false;
  w_ = w;
  h_ = h;
  world_ = world;
  tiles_x_ = (w + kTile - 1) / kTile;
  tiles_y_ = (h + kTile - 1) / kTile;
  texture_.resize(w, h);
  dots_.assign(std::size_t(w) * std::size_t(h), 0);
  colour_.assign(std::size_t(w) * std::size_t(h), 0);
  tile_dots_.assign(std::size_t(tiles_x_) * std::size_t(tiles_y_), 0);
  // Every tile counts as shown: the resized texture's contents are undefined until uploaded.
  tile_shown_.assign(std::size_t(tiles_x_) * std::size_t(tiles_y_), 1);
  painted_rows_ = {0, 0};
  clear_trails();
  return true;
}

void ParticleCanvas::clear_trails() {
  stamps_.assign(std::size_t(w_) * std::size_t(h_), kNever);
  tile_newest_.assign(std::size_t(tiles_x_) * std::size_t(tiles_y_), kNever);
  changed_ = true;
}

void ParticleCanvas::stamp_segments(const Points& prev, const Points& next, float stamp,
                                    float max_px) {
  const float sx = float(w_) / float(2 * world_.hw), sy = float(h_) / float(2 * world_.hh);
  const float ox = float(world_.cx - world_.hw), oy = float(world_.cy - world_.hh);
  for (Index i = 0; i < next.cols(); ++i) {
    const float x0 = (prev(0, i) - ox) * sx, y0 = (prev(1, i) - oy) * sy;
    const float x1 = (next(0, i) - ox) * sx, y1 = (next(1, i) - oy) * sy;
    const float dx = x1 - x0, dy = y1 - y0;
    if (!(dx * dx + dy * dy <= max_px * max_px)) continue;  // also NaN
    // Both ends outside on the same side: nothing to draw.
    if ((x0 < 0 && x1 < 0) || (y0 < 0 && y1 < 0) || (x0 >= float(w_) && x1 >= float(w_)) ||
        (y0 >= float(h_) && y1 >= float(h_)))
      continue;
    // A DDA walk: one pixel per step along the longer axis.
    const int steps = std::max(1, int(std::ceil(std::max(std::abs(dx), std::abs(dy)))));
    for (int k = 0; k <= steps; ++k) {
      const float a = float(k) / float(steps);
      const int px = int(std::floor(x0 + a * dx)), py = int(std::floor(y0 + a * dy));
      if (px < 0 || py < 0 || px >= w_ || py >= h_) continue;
      const float value = stamp - 1 + a;
      stamps_[std::size_t(py) * std::size_t(w_) + std::size_t(px)] = value;
      float& tile = tile_newest_[std::size_t(py / kTile) * std::size_t(tiles_x_) +
                                 std::size_t(px / kTile)];
      tile = std::max(tile, value);
    }
  }
  changed_ = true;
}

void ParticleCanvas::DotStamps::make(float size_px, float rim_px) {
  if (size_px == size && rim_px == rim) return;
  size = size_px;
  rim = rim_px;
  const float radius = 0.5f * size_px;
  reach = radius + 0.5f;  // pixel centres farther than this from the centre get nothing
  n = int(std::floor(2 * reach)) + 2;
  for (int qy = 0; qy < kSteps; ++qy)
    for (int qx = 0; qx < kSteps; ++qx) {
      std::vector<std::uint16_t>& k = stamps[std::size_t(qy * kSteps + qx)];
      k.assign(std::size_t(n * n), 0);
      // The centre sits (q + ½) / kSteps of a pixel past the stamp's first pixel's left edge,
      // plus `reach`.
      const float fx = (float(qx) + 0.5f) / kSteps, fy = (float(qy) + 0.5f) / kSteps;
      for (int j = 0; j < n; ++j)
        for (int i = 0; i < n; ++i) {
          const float dx = float(i) + 0.5f - reach - fx, dy = float(j) + 0.5f - reach - fy;
          const float r = std::sqrt(dx * dx + dy * dy);  // pixels from the centre
          const std::uint8_t cover = to_byte(std::clamp(radius - r + 0.5f, 0.0f, 1.0f));
          const std::uint8_t rim =
              rim_px > 0 ? to_byte(std::clamp(r - (radius - rim_px) + 0.5f, 0.0f, 1.0f)) : 0;
          // The low byte keeps 255 − rim share: at equal coverage the max then keeps the least
          // rim, so overlapping dots show their colour with a rim around the cluster (keeping
          // the most rim painted dense clusters in the rim colour: black blobs).
          k[std::size_t(j * n + i)] = cover > 0 ? std::uint16_t(cover << 8 | (255 - rim)) : 0;
        }
    }
}

void ParticleCanvas::paint_dots(const Points& x, float size_px, float rim_px) {
  // Clear the previous dots (the rows they were on), then paint the new ones.
  const Rows old = painted_rows_;
  if (old.first < old.second)
    std::fill(dots_.begin() + std::ptrdiff_t(old.first) * w_,
              dots_.begin() + std::ptrdiff_t(old.second) * w_, std::uint16_t(0));
  std::fill(tile_dots_.begin(), tile_dots_.end(), std::uint8_t(0));

  // Discs are copied from stamps made for centres quantised to a quarter pixel (an eighth at
  // most from the true centre, which no one sees), not evaluated per pixel.
  dot_stamps_.make(size_px, rim_px);
  const DotStamps& ds = dot_stamps_;
  const float sx = float(w_) / float(2 * world_.hw), sy = float(h_) / float(2 * world_.hh);
  const float ox = float(world_.cx - world_.hw), oy = float(world_.cy - world_.hh);
  Rows painted{h_, 0};
  for (Index i = 0; i < x.cols(); ++i) {
    const float cx = (x(0, i) - ox) * sx, cy = (x(1, i) - oy) * sy;
    if (!(cx > -ds.reach && cx < float(w_) + ds.reach && cy > -ds.reach &&
          cy < float(h_) + ds.reach))
      continue;  // outside, or not finite
    const float left = cx - ds.reach, bottom = cy - ds.reach;
    const int px0 = int(std::floor(left)), py0 = int(std::floor(bottom));
    const int qx = std::min(int((left - float(px0)) * DotStamps::kSteps), DotStamps::kSteps - 1);
    const int qy = std::min(int((bottom - float(py0)) * DotStamps::kSteps), DotStamps::kSteps - 1);
    const std::uint16_t* k = ds.stamps[std::size_t(qy * DotStamps::kSteps + qx)].data();
    const int i0 = std::max(0, -px0), i1 = std::min(ds.n, w_ - px0);
    const int j0 = std::max(0, -py0), j1 = std::min(ds.n, h_ - py0);
    if (i0 >= i1 || j0 >= j1) continue;
    for (int j = j0; j < j1; ++j) {
      const std::uint16_t* src = k + std::size_t(j * ds.n);
      std::uint16_t* dst = dots_.data() + std::size_t(py0 + j) * std::size_t(w_) + std::size_t(px0);
      for (int i = i0; i < i1; ++i) dst[i] = std::max(dst[i], src[i]);  // more coverage wins
    }
    const int tx0 = (px0 + i0) / kTile, tx1 = (px0 + i1 - 1) / kTile;
    for (int ty = (py0 + j0) / kTile; ty <= (py0 + j1 - 1) / kTile; ++ty)
      for (int tx = tx0; tx <= tx1; ++tx)
        tile_dots_[std::size_t(ty) * std::size_t(tiles_x_) + std::size_t(tx)] = 1;
    painted = {std::min(painted.first, py0 + j0), std::max(painted.second, py0 + j1)};
  }
  painted_rows_ = painted;
  changed_ = true;
}

bool ParticleCanvas::live(int tx, int ty, float oldest_visible) const {
  const std::size_t t = std::size_t(ty) * std::size_t(tiles_x_) + std::size_t(tx);
  return tile_dots_[t] != 0 || tile_newest_[t] > oldest_visible;
}

const std::vector<int>& ParticleCanvas::live_rects(float oldest_visible) {
  rects_.clear();
  for (int ty = 0; ty < tiles_y_; ++ty) {
    int run_start = -1;
    for (int tx = 0; tx <= tiles_x_; ++tx) {
      const bool on = tx < tiles_x_ && live(tx, ty, oldest_visible);
      if (on && run_start < 0) run_start = tx;
      if (!on && run_start >= 0) {
        rects_.insert(rects_.end(), {run_start * kTile, ty * kTile, std::min(w_, tx * kTile),
                                     std::min(h_, (ty + 1) * kTile)});
        run_start = -1;
      }
    }
  }
  return rects_;
}

void ParticleCanvas::composite_tile(int tx, int ty, bool live, const Style& style) {
  const int x0 = tx * kTile, x1 = std::min(w_, x0 + kTile);
  const int y0 = ty * kTile, y1 = std::min(h_, y0 + kTile);
  if (!live) {
    for (int y = y0; y < y1; ++y)
      std::fill_n(colour_.begin() + std::ptrdiff_t(y) * w_ + x0, x1 - x0, 0u);
    return;
  }
  // Branch-free per pixel, so the compiler vectorises the row (~0.5 ns a pixel with AVX2).
  const float trails = style.length > 0 ? 1.0f : 0.0f;
  const float inv_length = style.length > 0 ? 1.0f / style.length : 0.0f;
  const render::Rgba& d = style.dot;
  const render::Rgba& r = style.rim;
  const render::Rgba& t = style.trail;
  const float rim_a = d[3] * r[3] - d[3];  // the dot's opacity change towards its rim
  for (int y = y0; y < y1; ++y) {
    const std::size_t row = std::size_t(y) * std::size_t(w_);
    const float* stamp = stamps_.data() + row;
    const std::uint16_t* dot = dots_.data() + row;
    std::uint32_t* out = colour_.data() + row;
    for (int x = x0; x < x1; ++x) {
      // The trail's opacity: trail.a (1 − age / length)², none once as old as the trail.
      const float fresh = std::max(1.0f - (style.now - stamp[x]) * inv_length, 0.0f);
      const float trail_a = trails * t[3] * fresh * fresh;
      // The dot: its colour towards the rim's by the rim share, opacity × coverage.
      const float cover = float(dot[x] >> 8) * (1.0f / 255);
      const float rim = float(255 - (dot[x] & 0xff)) * (1.0f / 255);  // stored as 255 − share
      const float dot_a = (d[3] + rim_a * rim) * cover;
      // The dot over the trail, straight alpha: the colour is a convex mix of the two, so every
      // channel stays in [0, 1].
      const float a = dot_a + trail_a * (1 - dot_a);
      const float inv_a = a > 0 ? 1.0f / a : 0.0f;
      const float wd = dot_a * inv_a, wt = trail_a * (1 - dot_a) * inv_a;
      const auto channel = [&](int c) {
        const float v = (d[c] + (r[c] - d[c]) * rim) * wd + t[c] * wt;
        return std::uint32_t(v * 255 + 0.5f);
      };
      out[x] = channel(0) | channel(1) << 8 | channel(2) << 16 | std::uint32_t(a * 255 + 0.5f) << 24;
    }
  }
}

void ParticleCanvas::draw(render::Painter& painter, const Style& style) {
  // A stamp s shows while 1 − (now − s) / length > 0, i.e. s > now − length.
  const float oldest = style.length > 0 ? style.now - style.length : HUGE_VALF;
  const std::vector<int>& rects = live_rects(oldest);
  if (changed_ || !(style == composited_)) {
    // Every tile that is live now, or was shown before and is not any more.
    Rows rows{h_, 0};
    for (int ty = 0; ty < tiles_y_; ++ty)
      for (int tx = 0; tx < tiles_x_; ++tx) {
        const std::size_t tile = std::size_t(ty) * std::size_t(tiles_x_) + std::size_t(tx);
        const bool on = live(tx, ty, oldest);
        if (!on && !tile_shown_[tile]) continue;
        composite_tile(tx, ty, on, style);
        tile_shown_[tile] = on;
        rows = hull(rows, {ty * kTile, std::min(h_, (ty + 1) * kTile)});
      }
    if (rows.first < rows.second)
      texture_.upload_rows(colour_.data() + std::size_t(rows.first) * std::size_t(w_), rows.first,
                           rows.second - rows.first);
    changed_ = false;
    composited_ = style;
  }
  painter.canvas(texture_, rects);
}

}  // namespace scorelab::layers
