#version 330 core
// A canvas painted on the CPU (app/layers/particle_canvas.h), one texel per panel pixel, straight
// alpha, blended over the panel (SRC_ALPHA, ONE_MINUS_SRC_ALPHA).
uniform sampler2D u_canvas;  // RGBA8
uniform ivec2 u_origin;      // the panel's bottom-left corner, framebuffer pixels
out vec4 frag;
void main() {
  frag = texelFetch(u_canvas, ivec2(gl_FragCoord.xy) - u_origin, 0);
  if (frag.a <= 0.0) discard;
}
