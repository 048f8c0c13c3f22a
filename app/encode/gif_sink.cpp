// GIF export through giflib: one global 256-colour palette for the whole animation (so colours
// do not flicker between frames), frames stored as the rectangle that changed, looping forever.
#include <gif_lib.h>
#include <unistd.h>

#include <algorithm>
#include <cassert>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <vector>

#include "app/encode/sinks.h"
#include "core/common/error.h"

namespace scorelab::encode::detail {
namespace {

constexpr int kPaletteSize = 256;  // colours; GIF's maximum (SinkOptions::palette_colours: fewer)
// Hint pixels added to the first frame when the palette is built: this share of the frame's
// pixel count in all, split evenly over the hints, so colours the first frame lacks (the rest of
// a colormap ramp) still win palette entries in the median cut.
constexpr double kHintShare = 0.25;
// The palette lookup is keyed by the colour cut to 6 bits per channel: 2^18 entries (512 kB,
// fits in cache; all 2^24 colours would take 32 MB), and the cut moves a colour by at most 2 of
// 255 per channel, well under the spacing of 256 palette colours spread over the RGB cube.
constexpr int kKeyBits = 6;
constexpr int kKeyShift = 8 - kKeyBits;
constexpr int kUnknown = -1;         // lookup entry not computed yet
constexpr int kLloydIterations = 4;  // most of the gain; each costs (cells used) × 256

int key_of(const std::uint8_t* rgb) {
  return (rgb[0] >> kKeyShift) << (2 * kKeyBits) | (rgb[1] >> kKeyShift) << kKeyBits |
         rgb[2] >> kKeyShift;
}

// Frame i is shown from round(100 i / fps) to round(100 (i+1) / fps) hundredths of a second:
// whole delays that never drift from the frame rate (30 fps → 3, 3, 4, 3, 3, 4, ...).
int delay_of(int i, double fps) {
  return static_cast<int>(std::lround(100.0 * (i + 1) / fps) - std::lround(100.0 * i / fps));
}

// giflib's quantiser keeps its sort axis in a static variable: one caller at a time.
std::mutex quantize_mutex;

// Where giflib's output goes: a buffer flushed to the temporary file in large writes (giflib
// writes a few bytes at a time). A failed write is remembered, not thrown through C code.
struct Output {
  StreamingFile* file = nullptr;
  std::vector<GifByteType> buffer;
  int error = 0;  // errno of the first failed write, 0 if none

  void flush() {
    if (error == 0) error = file->write_all(buffer.data(), buffer.size());
    buffer.clear();
  }

  static int write(GifFileType* gif, const GifByteType* data, int size) {
    auto* out = static_cast<Output*>(gif->UserData);
    if (out->error != 0) return 0;
    out->buffer.insert(out->buffer.end(), data, data + size);
    if (out->buffer.size() >= (1u << 16)) out->flush();
    return out->error != 0 ? 0 : size;
  }
};

class GifSink final : public FrameSink {
 public:
  explicit GifSink(const SinkOptions& options) : options_(options) {
    file_ = std::make_unique<StreamingFile>(options_.path);
    out_.file = file_.get();
    int error = 0;
    gif_ = EGifOpen(&out_, &Output::write, &error);
    if (!gif_) {
      discard();
      throw InputError("cannot write " + quoted_name(options_.path) + ": " + GifErrorString(error));
    }
    const std::size_t n = std::size_t(options_.width) * options_.height;
    previous_.resize(n);
    current_.resize(n);
  }

  ~GifSink() override {
    if (!finished_) discard();
  }

  void add(const Image& frame) override {
    assert(!finished_);
    check_frame(frame, options_);
    // A write that failed half-way leaves giflib mid-frame: refuse to go on from there.
    if (broken_)
      throw InputError("cannot write " + quoted_name(options_.path) + ": an earlier frame failed");
    broken_ = true;
    if (frames_ == 0) start(frame);
    map_to_palette(frame);
    put_frame();
    broken_ = false;
    previous_.swap(current_);
    ++frames_;
  }

