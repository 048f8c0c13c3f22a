#version 330 core
// Round points (data samples, particles) of one colour.
layout(location = 0) in vec2 a_pos;  // world units
uniform vec4 u_view;                 // camera centre xy, half extents zw (world units)
uniform float u_size_px;             // point diameter, pixels
void main() {
  gl_Position = vec4((a_pos - u_view.xy) / u_view.zw, 0.0, 1.0);
  gl_PointSize = u_size_px;
}
