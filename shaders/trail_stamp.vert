#version 330 core
// One trail segment per instance: a particle's previous position to its newest (two vertices,
// GL_LINES), drawn into the panel's trail canvas (a float texture of "stamps", see
// trail_stamp.frag and trail_fade.frag).
layout(location = 0) in vec2 a_prev;  // world units, the previous particle update
layout(location = 1) in vec2 a_next;  // world units, the newest particle update
uniform vec4 u_view;                  // camera centre xy, half extents zw (world units)
uniform vec2 u_px;                    // world units per pixel (x, y)
uniform float u_max_px;               // longer segments are not drawn, pixels
out float v_along;                    // 0 at the previous position .. 1 at the newest
void main() {
  v_along = float(gl_VertexID);
  // A jump longer than u_max_px (high noise: particles leap across the view) is left out: it
  // shows no local motion and costs a long line to rasterise. Both ends go outside the view.
  if (length((a_next - a_prev) / u_px) > u_max_px) {
    gl_Position = vec4(2.0, 2.0, 2.0, 1.0);
    return;
  }
  vec2 pos = gl_VertexID == 0 ? a_prev : a_next;
  gl_Position = vec4((pos - u_view.xy) / u_view.zw, 0.0, 1.0);
}
