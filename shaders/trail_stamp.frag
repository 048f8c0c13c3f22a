#version 330 core
// Writes the segment's "stamp" into the trail canvas (R32F): the particle update it belongs to,
// u_stamp − 1 at its older end rising to u_stamp at its newest, so age varies along the segment
// as it did when every stored frame was drawn. Newer segments overwrite older ones.
in float v_along;
uniform float u_stamp;  // this update's number (the canvas counts updates since it was cleared)
out float stamp;
void main() { stamp = u_stamp - 1.0 + v_along; }
