#include "lstm.h"
#include "clones.h"
#include "threads.h"

#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

namespace fused_lstm {
namespace {

// exp without a libm call so that the loops vectorise: 2^n * e^r, |r| <= ln2/2, degree-6 Taylor
// polynomial (relative error ~1e-7, below float32's own rounding of the inputs).
inline float expApprox(float x) {
  x = std::min(std::max(x, -87.0f), 88.0f);
  const float n = std::floor(x * 1.44269504f + 0.5f);
  const float r = (x - n * 0.693145751953125f) - n * 1.428606765330187e-06f;
  float p = 1.0f / 720.0f;
  p = p * r + 1.0f / 120.0f;
  p = p * r + 1.0f / 24.0f;
  p = p * r + 1.0f / 6.0f;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  const int32_t bits = (static_cast<int32_t>(n) + 127) << 23;
  float scale;
  std::memcpy(&scale, &bits, sizeof scale);
  return p * scale;
}

inline float tanhApprox(float x) { return 1.0f - 2.0f / (expApprox(2.0f * x) + 1.0f); }

// The value kept for a recurrent gate: hard sigmoid keeps its unclipped argument (its gradient
// depends on which side of the clip it fell), sigmoid keeps its value. 0.2z + 0.5 is rounded twice,
// as tfjs computes it (the build turns off FMA contraction): z = -2.5 must give exactly 0.
template <bool Hard>
inline float gateKept(float z) { return Hard ? 0.2f * z + 0.5f : 1.0f / (1.0f + expApprox(-z)); }
template <bool Hard>
inline float gateValue(float kept) { return Hard ? std::min(std::max(kept, 0.0f), 1.0f) : kept; }
// d gate / dz; tfjs' clip gradient passes where min <= x <= max.
template <bool Hard>
inline float gateSlope(float kept) { return Hard ? (kept >= 0.0f && kept <= 1.0f ? 0.2f : 0.0f) : kept * (1.0f - kept); }

// One row of one step, forward. z holds x·W + h·U; it is overwritten with the kept gate values.
// Every pointer is a distinct array (restrict), and there are no branches, so the loop vectorises.
template <bool Hard>
VECTOR_CLONES void rowForward(int64_t units, float* __restrict z, const float* __restrict bias, const float* __restrict cPrev,
                              float* __restrict c, float* __restrict tc, const float* __restrict mh, float* __restrict nextHm) {
  float* __restrict zi = z;
  float* __restrict zf = z + units;
  float* __restrict zg = z + 2 * units;
  float* __restrict zo = z + 3 * units;
  for (int64_t j = 0; j < units; j++) {
    const float ki = gateKept<Hard>(zi[j] + bias[j]);
    const float kf = gateKept<Hard>(zf[j] + bias[units + j]);
    const float g = tanhApprox(zg[j] + bias[2 * units + j]);
    const float ko = gateKept<Hard>(zo[j] + bias[3 * units + j]);
    zi[j] = ki;
    zf[j] = kf;
    zg[j] = g;
    zo[j] = ko;
    const float cn = gateValue<Hard>(kf) * cPrev[j] + gateValue<Hard>(ki) * g;
    const float t = tanhApprox(cn);
    c[j] = cn;
    tc[j] = t;
    nextHm[j] = gateValue<Hard>(ko) * t * mh[j];
  }
}

// One row of one step, backward: dz from dh and the carried dc; dc becomes the carry for the step before.
template <bool Hard>
VECTOR_CLONES void rowBackward(int64_t units, const float* __restrict dh, float* __restrict dc, const float* __restrict kept,
                               const float* __restrict cPrev, const float* __restrict tc, float* __restrict dz) {
  for (int64_t j = 0; j < units; j++) {
    const float ki = kept[j], kf = kept[units + j], g = kept[2 * units + j], ko = kept[3 * units + j];
    const float t = tc[j];
    const float dcT = dc[j] + dh[j] * gateValue<Hard>(ko) * (1.0f - t * t);
    dz[j] = dcT * g * gateSlope<Hard>(ki);
    dz[units + j] = dcT * cPrev[j] * gateSlope<Hard>(kf);
    dz[2 * units + j] = dcT * gateValue<Hard>(ki) * (1.0f - g * g);
    dz[3 * units + j] = dh[j] * t * gateSlope<Hard>(ko);
    dc[j] = dcT * gateValue<Hard>(kf);
  }
}

// dst row r = src row r times row r / repeat of m (in place when dst == src).
VECTOR_CLONES
void maskRows(int64_t rows, int64_t n, const float* src, float* dst, const float* __restrict m, int64_t repeat) {
  for (int64_t r = 0; r < rows; r++) {
    const float* sr = src + r * n;
    float* dr = dst + r * n;
    const float* __restrict mr = m + (r / repeat) * n;
    for (int64_t j = 0; j < n; j++) dr[j] = sr[j] * mr[j];
  }
}

// h = o * tanh(c) of every step, from the kept gate values and tanh(c).
template <bool Hard>
VECTOR_CLONES void sequenceOut(int64_t rows, int64_t units, const float* __restrict act, const float* __restrict tc, float* __restrict h) {
  for (int64_t r = 0; r < rows; r++) {
    const float* __restrict ko = act + r * 4 * units + 3 * units;
    for (int64_t j = 0; j < units; j++) h[r * units + j] = gateValue<Hard>(ko[j]) * tc[r * units + j];
  }
}

// dst += src, element by element.
VECTOR_CLONES
void addInto(int64_t n, float* __restrict dst, const float* __restrict src) {
  for (int64_t j = 0; j < n; j++) dst[j] += src[j];
}

template <bool Hard>
void forwardAs(const Dims& d, const float* x, const Weights& p, const Kept& k, float* hLast, float* hSeq) {
  const int64_t B = d.batch, T = d.steps, D = d.features, U = d.units, G = 4 * U, BT = B * T;
  maskRows(BT, D, x, k.xm, p.mx, T);
  // The input projection of every step at once; the bias is added in the step pass.
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, BT, G, D, 1.0f, k.xm, D, p.w, G, 0.0f, k.act, G);
  const std::vector<float> zeros(U, 0.0f);
  const std::vector<float> ones(U, 1.0f);
  // Rows of step t sit `steps` rows apart: products and passes read them through a stride.
  for (int64_t t = 0; t < T; t++) {
    float* zt = k.act + t * G;
    float* hmT = k.hm + t * U;
    if (t == 0) {
      for (int64_t b = 0; b < B; b++) std::memset(hmT + b * T * U, 0, sizeof(float) * U);
    } else {
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, B, G, U, 1.0f, hmT, T * U, p.u, G, 1.0f, zt, T * G);
    }
    // Each step writes h*mh for the next one; the last writes the output, h itself.
    const bool last = t == T - 1;
    for (int64_t b = 0; b < B; b++) {
      const int64_t row = b * T * U + t * U;
      rowForward<Hard>(U, zt + b * T * G, p.b, t > 0 ? k.c + row - U : zeros.data(), k.c + row, k.tc + row,
                       last ? ones.data() : p.mh + b * U, last ? hLast + b * U : k.hm + row + U);
    }
  }
  if (hSeq) sequenceOut<Hard>(BT, U, k.act, k.tc, hSeq);
}

