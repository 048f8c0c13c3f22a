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

ParticleCanvas::ParticleCanvas()
    : stamps_gpu_(render::CanvasTexture::Format::R32F),
      dots_gpu_(render::CanvasTexture::Format::RG8) {}

bool ParticleCanvas::fit(int w, int h, const view::WorldRect& world) {
  if (w == w_ && h == h_ && world.cx == world_.cx && world.cy == world_.cy &&
      world.hw == world_.hw && world.hh == world_.hh)
    return false;
  w_ = w;
  h_ = h;
  world_ = world;
  tiles_x_ = (w + kTile - 1) / kTile;
  tiles_y_ = (h + kTile - 1) / kTile;
  stamps_gpu_.resize(w, h);
  dots_gpu_.resize(w, h);
  dots_.assign(std::size_t(w) * std::size_t(h) * 2, 0);
  tile_dots_.assign(std::size_t(tiles_x_) * std::size_t(tiles_y_), 0);
  painted_rows_ = {0, 0};
  dot_rows_ = {0, h};  // the resized texture's contents are undefined until uploaded
  clear_trails();
  return true;
}

void ParticleCanvas::clear_trails() {
  stamps_.assign(std::size_t(w_) * std::size_t(h_), kNever);
  tile_newest_.assign(std::size_t(tiles_x_) * std::size_t(tiles_y_), kNever);
  stamp_rows_ = {0, h_};
}

void ParticleCanvas::stamp_segments(const Points& prev, const Points& next, float stamp,
                                    float max_px) {
  const float sx = float(w_) / float(2 * world_.hw), sy = float(h_) / float(2 * world_.hh);
  const float ox = float(world_.cx - world_.hw), oy = float(world_.cy - world_.hh);
  Rows touched{h_, 0};
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
      touched = {std::min(touched.first, py), std::max(touched.second, py + 1)};
    }
  }
  stamp_rows_ = hull(stamp_rows_, touched);
}

void ParticleCanvas::paint_dots(const Points& x, float size_px, float rim_px) {
  // Clear the previous dots (the rows they were on), then paint the new ones.
  const Rows old = painted_rows_;
  if (old.first < old.second)
    std::fill(dots_.begin() + std::ptrdiff_t(old.first) * w_ * 2,
              dots_.begin() + std::ptrdiff_t(old.second) * w_ * 2, std::uint8_t(0));
  std::fill(tile_dots_.begin(), tile_dots_.end(), std::uint8_t(0));

  const float sx = float(w_) / float(2 * world_.hw), sy = float(h_) / float(2 * world_.hh);
  const float ox = float(world_.cx - world_.hw), oy = float(world_.cy - world_.hh);
  const float radius = 0.5f * size_px;
  const float reach = radius + 0.5f;  // pixel centres beyond this from the centre get nothing
  Rows painted{h_, 0};
  for (Index i = 0; i < x.cols(); ++i) {
    const float cx = (x(0, i) - ox) * sx, cy = (x(1, i) - oy) * sy;
    if (!(cx > -reach && cx < float(w_) + reach && cy > -reach && cy < float(h_) + reach))
      continue;  // outside, or not finite
    const int px0 = std::max(0, int(std::floor(cx - reach))),
              px1 = std::min(w_ - 1, int(std::floor(cx + reach)));
    const int py0 = std::max(0, int(std::floor(cy - reach))),
              py1 = std::min(h_ - 1, int(std::floor(cy + reach)));
    for (int py = py0; py <= py1; ++py) {
      const float ddy = float(py) + 0.5f - cy;
      for (int px = px0; px <= px1; ++px) {
        const float ddx = float(px) + 0.5f - cx;
        const float r = std::sqrt(ddx * ddx + ddy * ddy);  // pixels from the centre
        const std::uint8_t cover = to_byte(std::clamp(radius - r + 0.5f, 0.0f, 1.0f));
        const std::size_t at = (std::size_t(py) * std::size_t(w_) + std::size_t(px)) * 2;
        if (cover <= dots_[at]) continue;  // nothing here, or another disc covers more
        dots_[at] = cover;
        dots_[at + 1] =
            rim_px > 0 ? to_byte(std::clamp(r - (radius - rim_px) + 0.5f, 0.0f, 1.0f)) : 0;
        tile_dots_[std::size_t(py / kTile) * std::size_t(tiles_x_) + std::size_t(px / kTile)] = 1;
        painted = {std::min(painted.first, py), std::max(painted.second, py + 1)};
      }
    }
  }
  painted_rows_ = painted;
  dot_rows_ = hull(dot_rows_, hull(old, painted));
}

const std::vector<int>& ParticleCanvas::live_rects(float oldest_visible) {
  rects_.clear();
  for (int ty = 0; ty < tiles_y_; ++ty) {
    int run_start = -1;
    for (int tx = 0; tx <= tiles_x_; ++tx) {
      const std::size_t t = std::size_t(ty) * std::size_t(tiles_x_) + std::size_t(tx);
      const bool live =
          tx < tiles_x_ && (tile_dots_[t] != 0 || tile_newest_[t] > oldest_visible);
      if (live && run_start < 0) run_start = tx;
      if (!live && run_start >= 0) {
        rects_.insert(rects_.end(), {run_start * kTile, ty * kTile, std::min(w_, tx * kTile),
                                     std::min(h_, (ty + 1) * kTile)});
        run_start = -1;
      }
    }
  }
  return rects_;
}

void ParticleCanvas::draw(render::Painter& painter, const render::Painter::CanvasStyle& style) {
  if (stamp_rows_.first < stamp_rows_.second)
    stamps_gpu_.upload_rows(stamps_.data() + std::size_t(stamp_rows_.first) * std::size_t(w_),
                            stamp_rows_.first, stamp_rows_.second - stamp_rows_.first);
  if (dot_rows_.first < dot_rows_.second)
    dots_gpu_.upload_rows(dots_.data() + std::size_t(dot_rows_.first) * std::size_t(w_) * 2,
                          dot_rows_.first, dot_rows_.second - dot_rows_.first);
  stamp_rows_ = dot_rows_ = {0, 0};
  // A stamp s shows while 1 − (now − s) / length > 0, i.e. s > now − length.
  const float oldest = style.length > 0 ? style.now - style.length : HUGE_VALF;
  painter.particle_canvas(stamps_gpu_, dots_gpu_, live_rects(oldest), style);
}

}  // namespace scorelab::layers