  void finish() override {
    assert(!finished_);
    if (frames_ == 0)
      throw InputError("nothing to write to " + quoted_name(options_.path) + ": no frames");
    if (broken_)
      throw InputError("cannot write " + quoted_name(options_.path) + ": an earlier frame failed");
    int error = 0;
    const int closed = EGifCloseFile(gif_, &error);  // writes the trailer; frees gif_ regardless
    gif_ = nullptr;
    out_.flush();
    if (out_.error != 0) fail_io("write", options_.path, out_.error);
    if (closed != GIF_OK)
      throw InputError("cannot write " + quoted_name(options_.path) + ": " + GifErrorString(error));
    file_->commit();
    finished_ = true;
  }

  std::string describe() const override {
    return "GIF " + size_text(options_.width, options_.height) + ", " + frames_text(frames_) +
           ", " + fps_text(options_.fps) + " fps";
  }

 private:
  // Builds the palette from the first frame and the hints, then writes the screen descriptor
  // (with the palette as the global colour map) and the loop-forever extension.
  void start(const Image& first) {
    build_palette(first);
    // GifMakeMapObject wants a power of two (at least 2); the padding repeats colour 0 and is
    // never chosen, since the nearest-colour search covers only palette_.
    int size = 2;
    while (size < static_cast<int>(palette_.size())) size *= 2;
    std::vector<GifColorType> colours(std::size_t(size), palette_[0]);
    std::copy(palette_.begin(), palette_.end(), colours.begin());
    ColorMapObject* map = GifMakeMapObject(size, colours.data());
    if (!map) throw InputError("cannot write " + quoted_name(options_.path) + ": out of memory");
    EGifSetGifVersion(gif_, true);  // the extensions below are GIF89a
    const int put = EGifPutScreenDesc(gif_, options_.width, options_.height, 8, 0, map);
    GifFreeMapObject(map);  // giflib keeps its own copy
    check(put);
    // NETSCAPE2.0: sub-block 1 holds the loop count, 0 = forever (little-endian 16 bits).
    const GifByteType loop[] = {1, 0, 0};
    check(EGifPutExtensionLeader(gif_, APPLICATION_EXT_FUNC_CODE));
    check(EGifPutExtensionBlock(gif_, 11, "NETSCAPE2.0"));
    check(EGifPutExtensionBlock(gif_, sizeof loop, loop));
    check(EGifPutExtensionTrailer(gif_));
    lookup_.assign(std::size_t(1) << (3 * kKeyBits), kUnknown);
  }

  // giflib's median cut (GifQuantizeBuffer) over the first frame plus the hint pixels, refined.
  // The cut works on colours cut to 5 bits and averages those cells' corners, which biases every
  // colour towards black by up to 7/255: each colour first moves to the mean of the pixels the
  // cut gave it, then refine_palette lets the colours settle where the pixels are.
  void build_palette(const Image& first) {
    const std::size_t n = std::size_t(first.width) * first.height;
    const auto& hints = options_.palette_hints;
    const std::size_t per_hint =
        hints.empty() ? 0
                      : std::max<std::size_t>(
                            1, static_cast<std::size_t>(std::ceil(kHintShare * n / hints.size())));
    const std::size_t total = n + per_hint * hints.size();
    std::vector<GifByteType> r(total), g(total), b(total), index(total);
    for (std::size_t i = 0; i < n; ++i)
      r[i] = first.rgb[3 * i], g[i] = first.rgb[3 * i + 1], b[i] = first.rgb[3 * i + 2];
    for (std::size_t h = 0, i = n; h < hints.size(); ++h)
      for (std::size_t k = 0; k < per_hint; ++k, ++i)
        r[i] = hints[h][0], g[i] = hints[h][1], b[i] = hints[h][2];

    // Fewer colours make smaller files: shorter codes, longer runs for the LZW coder.
    int size = std::clamp(options_.palette_colours, 2, kPaletteSize);
    std::vector<GifColorType> cut(kPaletteSize);
    int quantized;
    {
      const std::lock_guard lock(quantize_mutex);
      quantized = GifQuantizeBuffer(static_cast<unsigned>(total), 1, &size, r.data(), g.data(),
                                    b.data(), index.data(), cut.data());
    }
    if (quantized != GIF_OK)
      throw InputError("cannot write " + quoted_name(options_.path) +
                       ": building the GIF palette failed (out of memory?)");

    std::vector<std::uint64_t> sum(std::size_t(size) * 3, 0), count(std::size_t(size), 0);
    for (std::size_t i = 0; i < total; ++i) {
      const std::size_t c = index[i];
      sum[3 * c] += r[i], sum[3 * c + 1] += g[i], sum[3 * c + 2] += b[i];
      ++count[c];
    }
    palette_.clear();
    for (int c = 0; c < size; ++c) {
      if (count[c] == 0) continue;  // an entry the cut left empty
      const auto mean = [&](int channel) {
        return static_cast<GifByteType>((sum[3 * c + channel] + count[c] / 2) / count[c]);
      };
      palette_.push_back({mean(0), mean(1), mean(2)});
    }
    refine_palette(r, g, b);
  }