template <bool Hard>
void backwardAs(const Dims& d, bool sequences, const float* dy, const Weights& p, const Kept& k, const Grads& g, float* scratch) {
  const int64_t B = d.batch, T = d.steps, D = d.features, U = d.units, G = 4 * U, BT = B * T;
  float* dz = scratch;
  float* dh = dz + BT * G;
  float* dc = dh + B * U;
  const std::vector<float> zeros(U, 0.0f);
  // The last step's dh is its output's gradient; with sequences every step's output adds its own.
  if (sequences) {
    for (int64_t b = 0; b < B; b++) std::memcpy(dh + b * U, dy + b * T * U + (T - 1) * U, sizeof(float) * U);
  } else {
    std::memcpy(dh, dy, sizeof(float) * B * U);
  }
  std::memset(dc, 0, sizeof(float) * B * U);
  for (int64_t t = T - 1; t >= 0; t--) {
    for (int64_t b = 0; b < B; b++) {
      const int64_t row = b * T * U + t * U;
      const int64_t zrow = b * T * G + t * G;
      rowBackward<Hard>(U, dh + b * U, dc + b * U, k.act + zrow, t > 0 ? k.c + row - U : zeros.data(), k.tc + row, dz + zrow);
    }
    if (t > 0) {
      // dh_prev = (dz·Uᵀ) * mh
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, U, G, 1.0f, dz + t * G, T * G, p.u, G, 0.0f, dh, U);
      maskRows(B, U, dh, dh, p.mh, 1);
      if (sequences) {
        for (int64_t b = 0; b < B; b++) addInto(U, dh + b * U, dy + b * T * U + (t - 1) * U);
      }
    }
  }
  // Weight gradients and the input gradient over all steps at once.
  cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, D, G, BT, 1.0f, k.xm, D, dz, G, 0.0f, g.dw, G);
  cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, U, G, BT, 1.0f, k.hm, U, dz, G, 0.0f, g.du, G);
  std::memset(g.db, 0, sizeof(float) * G);
  for (int64_t r = 0; r < BT; r++) {
    const float* zr = dz + r * G;
    for (int64_t j = 0; j < G; j++) g.db[j] += zr[j];
  }
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, BT, D, G, 1.0f, dz, G, p.w, G, 0.0f, g.dx, D);
  maskRows(BT, D, g.dx, g.dx, p.mx, T);
}

