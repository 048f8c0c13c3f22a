#version 330 core
// Coloured line segments in world units (grid, axes, streamlines).
layout(location = 0) in vec2 a_pos;
layout(location = 1) in vec4 a_color;
uniform vec4 u_view;  // camera centre xy, half extents zw (world units)
out vec4 v_color;
void main() {
  v_color = a_color;
  gl_Position = vec4((a_pos - u_view.xy) / u_view.zw, 0.0, 1.0);
}