  // Lloyd (k-means) iterations on the histogram of 6-bit cells: each cell, weighted by its pixel
  // count and placed at its pixels' mean, goes to its nearest palette colour; each colour moves
  // to the mean of its cells. Median cut splits boxes along axes; this lets the colours settle
  // where the pixels are, and never increases the (cell-approximated) error.
  void refine_palette(const std::vector<GifByteType>& r, const std::vector<GifByteType>& g,
                      const std::vector<GifByteType>& b) {
    const std::size_t cells = std::size_t(1) << (3 * kKeyBits);
    std::vector<std::uint32_t> cell_count(cells, 0);
    std::vector<std::uint64_t> cell_sum(3 * cells, 0);
    for (std::size_t i = 0; i < r.size(); ++i) {
      const std::uint8_t rgb[3] = {r[i], g[i], b[i]};
      const int key = key_of(rgb);
      ++cell_count[key];
      cell_sum[3 * key] += r[i], cell_sum[3 * key + 1] += g[i], cell_sum[3 * key + 2] += b[i];
    }
    struct Cell {
      float r, g, b, weight;
    };
    std::vector<Cell> used;
    for (std::size_t k = 0; k < cells; ++k)
      if (cell_count[k] > 0) {
        const float w = float(cell_count[k]);
        used.push_back({cell_sum[3 * k] / w, cell_sum[3 * k + 1] / w, cell_sum[3 * k + 2] / w, w});
      }
    const std::size_t m = palette_.size();
    std::vector<float> pr(m), pg(m), pb(m);
    for (std::size_t c = 0; c < m; ++c)
      pr[c] = palette_[c].Red, pg[c] = palette_[c].Green, pb[c] = palette_[c].Blue;
    for (int iteration = 0; iteration < kLloydIterations; ++iteration) {
      std::vector<double> sum(4 * m, 0.0);
      for (const Cell& cell : used) {
        std::size_t best = 0;
        float best_distance = 1e30f;
        for (std::size_t c = 0; c < m; ++c) {
          const float dr = pr[c] - cell.r, dg = pg[c] - cell.g, db = pb[c] - cell.b;
          const float distance = dr * dr + dg * dg + db * db;
          if (distance < best_distance) best = c, best_distance = distance;
        }
        sum[4 * best] += cell.weight * cell.r, sum[4 * best + 1] += cell.weight * cell.g;
        sum[4 * best + 2] += cell.weight * cell.b, sum[4 * best + 3] += cell.weight;
      }
      for (std::size_t c = 0; c < m; ++c) {
        const double weight = sum[4 * c + 3];
        if (weight == 0) continue;  // no cell is nearest to it: it stays
        pr[c] = float(sum[4 * c] / weight);
        pg[c] = float(sum[4 * c + 1] / weight);
        pb[c] = float(sum[4 * c + 2] / weight);
      }
    }
    for (std::size_t c = 0; c < m; ++c)
      palette_[c] = {GifByteType(std::lround(pr[c])), GifByteType(std::lround(pg[c])),
                     GifByteType(std::lround(pb[c]))};
  }

  // The palette colour nearest (squared RGB distance, lowest index on ties) to the centre of
  // the 6-bit cell `key`, stored in the lookup. Coordinates are doubled to keep the centre,
  // 4v + 1.5, an integer.
  int nearest(int key) {
    const int cr = 8 * (key >> (2 * kKeyBits)) + 3, cg = 8 * ((key >> kKeyBits) & 63) + 3,
              cb = 8 * (key & 63) + 3;
    int best = 0, best_distance = INT32_MAX;
    for (int c = 0; c < static_cast<int>(palette_.size()); ++c) {
      const int dr = 2 * palette_[c].Red - cr, dg = 2 * palette_[c].Green - cg,
                db = 2 * palette_[c].Blue - cb;
      const int distance = dr * dr + dg * dg + db * db;
      if (distance < best_distance) best = c, best_distance = distance;
    }
    lookup_[key] = static_cast<std::int16_t>(best);
    return best;
  }

