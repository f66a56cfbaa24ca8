#include "adam.h"
#include "clones.h"

#include <cmath>
#include <cstring>

namespace fused_lstm {

namespace {

// The step's constants, and one value's update as tfjs computes it (each operation rounded to float,
// in its order): m and v updated where they are, the new value returned.
struct Update {
  float b1, b2, k1, k2, eps, step, c1, c2;
  explicit Update(const AdamStep& s)
      : b1(s.beta1), b2(s.beta2), k1(s.oneMinusBeta1), k2(s.oneMinusBeta2), eps(s.epsilon), step(-s.learningRate), c1(s.correction1), c2(s.correction2) {}
  inline float operator()(float g, float& m, float& v, float value) const {
    m = m * b1 + g * k1;
    v = v * b2 + (g * g) * k2;
    const float denominator = std::sqrt(v / c2) + eps;
    return ((m / c1) / denominator) * step + value;
  }
};

}  // namespace

VECTOR_CLONES
void adam(int64_t n, const AdamStep& s, const float* __restrict value, const float* __restrict m, const float* __restrict v, const float* __restrict g,
          float* __restrict valueOut, float* __restrict mOut, float* __restrict vOut) {
  const Update update(s);
  for (int64_t i = 0; i < n; i++) {
    float mi = m[i], vi = v[i];
    valueOut[i] = update(g[i], mi, vi, value[i]);
    mOut[i] = mi;
    vOut[i] = vi;
  }
}

VECTOR_CLONES
static void adamInPlace(int64_t n, const AdamStep& s, float* __restrict value, float* __restrict m, float* __restrict v, const float* __restrict g) {
  const Update update(s);
  for (int64_t i = 0; i < n; i++) value[i] = update(g[i], m[i], v[i], value[i]);
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
