#include "adam.h"
#include "clones.h"

#include <cmath>

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

}  // namespace fused_lstm
