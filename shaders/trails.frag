#version 330 core
// Trails fade out with age.
in float v_age;
uniform vec4 u_color;
out vec4 frag;
void main() { frag = vec4(u_color.rgb, u_color.a * v_age * v_age); }
