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

// The same update in place, row by row, for a variable whose gradient touches few of its rows (an
// embedding of a large vocabulary). A row never `touched` has m = v = 0; while its gradient is all
// zero the update would leave it (and m, v) the same to the bit, so it is skipped. A row with any
// non-zero gradient is marked touched and updated on every step from then on.
void adamRows(int64_t rows, int64_t width, const AdamStep& s, uint8_t* touched, float* value, float* m, float* v, const float* g);

}  // namespace fused_lstm
