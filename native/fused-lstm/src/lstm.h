// An LSTM layer over a whole sequence, forward and backward, with tfjs-layers' LSTM semantics:
// z = (x*mx)·W + (h*mh)·U + b, gates [i f c o]; i, f, o through the recurrent activation (hard
// sigmoid clip(0.2z + 0.5, 0, 1), or sigmoid), c~ = tanh; c = f*c_prev + i*c~, h = o*tanh(c);
// one input mask mx and one recurrent mask mh, fixed across time; the output is the last h, and
// with `hSeq` every step's h (return_sequences).
// All arrays are row-major float32, batch-major ([batch, steps, ...]); products go through cblas.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace fused_lstm {

struct Dims {
  int64_t batch, steps, features, units;
};

// What the forward pass keeps for the backward pass, each [batch, steps, n].
struct Kept {
  float* xm;   // x*mx                          n = features
  float* act;  // gate values (see lstm.cc)     n = 4*units
  float* c;    // cell state after each step    n = units
  float* tc;   // tanh(c)                       n = units
  float* hm;   // h_prev*mh at each step        n = units
};

struct Weights {
  const float* w;   // [features, 4*units]
  const float* u;   // [units, 4*units]
  const float* b;   // [4*units] (forward only)
  const float* mx;  // [batch, features]
  const float* mh;  // [batch, units]
};

// hSeq: [batch, steps, units], or null when only the last h is wanted.
void forward(const Dims& d, bool hardSigmoid, const float* x, const Weights& p, const Kept& k, float* hLast, float* hSeq);

struct Grads {
  float* dx;  // [batch, steps, features]
  float* dw;  // [features, 4*units]
  float* du;  // [units, 4*units]
  float* db;  // [4*units]
};

// dy: [batch, units], the gradient of the last output, or with `sequences` [batch, steps, units], the
// gradient of every step's output. `scratch` holds batch*steps*4*units + 2*batch*units floats.
void backward(const Dims& d, bool hardSigmoid, bool sequences, const float* dy, const Weights& p, const Kept& k, const Grads& g, float* scratch);

// Inference over a prefix forest: phrases that start alike share their first steps, so each distinct
// prefix runs once. Node i's input is row tokens[i] of table ([rows, features], float32, or float16
// bits in halfTable, widened exactly; a token outside it reads zeros); each distinct token's row is
// gathered and multiplied by W once per forest, so [nodes, features] inputs never exist. Its state
// continues its parent's (parent[i] < i, or -1 for a first step: zero state). Nodes of depth t are
// levels[t] .. levels[t+1]-1. h receives every node's output [nodes, units]; the same arithmetic as
// forward() without dropout.
struct TreeDims {
  int64_t nodes, depth, features, units, rows;
};
struct TreeJob {
  TreeDims d;
  bool hardSigmoid;
  const float* table;         // one of table and halfTable, the other null
  const uint16_t* halfTable;
  const int32_t* tokens;
  const int32_t* parent;
  const int32_t* levels;
  Weights p;
  float* h;
};

// A forest pass's working memory, kept from one call to the next while it is at most
// kKeptTreeFloats (fresh pages cost a fault each: ~30 ms a forest of 4,096 phrases on a VM).
struct TreeWorkspace {
  std::vector<float> floats;
  std::vector<int32_t> slotOf;  // table row -> its slot among a forest's distinct tokens, -1 between calls
};
constexpr size_t kKeptTreeFloats = size_t{1} << 24;  // 64 MB

void forwardTree(const TreeJob& job, TreeWorkspace& ws);

// Two forests at once, one per core, each product on one OpenBLAS thread: the two directions of a
// bidirectional layer. A level's products are too small for two threads to share well (one direction
// on two threads took ~1.4× as long as on one, not half).
void forwardTreePair(const TreeJob& a, const TreeJob& b, TreeWorkspace& wa, TreeWorkspace& wb);

}  // namespace fused_lstm
