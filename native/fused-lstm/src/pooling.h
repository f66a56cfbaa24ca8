// Max over time (GlobalMaxPooling1D) and the mask its gradient is multiplied by, as tfjs' wasm Max
// and Equal compute them. Neither rounds anything, so the values are the same exactly.
#pragma once
#include <cstdint>

namespace fused_lstm {

// out [outer, inner] = the largest of x [outer, mid, inner] along mid as tfjs' wasm Max takes it: the
// first value, replaced by each later one that is greater or NaN (a NaN anywhere wins; of 0 and -0, the first).
void maxAlong(int64_t outer, int64_t mid, int64_t inner, const float* x, float* out);

// out [outer, mid, inner] = 1 where full [outer, mid, inner] equals small [outer, inner], else 0.
void equalAlong(int64_t outer, int64_t mid, int64_t inner, const float* full, const float* small, uint8_t* out);

// For each of `rows` paths up a forest (ends[r], then parent after parent to -1) over h [nodes, units]:
// out[r, offset + j] = the largest h[n, j] on the path (a NaN wins) and out[r, width + offset + j] their
// mean, summed in float as tfjs' wasm Mean sums. The parents are checked by the caller.
void poolPaths(int64_t units, int64_t rows, const float* h, const int32_t* parent, const int32_t* ends, int64_t width, int64_t offset, float* out);

}  // namespace fused_lstm
