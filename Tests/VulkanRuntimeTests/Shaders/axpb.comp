#version 450
// y[i] = a * x[i] + b (+ keep * y[i] when keep != 0, so uninitialized y is never read): a tiny kernel to exercise the runtime (bindings, push constants, barriers).
layout(local_size_x_id = 0) in;
layout(set = 0, binding = 0) readonly buffer X { float x[]; };
layout(set = 0, binding = 1) buffer Y { float y[]; };
layout(push_constant) uniform Push { uint count; float a; float b; float keep; } p;
void main() {
    uint i = gl_GlobalInvocationID.x;
    if (i >= p.count) return;
    float kept = p.keep != 0.0 ? p.keep * y[i] : 0.0;
    y[i] = p.a * x[i] + p.b + kept;
}
