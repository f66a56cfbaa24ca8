// C = A·B in float32 as XNNPACK's WebAssembly kernels compute tfjs' BatchMatMul: each output is
// 0 + a0·b0 + a1·b1 + … in the order of k, every product and every sum rounded to float (no fused
// multiply-add: the build turns contraction off), so the result is the same to the bit.
#pragma once
#include <cstdint>

namespace fused_lstm {

// A is read as a[i * aRow + k * aCol] (a transposed A is a stride); B is [K, N] and C [M, N], row-major.
void matmul(int64_t M, int64_t K, int64_t N, const float* a, int64_t aRow, int64_t aCol, const float* b, float* c);

// out [segments, inner] = the rows of x [n, inner] summed by ids (ids outside [0, segments) dropped),
// each column added in the order of the rows from zero, float32 as tfjs' UnsortedSegmentSum does.
void segmentSum(int64_t n, int64_t inner, int64_t segments, const float* x, const int32_t* ids, float* out);

}  // namespace fused_lstm
