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

}  // namespace fused_lstm
