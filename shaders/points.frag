#version 330 core
// A disc with a one-pixel soft edge.
uniform vec4 u_color;
uniform float u_size_px;
out vec4 frag;
void main() {
  float r = length(gl_PointCoord - 0.5) * u_size_px;  // pixels from the centre
  float a = clamp(0.5 * u_size_px - r + 0.5, 0.0, 1.0);
  if (a <= 0.0) discard;
  frag = vec4(u_color.rgb, u_color.a * a);
}
