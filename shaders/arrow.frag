#version 330 core
// Arrow colour by magnitude: pale for weak scores, saturated orange-red for strong ones, so the
// arrows read on both viridis and magma heatmaps. Presenter mode (u_presenter): pale orange to
// orange (luminance 0.9 to 0.6, above the dimmed heatmap's), drawn over a black copy (u_solid).
in float v_color;
uniform float u_opacity;
uniform int u_solid;      // 1: the black rim pass
uniform int u_presenter;  // 1: the presenter palette
out vec4 frag;
void main() {
  vec3 weak = vec3(0.92, 0.92, 0.95), strong = vec3(1.0, 0.32, 0.08);
  if (u_presenter == 1) {
    weak = vec3(1.0, 0.93, 0.75);
    strong = vec3(1.0, 0.6, 0.15);
  }
  if (u_solid == 1)
    frag = vec4(0.0, 0.0, 0.0, 1.0);
  else
    frag = vec4(mix(weak, strong, clamp(v_color, 0.0, 1.0)), u_presenter == 1 ? 1.0 : u_opacity);
}
