#version 330 core
// Trails from the panel's canvas of stamps: a pixel last crossed `age` updates ago shows the
// trail colour with opacity (1 − age / length)², gone after `length` updates. One pass over the
// panel whatever the trail length or the number of particles.
uniform sampler2D u_stamps;  // R32F, one texel per panel pixel; never crossed: −1e30
uniform ivec2 u_origin;      // the panel's bottom-left corner, framebuffer pixels
uniform float u_now;         // the newest update's stamp
uniform float u_length;      // trail length, updates
uniform vec4 u_color;
out vec4 frag;
void main() {
  float stamp = texelFetch(u_stamps, ivec2(gl_FragCoord.xy) - u_origin, 0).r;
  float fresh = 1.0 - (u_now - stamp) / u_length;  // 1 newest .. 0 as old as the trail
  if (fresh <= 0.0) discard;
  frag = vec4(u_color.rgb, u_color.a * fresh * fresh);
}
