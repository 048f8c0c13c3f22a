#version 330 core
// Particle trails without vertex attributes: segment s of particle p joins frames k and k+1 of a
// ring buffer of positions (a texture buffer, frame-major: texel = slot · tracked + p).
uniform samplerBuffer u_ring;  // RG32F positions, world units
uniform int u_tracked;         // particles with a trail
uniform int u_capacity;        // frames the ring holds
uniform int u_oldest;          // ring slot of the oldest stored frame
uniform int u_frames;          // frames stored (≥ 2 to draw anything)
uniform vec4 u_view;           // camera centre xy, half extents zw (world units)
uniform vec2 u_px;             // world units per pixel (x, y)
uniform float u_max_px;        // longer segments are not drawn, pixels
out float v_age;               // 0 oldest .. 1 newest
void main() {
  int segments = u_frames - 1;
  int seg = gl_VertexID / 2;
  int p = seg / segments;
  int k0 = seg % segments;
  int k = k0 + (gl_VertexID % 2);
  vec2 a = texelFetch(u_ring, ((u_oldest + k0) % u_capacity) * u_tracked + p).xy;
  vec2 b = texelFetch(u_ring, ((u_oldest + k0 + 1) % u_capacity) * u_tracked + p).xy;
  v_age = float(k) / float(segments);
  // A jump longer than u_max_px (high noise: particles leap across the view) is left out: it
  // shows no local motion and costs a long line to rasterise. Both ends go outside the view.
  if (length((b - a) / u_px) > u_max_px) {
    gl_Position = vec4(2.0, 2.0, 2.0, 1.0);
    return;
  }
  vec2 pos = (gl_VertexID % 2) == 0 ? a : b;
  gl_Position = vec4((pos - u_view.xy) / u_view.zw, 0.0, 1.0);
}
