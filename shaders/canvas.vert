#version 330 core
// Rectangles of a CPU-painted canvas, given in canvas pixels (the canvas is the panel's size, and
// the viewport the panel, so a pixel centre samples its own texel's centre).
layout(location = 0) in vec2 a_pixel;
uniform vec2 u_size;  // the panel, framebuffer pixels
out vec2 v_uv;
void main() {
  v_uv = a_pixel / u_size;
  gl_Position = vec4(2.0 * a_pixel / u_size - 1.0, 0.0, 1.0);
}
