#version 330 core
// One score arrow per instance, centred on its grid point. The template (9 vertices: a shaft quad
// and a head triangle) is in arrow coordinates: x = 0 tail, 1 head base, 2 tip; y = side (±1
// shaft, ±2 head). Widths are in pixels so arrows stay crisp at any zoom.
layout(location = 0) in vec2 a_shape;
layout(location = 1) in vec2 i_base;    // grid point, world units
layout(location = 2) in vec2 i_vec;     // arrow vector, world units (length already scaled)
layout(location = 3) in float i_color;  // [0, 1] magnitude for the colour ramp
uniform vec4 u_view;                    // camera centre xy, half extents zw (world units)
uniform vec2 u_px;                      // world units per pixel (x, y)
uniform float u_shaft_px, u_head_px;    // shaft half width and head length, pixels
out float v_color;
void main() {
  float len_px = length(i_vec / u_px);
  v_color = i_color;
  if (len_px < 0.5) {  // nothing to draw: a degenerate triangle outside the view
    gl_Position = vec4(2.0, 2.0, 2.0, 1.0);
    return;
  }
  vec2 d = normalize(i_vec / u_px);  // direction in pixel space
  vec2 n = vec2(-d.y, d.x);
  float head = min(u_head_px, 0.5 * len_px);
  float along = a_shape.x < 0.5 ? 0.0 : (a_shape.x < 1.5 ? len_px - head : len_px);
  float side = abs(a_shape.y) < 1.5 ? u_shaft_px : 0.5 * head + u_shaft_px;
  vec2 offset_px = d * (along - 0.5 * len_px) + n * sign(a_shape.y) * side;
  if (a_shape.x > 1.5) offset_px = d * 0.5 * len_px;  // the tip
  vec2 world = i_base + offset_px * u_px;
  gl_Position = vec4((world - u_view.xy) / u_view.zw, 0.0, 1.0);
}