// IEEE half-precision bits to float32, exactly (every half is a float32): what tfjs' float16 weights
// become when loaded, and float16.ts' table gives.
void widenHalves(const uint16_t* bits, int64_t n, float* out) {
  for (int64_t i = 0; i < n; i++) {
    const uint32_t h = bits[i];
    const uint32_t sign = (h & 0x8000u) << 16, exponent = (h >> 10) & 0x1fu, mantissa = h & 0x3ffu;
    if (exponent == 0) {
      const float v = std::ldexp(static_cast<float>(mantissa), -24);  // zero and subnormals
      out[i] = sign ? -v : v;
      continue;
    }
    const uint32_t f = exponent == 31 ? sign | 0x7f800000u | (mantissa << 13) : sign | ((exponent + 112) << 23) | (mantissa << 13);
    std::memcpy(out + i, &f, sizeof f);
  }
}

template <bool Hard>
void forwardTreeAs(const TreeJob& job, TreeWorkspace& ws, bool shareGates) {
  const TreeDims& d = job.d;
  const int32_t *tokens = job.tokens, *parent = job.parent, *levels = job.levels;
  const Weights& p = job.p;
  float* h = job.h;
  const int64_t N = d.nodes, D = d.features, U = d.units, G = 4 * U;
  int64_t widest = 0;
  for (int64_t t = 0; t < d.depth; t++) widest = std::max<int64_t>(widest, levels[t + 1] - levels[t]);
  // Nodes that read the same token share its input product x·W, made once per forest: a forest of
  // 4,096 phrases has ~14,000 nodes and a few thousand distinct tokens, and x·W is D/(D+U) of a node's
  // products.
  std::vector<int32_t>& slotOf = ws.slotOf;
  if (slotOf.size() < static_cast<size_t>(d.rows)) slotOf.assign(d.rows, -1);
  std::vector<int32_t> nodeSlot(N);
  std::vector<int32_t> distinct;
  distinct.reserve(static_cast<size_t>(std::min<int64_t>(N, d.rows)));  // no allocation while slotOf is being marked
  for (int64_t i = 0; i < N; i++) {
    const int32_t token = tokens[i];
    if (token < 0 || token >= d.rows) {
      nodeSlot[i] = -1;  // outside the table: zeros in, so zeros out of x·W
      continue;
    }
    if (slotOf[token] < 0) {
      slotOf[token] = static_cast<int32_t>(distinct.size());
      distinct.push_back(token);
    }
    nodeSlot[i] = slotOf[token];
  }
  for (const int32_t token : distinct) slotOf[token] = -1;
  const int64_t K = static_cast<int64_t>(distinct.size());
  // Every value is written before it is read.
  std::vector<float>& scratch = ws.floats;
  const size_t need = static_cast<size_t>(K * (G + D) + widest * (G + 3 * U));
  if (scratch.size() < need) scratch.resize(need);
  float* projected = scratch.data();
  float* x = projected + K * G;
  float* act = x + K * D;
  float* hp = act + widest * G;
  float* cPrevLevel = hp + widest * U;
  float* cLevel = cPrevLevel + widest * U;
  for (int64_t s = 0; s < K; s++) {
    if (job.table) std::memcpy(x + s * D, job.table + int64_t{distinct[s]} * D, sizeof(float) * D);
    else widenHalves(job.halfTable + int64_t{distinct[s]} * D, D, x + s * D);
  }
  // Each element of x·W is the dot product a level's product made of it (OpenBLAS' edge kernels may
  // round its last bit by the row's place in the product).
  if (K > 0) cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, K, G, D, 1.0f, x, D, p.w, G, 0.0f, projected, G);
  const std::vector<float> zeros(U, 0.0f);
  const std::vector<float> ones(U, 1.0f);
  for (int64_t t = 0; t < d.depth; t++) {
    const int64_t first = levels[t], n = levels[t + 1] - first;
    float* z = act;
    for (int64_t i = 0; i < n; i++) {
      const int32_t slot = nodeSlot[first + i];
      if (slot >= 0) std::memcpy(z + i * G, projected + int64_t{slot} * G, sizeof(float) * G);
      else std::fill(z + i * G, z + (i + 1) * G, 0.0f);
    }
    // Each element summed as forward() sums it: x·W, then h·U added to it, then the bias.
    if (t > 0) {
      for (int64_t i = 0; i < n; i++) std::memcpy(hp + i * U, h + int64_t{parent[first + i]} * U, sizeof(float) * U);
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, G, U, 1.0f, hp, U, p.u, G, 1.0f, z, G);
    }
    const int64_t before = t > 0 ? levels[t - 1] : 0;
    auto rows = [&](int64_t from, int64_t to) {
      std::vector<float> tc(U);
      for (int64_t i = from; i < to; i++) {
        const float* cPrev = t > 0 ? cPrevLevel + (int64_t{parent[first + i]} - before) * U : zeros.data();
        rowForward<Hard>(U, z + i * G, p.b, cPrev, cLevel + i * U, tc.data(), ones.data(), h + (first + i) * U);
      }
    };
    // The gate pass is a third of the time on one core; a wide level shares it with a second thread
    // unless the other core has a forest of its own.
    if (shareGates && n >= 256) {
      onTwoThreads([&] { rows(0, n / 2); }, [&] { rows(n / 2, n); });
    } else {
      rows(0, n);
    }
    std::swap(cPrevLevel, cLevel);
  }
  // A larger forest's memory goes back: training scores thousands of rows at once, then trains on.
  if (scratch.size() > kKeptTreeFloats) std::vector<float>().swap(scratch);
}

