#version 330 core
// A canvas painted on the CPU (app/layers/particle_canvas.h), one texel per panel pixel, straight
// alpha, blended over the panel (SRC_ALPHA, ONE_MINUS_SRC_ALPHA).
// A plain nearest-filtered texture() at interpolated coordinates, without discard (a transparent
// texel blends to nothing): software GL (llvmpipe) runs this form ~0.7 ms CPU a frame faster
// than a texelFetch at gl_FragCoord that discards (20,000 particles with trails, 1280×800).
in vec2 v_uv;
uniform sampler2D u_canvas;  // RGBA8, nearest; the panel's size
out vec4 frag;
void main() { frag = texture(u_canvas, v_uv); }
