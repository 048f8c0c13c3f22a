#version 330 core
// A disc with a one-pixel soft edge and, when u_rim.a > 0, a ring of u_rim's colour u_rim_px
// wide at its edge (presenter mode: the dots read on any background).
uniform vec4 u_color;
uniform vec4 u_rim;
uniform float u_size_px;
uniform float u_rim_px;
out vec4 frag;
void main() {
  float r = length(gl_PointCoord - 0.5) * u_size_px;  // pixels from the centre
  float a = clamp(0.5 * u_size_px - r + 0.5, 0.0, 1.0);
  if (a <= 0.0) discard;
  vec4 c = u_color;
  if (u_rim.a > 0.0) {
    float rim = clamp(r - (0.5 * u_size_px - u_rim_px) + 0.5, 0.0, 1.0);
    c = mix(u_color, vec4(u_rim.rgb, u_color.a * u_rim.a), rim);
  }
  frag = vec4(c.rgb, c.a * a);
}
