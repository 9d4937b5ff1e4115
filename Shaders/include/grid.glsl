// Workgroup indexing for grids folded into two dimensions.
//
// Why: Vulkan guarantees only 65535 workgroups per dimension, and a vocabulary-sized output (128256 columns) or a
// long batch exceeds that. The host folds a 1D count of G groups into (x, y) = (min(G, 65535), ceil(G / x)); the
// shader recovers the flat index and skips the few surplus groups of the last y row.
#ifndef VEER_GRID_GLSL
#define VEER_GRID_GLSL

uint veerFlatGroup() { return gl_WorkGroupID.x + gl_WorkGroupID.y * gl_NumWorkGroups.x; }

#endif
