#version 330 core
// Rectangles of a CPU-painted canvas, given in canvas pixels (the canvas is the panel's size).
layout(location = 0) in vec2 a_pixel;
uniform vec2 u_size;  // the panel, framebuffer pixels
void main() { gl_Position = vec4(2.0 * a_pixel / u_size - 1.0, 0.0, 1.0); }
