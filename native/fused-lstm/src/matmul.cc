#include "matmul.h"
#include "clones.h"

#include <cstring>
#include <vector>

namespace fused_lstm {

namespace {
// 8 floats: one AVX register (two SSE ones on the plainest x86-64). Wider types spill to the stack.
typedef float v8 __attribute__((vector_size(32)));
// The same, loaded from or stored to any float address.
typedef float v8u __attribute__((vector_size(32), aligned(4)));
constexpr int64_t kCols = 16;
constexpr int64_t kRows = 4;

inline v8 load(const float* p) { return *reinterpret_cast<const v8u*>(p); }
inline void store(float* p, v8 v) { *reinterpret_cast<v8u*>(p) = v; }
}  // namespace

// Tiles of 4 rows × 16 columns (eight registers) held over the whole of k; each 16-column panel of B
// is copied into one block and reused by every row tile. Leftover rows and columns are summed the same
// way, in the same order, so every output has the same rounding.
VECTOR_CLONES
void matmul(int64_t M, int64_t K, int64_t N, const float* a, int64_t aRow, int64_t aCol, const float* b, float* c) {
  const int64_t fullCols = N - N % kCols;
  // The panel's rows sit N floats apart in B; copied together they stay in the first-level cache
  // (at 1 KB strides they all fall in a few of its sets and push each other out).
  std::vector<float> panel(K * kCols);
  for (int64_t j = 0; j < fullCols; j += kCols) {
    for (int64_t k = 0; k < K; k++) std::memcpy(panel.data() + k * kCols, b + k * N + j, sizeof(float) * kCols);
    const float* bj = panel.data();
    int64_t i = 0;
    for (; i + kRows <= M; i += kRows) {
      v8 c00 = {}, c01 = {}, c10 = {}, c11 = {}, c20 = {}, c21 = {}, c30 = {}, c31 = {};
      const float* ai = a + i * aRow;
      for (int64_t k = 0; k < K; k++) {
        const v8 b0 = load(bj + k * kCols), b1 = load(bj + k * kCols + 8);
        const float* ak = ai + k * aCol;
        const float x0 = ak[0], x1 = ak[aRow], x2 = ak[2 * aRow], x3 = ak[3 * aRow];
        c00 = c00 + x0 * b0;
        c01 = c01 + x0 * b1;
        c10 = c10 + x1 * b0;
        c11 = c11 + x1 * b1;
        c20 = c20 + x2 * b0;
        c21 = c21 + x2 * b1;
        c30 = c30 + x3 * b0;
        c31 = c31 + x3 * b1;
      }
      float* ci = c + i * N + j;
      store(ci, c00);
      store(ci + 8, c01);
      store(ci + N, c10);
      store(ci + N + 8, c11);
      store(ci + 2 * N, c20);
      store(ci + 2 * N + 8, c21);
      store(ci + 3 * N, c30);
      store(ci + 3 * N + 8, c31);
    }
    for (; i < M; i++) {
      v8 c0 = {}, c1 = {};
      for (int64_t k = 0; k < K; k++) {
        const float x = a[i * aRow + k * aCol];
        c0 = c0 + x * load(bj + k * kCols);
        c1 = c1 + x * load(bj + k * kCols + 8);
      }
      store(c + i * N + j, c0);
      store(c + i * N + j + 8, c1);
    }
  }
  for (int64_t i = 0; i < M; i++) {
    for (int64_t j = fullCols; j < N; j++) {
      float acc = 0.0f;
      for (int64_t k = 0; k < K; k++) acc = acc + a[i * aRow + k * aCol] * b[k * N + j];
      c[i * N + j] = acc;
    }
  }
}

VECTOR_CLONES
void segmentSum(int64_t n, int64_t inner, int64_t segments, const float* x, const int32_t* ids, float* out) {
  std::memset(out, 0, sizeof(float) * segments * inner);
  for (int64_t i = 0; i < n; i++) {
    const int32_t s = ids[i];
    if (s < 0 || s >= segments) continue;
    float* __restrict dst = out + s * inner;
    const float* __restrict src = x + i * inner;
    for (int64_t k = 0; k < inner; k++) dst[k] += src[k];
  }
}

}  // namespace fused_lstm
