#version 330 core
// The particles' canvas (app/layers/particle_canvas.h): each pixel shows its dot over its trail.
// Dot: coverage and rim share painted on the CPU with the disc formula of points.frag. Trail: a
// pixel last crossed `age` updates ago shows the trail colour with opacity (1 − age / length)²,
// gone after `length` updates.
uniform sampler2D u_stamps;  // R32F: the update that last crossed the pixel (never: −1e30)
uniform sampler2D u_dots;    // RG8: the dot's coverage, and the share of it that is rim
uniform ivec2 u_origin;      // the panel's bottom-left corner, framebuffer pixels
uniform float u_now;         // the newest update's stamp
uniform float u_length;      // trail length, updates (0: no trails)
uniform vec4 u_dot, u_rim, u_trail;
out vec4 frag;
void main() {
  ivec2 p = ivec2(gl_FragCoord.xy) - u_origin;
  vec2 d = texelFetch(u_dots, p, 0).rg;
  vec4 dot = mix(u_dot, vec4(u_rim.rgb, u_dot.a * u_rim.a), d.g);
  dot.a *= d.r;
  float trail = 0.0;
  if (u_length > 0.0) {
    float fresh = 1.0 - (u_now - texelFetch(u_stamps, p, 0).r) / u_length;
    if (fresh > 0.0) trail = u_trail.a * fresh * fresh;
  }
  // The dot over the trail; the result is blended over the panel (SRC_ALPHA, ONE_MINUS_SRC_ALPHA).
  float a = dot.a + trail * (1.0 - dot.a);
  if (a <= 0.0) discard;
  frag = vec4((dot.rgb * dot.a + u_trail.rgb * trail * (1.0 - dot.a)) / a, a);
}
