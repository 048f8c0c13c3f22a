#version 330 core
// Arrow colour by magnitude: pale for weak scores, saturated orange-red for strong ones, so the
// arrows read on both viridis and magma heatmaps.
in float v_color;
uniform float u_opacity;
out vec4 frag;
void main() {
  vec3 weak = vec3(0.92, 0.92, 0.95), strong = vec3(1.0, 0.32, 0.08);
  frag = vec4(mix(weak, strong, clamp(v_color, 0.0, 1.0)), u_opacity);
}
