#include "adam.h"
#include "clones.h"

#include <cmath>
#include <cstring>

namespace fused_lstm {

VECTOR_CLONES
void adam(int64_t n, const AdamStep& s, const float* __restrict value, const float* __restrict m, const float* __restrict v, const float* __restrict g,
          float* __restrict valueOut, float* __restrict mOut, float* __restrict vOut) {
  const float b1 = s.beta1, b2 = s.beta2;
  const float k1 = s.oneMinusBeta1, k2 = s.oneMinusBeta2;
  const float eps = s.epsilon, step = -s.learningRate, c1 = s.correction1, c2 = s.correction2;
  for (int64_t i = 0; i < n; i++) {
    const float gi = g[i];
    const float mi = m[i] * b1 + gi * k1;
    const float vi = v[i] * b2 + (gi * gi) * k2;
    mOut[i] = mi;
    vOut[i] = vi;
    const float denominator = std::sqrt(vi / c2) + eps;
    valueOut[i] = ((mi / c1) / denominator) * step + value[i];
  }
}

VECTOR_CLONES
static void adamInPlace(int64_t n, const AdamStep& s, float* __restrict value, float* __restrict m, float* __restrict v, const float* __restrict g) {
  const float b1 = s.beta1, b2 = s.beta2;
  const float k1 = s.oneMinusBeta1, k2 = s.oneMinusBeta2;
  const float eps = s.epsilon, step = -s.learningRate, c1 = s.correction1, c2 = s.correction2;
  for (int64_t i = 0; i < n; i++) {
    const float gi = g[i];
    const float mi = m[i] * b1 + gi * k1;
    const float vi = v[i] * b2 + (gi * gi) * k2;
    m[i] = mi;
    v[i] = vi;
    const float denominator = std::sqrt(vi / c2) + eps;
    value[i] = ((mi / c1) / denominator) * step + value[i];
  }
}

// Whether any of n floats is other than ±0 (a NaN is: it would poison the row in the full update).
// The bits ORed without an early exit, so that the loop is vectorised.
VECTOR_CLONES
static bool anyNonZero(int64_t n, const float* __restrict x) {
  uint32_t bits = 0;
  for (int64_t j = 0; j < n; j++) {
    uint32_t b;
    std::memcpy(&b, x + j, sizeof b);
    bits |= b & 0x7fffffffu;
  }
  return bits != 0;
}

void adamRows(int64_t rows, int64_t width, const AdamStep& s, uint8_t* touched, float* value, float* m, float* v, const float* g) {
  for (int64_t r = 0; r < rows; r++) {
    const int64_t at = r * width;
    if (!touched[r]) {
      if (!anyNonZero(width, g + at)) continue;
      touched[r] = 1;
    }
    adamInPlace(width, s, value + at, m + at, v + at, g + at);
  }
}

}  // namespace fused_lstm
