// Adam's update of one variable in one pass, with the float32 arithmetic of tfjs' Adam (each
// operation rounded to float, in its order; the build turns off FMA contraction), so that the
// result is the same to the bit as its ten kernels.
#pragma once
#include <cstdint>

namespace fused_lstm {

struct AdamStep {
  // oneMinusBeta1/2 are 1 - beta1/2 computed in double and rounded once, as tfjs' JavaScript does.
  float beta1, beta2, oneMinusBeta1, oneMinusBeta2, epsilon, learningRate;
  // 1 - beta1^t and 1 - beta2^t, as tfjs computes them (float).
  float correction1, correction2;
};

void adam(int64_t n, const AdamStep& s, const float* value, const float* m, const float* v, const float* g, float* valueOut, float* mOut, float* vOut);

}  // namespace fused_lstm