  void map_to_palette(const Image& frame) {
    const std::uint8_t* p = frame.rgb.data();
    for (GifPixelType& out : current_) {
      const int key = key_of(p);
      const int known = lookup_[key];
      out = static_cast<GifPixelType>(known != kUnknown ? known : nearest(key));
      p += 3;
    }
  }

  // Writes current_ as the next frame: whole for the first, else only the bounding rectangle of
  // the pixels whose index changed (1×1 if none did). "Do not dispose" keeps the rest on screen.
  void put_frame() {
    const int w = options_.width, h = options_.height;
    int left = 0, top = 0, right = w, bottom = h;  // [left, right) × [top, bottom)
    if (frames_ > 0) {
      const auto row_differs = [&](int y) {
        return std::memcmp(&current_[std::size_t(y) * w], &previous_[std::size_t(y) * w],
                           std::size_t(w)) != 0;
      };
      while (top < h && !row_differs(top)) ++top;
      if (top == h) {
        left = top = 0, right = bottom = 1;
      } else {
        while (!row_differs(bottom - 1)) --bottom;
        left = w, right = 0;
        for (int y = top; y < bottom; ++y) {
          const GifPixelType* a = &current_[std::size_t(y) * w];
          const GifPixelType* b = &previous_[std::size_t(y) * w];
          int x = 0;
          while (x < left && a[x] == b[x]) ++x;
          left = x;
          x = w;
          while (x > right && a[x - 1] == b[x - 1]) --x;
          right = x;
        }
        if (left >= right) left = 0, right = 1;  // rows differ: cannot happen, but stay valid
      }
    }

    GraphicsControlBlock control{};
    control.DisposalMode = DISPOSE_DO_NOT;
    control.UserInputFlag = false;
    control.DelayTime = delay_of(frames_, options_.fps);
    control.TransparentColor = NO_TRANSPARENT_COLOR;
    GifByteType extension[4];
    const auto length = EGifGCBToExtension(&control, extension);
    check(EGifPutExtension(gif_, GRAPHICS_EXT_FUNC_CODE, static_cast<int>(length), extension));
    check(EGifPutImageDesc(gif_, left, top, right - left, bottom - top, false, nullptr));
    for (int y = top; y < bottom; ++y)
      check(EGifPutLine(gif_, &current_[std::size_t(y) * w + left], right - left));
  }

  // Throws InputError for a failed giflib call: the write error behind it, else giflib's reason.
  void check(int result) {
    if (result == GIF_OK) return;
    if (out_.error != 0) fail_io("write", options_.path, out_.error);
    throw InputError("cannot write " + quoted_name(options_.path) + ": " +
                     GifErrorString(gif_->Error));
  }

  // Frees giflib's state and removes the temporary file: the target is left as it was.
  void discard() {
    if (gif_) {
      out_.error = EBADF;  // the trailer EGifCloseFile writes is not wanted
      EGifCloseFile(gif_, nullptr);
      gif_ = nullptr;
    }
    file_.reset();  // removes the temporary
  }

  SinkOptions options_;
  std::unique_ptr<StreamingFile> file_;  // the temporary, renamed over the target by finish()
  Output out_;
  GifFileType* gif_ = nullptr;
  std::vector<GifColorType> palette_;  // the colours in use, ≤ 256
  std::vector<std::int16_t> lookup_;   // 2^18: 6-bit-per-channel colour → palette index, or -1
  std::vector<GifPixelType> previous_, current_;  // H × W palette indices of the last two frames
  int frames_ = 0;
  bool broken_ = false;  // a frame failed after giflib began writing it
  bool finished_ = false;
};

}  // namespace

std::unique_ptr<FrameSink> make_gif_sink(const SinkOptions& options) {
  return std::make_unique<GifSink>(options);
}

}  // namespace scorelab::encode::detail