void runTree(const TreeJob& job, TreeWorkspace& ws, bool shareGates) {
  if (job.hardSigmoid) forwardTreeAs<true>(job, ws, shareGates);
  else forwardTreeAs<false>(job, ws, shareGates);
}

}  // namespace

void forwardTree(const TreeJob& job, TreeWorkspace& ws) { runTree(job, ws, true); }

void forwardTreePair(const TreeJob& a, const TreeJob& b, TreeWorkspace& wa, TreeWorkspace& wb) {
  const int threads = openblas_get_num_threads();
  if (threads < 2) {
    // One core's worth of BLAS threads: no second core to give the other forest.
    runTree(a, wa, true);
    runTree(b, wb, true);
    return;
  }
  // Read when each product starts: both forests' products stay on the thread that calls them.
  openblas_set_num_threads(1);
  try {
    onTwoThreads([&] { runTree(a, wa, false); }, [&] { runTree(b, wb, false); });
  } catch (...) {
    openblas_set_num_threads(threads);
    throw;
  }
  openblas_set_num_threads(threads);
}

void forward(const Dims& d, bool hardSigmoid, const float* x, const Weights& p, const Kept& k, float* hLast, float* hSeq) {
  if (hardSigmoid) forwardAs<true>(d, x, p, k, hLast, hSeq);
  else forwardAs<false>(d, x, p, k, hLast, hSeq);
}

void backward(const Dims& d, bool hardSigmoid, bool sequences, const float* dy, const Weights& p, const Kept& k, const Grads& g, float* scratch) {
  if (hardSigmoid) backwardAs<true>(d, sequences, dy, p, k, g, scratch);
  else backwardAs<false>(d, sequences, dy, p, k, g, scratch);
}

}  // namespace fused_lstm
