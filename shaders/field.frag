#version 330 core
// A scalar field from an R32F texture: colormap from u_lo over 1 / u_inv_range, and anti-aliased
// contour lines every 1 / u_inv_spacing units of the raw value (per pixel, from the same texture).
// The engine builds it three times (defines after #version): FILL 1 with COLORMAP 0 or 1 (the
// colours, with the lines over them), and FILL 0 (only the lines, over what is below).
// No branches: software GL (llvmpipe) runs both sides of a branch for every block of pixels, and
// this pass covers the whole panel every frame.
in vec2 v_uv;
uniform sampler2D u_field;   // R32F, one texel per grid cell
uniform float u_lo;          // the value at the colormap's start; no lines below it
uniform float u_inv_range;   // 1 / (value at the colormap's end − u_lo)
uniform float u_opacity;     // [0, 1]
uniform float u_gain;        // colours × this (presenter mode dims the heatmap)
uniform float u_contours;    // 1: draw contour lines, 0: none
uniform float u_inv_spacing; // 1 / value between contour lines
uniform float u_line_px;     // contour line width, pixels
uniform float u_offset;      // contours at u_offset + k spacing (k integer)
uniform vec4 u_line_color;   // FILL 0: the lines' colour and opacity
out vec4 frag;

// Polynomial fits of matplotlib's viridis and magma (Matt Zucconi, CC0); the C++ twin is
// app/render/colormap.cpp. A fill program is built per colormap (COLORMAP 0 viridis, 1 magma) so a
// pixel evaluates one polynomial of constants.
vec3 viridis(float t) {
  const vec3 c0 = vec3(0.2777273272234177, 0.005407344544966578, 0.3340998053353061);
  const vec3 c1 = vec3(0.1050930431085774, 1.404613529898575, 1.384590162594685);
  const vec3 c2 = vec3(-0.3308618287255563, 0.214847559468213, 0.09509516302823659);
  const vec3 c3 = vec3(-4.634230498983486, -5.799100973351585, -19.33244095627987);
  const vec3 c4 = vec3(6.228269936347081, 14.17993336680509, 56.69055260068105);
  const vec3 c5 = vec3(4.776384997670288, -13.74514537774601, -65.35303263337234);
  const vec3 c6 = vec3(-5.435455855934631, 4.645852612178535, 26.3124352495832);
  return c0 + t * (c1 + t * (c2 + t * (c3 + t * (c4 + t * (c5 + t * c6)))));
}
vec3 magma(float t) {
  const vec3 c0 = vec3(-0.002136485053939582, -0.000749655052795221, -0.005386127855323933);
  const vec3 c1 = vec3(0.2516605407371642, 0.6775232436837668, 2.494026599312351);
  const vec3 c2 = vec3(8.353717279216625, -3.577719514958484, 0.3144679030132573);
  const vec3 c3 = vec3(-27.66873308576866, 14.26473078096533, -13.64921318813922);
  const vec3 c4 = vec3(52.17613981234068, -27.94360607168351, 12.94416944238394);
  const vec3 c5 = vec3(-50.76852536473588, 29.04658282127291, 4.23415299384598);
  const vec3 c6 = vec3(18.65570506591883, -11.48977351997711, -5.601961508734096);
  return c0 + t * (c1 + t * (c2 + t * (c3 + t * (c4 + t * (c5 + t * c6)))));
}

void main() {
  float v = texture(u_field, v_uv).r;
  // Distance to the nearest level in pixels (the level's spacing over the value's screen
  // gradient), blended over one pixel: a line of constant width at any zoom.
  float level = (v - u_offset) * u_inv_spacing;
  float px = abs(fract(level + 0.5) - 0.5) / max(fwidth(level), 1e-6);
  float line = clamp(0.5 * u_line_px + 0.5 - px, 0.0, 1.0) * step(u_lo, v) * u_contours;
#if FILL
  float t = clamp((v - u_lo) * u_inv_range, 0.0, 1.0);
#if COLORMAP == 0
  vec3 color = clamp(viridis(t), 0.0, 1.0) * u_gain;
#else
  vec3 color = clamp(magma(t), 0.0, 1.0) * u_gain;
#endif
  frag = vec4(mix(color, vec3(1.0), 0.4 * line), u_opacity);
#else
  frag = vec4(u_line_color.rgb, u_line_color.a * line);
#endif
}
