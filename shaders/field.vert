#version 330 core
// A quad over the field's rectangle (world units); the texture coordinate runs 0..1 across it.
layout(location = 0) in vec2 a_corner;  // (0,0) .. (1,1)
uniform vec4 u_rect;                    // x0, y0, x1, y1 of the field, world units
uniform vec4 u_view;                    // camera centre xy, half extents zw (world units)
out vec2 v_uv;
void main() {
  vec2 world = mix(u_rect.xy, u_rect.zw, a_corner);
  v_uv = a_corner;
  gl_Position = vec4((world - u_view.xy) / u_view.zw, 0.0, 1.0);
}
