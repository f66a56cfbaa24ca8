#include "pooling.h"

#include <cstring>

#include "clones.h"

namespace fused_lstm {

VECTOR_CLONES
void maxAlong(int64_t outer, int64_t mid, int64_t inner, const float* x, float* out) {
  for (int64_t o = 0; o < outer; o++) {
    float* __restrict best = out + o * inner;
    const float* block = x + o * mid * inner;
    std::memcpy(best, block, sizeof(float) * inner);
    for (int64_t m = 1; m < mid; m++) {
      const float* __restrict row = block + m * inner;
      for (int64_t k = 0; k < inner; k++) best[k] = row[k] > best[k] || row[k] != row[k] ? row[k] : best[k];
    }
  }
}

VECTOR_CLONES
void equalAlong(int64_t outer, int64_t mid, int64_t inner, const float* full, const float* small, uint8_t* out) {
  for (int64_t o = 0; o < outer; o++) {
    const float* __restrict s = small + o * inner;
    for (int64_t m = 0; m < mid; m++) {
      const int64_t at = (o * mid + m) * inner;
      const float* __restrict f = full + at;
      uint8_t* __restrict dst = out + at;
      for (int64_t k = 0; k < inner; k++) dst[k] = f[k] == s[k] ? 1 : 0;
    }
  }
}

VECTOR_CLONES
void poolPaths(int64_t units, int64_t rows, const float* h, const int32_t* parent, const int32_t* ends, int64_t width, int64_t offset, float* out) {
  for (int64_t r = 0; r < rows; r++) {
    float* __restrict best = out + r * 2 * width + offset;
    float* __restrict sum = best + width;
    int64_t n = ends[r];
    std::memcpy(best, h + n * units, sizeof(float) * units);
    std::memcpy(sum, h + n * units, sizeof(float) * units);
    int64_t steps = 1;
    for (n = parent[n]; n >= 0; n = parent[n], steps++) {
      const float* __restrict row = h + n * units;
      for (int64_t k = 0; k < units; k++) {
        best[k] = row[k] > best[k] || row[k] != row[k] ? row[k] : best[k];
        sum[k] += row[k];
      }
    }
    const float count = static_cast<float>(steps);
    for (int64_t k = 0; k < units; k++) sum[k] /= count;
  }
}

}  // namespace fused_lstm
