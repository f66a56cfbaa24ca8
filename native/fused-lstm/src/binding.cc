// The addon's JavaScript face: forward and backward over Float32Arrays that the caller owns
// (tfjs' wasm heap), checked for size before anything is read or written.
#include <cblas.h>
#include <napi.h>

#include <initializer_list>
#include <string>
#include <vector>

#include "adam.h"
#include "lstm.h"
#include "matmul.h"
#include "pooling.h"
#include "threads.h"

namespace {

using fused_lstm::Dims;

// The product of sizes a caller gave, or a RangeError where it overflows: the sizes come from
// JavaScript, and a product that wrapped could match a small array's length.
int64_t product(Napi::Env env, std::initializer_list<int64_t> factors) {
  int64_t p = 1;
  for (int64_t f : factors)
    if (__builtin_mul_overflow(p, f, &p)) throw Napi::RangeError::New(env, "the sizes given overflow a 64-bit count");
  return p;
}

int64_t plus(Napi::Env env, int64_t a, int64_t b) {
  int64_t s;
  if (__builtin_add_overflow(a, b, &s)) throw Napi::RangeError::New(env, "the sizes given overflow a 64-bit count");
  return s;
}

// args[name] as a typed array of T with `expected` elements, else a TypeError or RangeError naming it.
template <typename T>
T* typedArray(const Napi::Object& args, const char* name, int64_t expected, napi_typedarray_type type, const char* typeName, const char* unit) {
  Napi::Env env = args.Env();
  Napi::Value v = args.Get(name);
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != type)
    throw Napi::TypeError::New(env, std::string(name) + " must be " + typeName);
  Napi::TypedArrayOf<T> a = v.As<Napi::TypedArrayOf<T>>();
  if (static_cast<int64_t>(a.ElementLength()) != expected)
    throw Napi::RangeError::New(env, std::string(name) + " has " + std::to_string(a.ElementLength()) + " " + unit + ", expected " + std::to_string(expected));
  return a.Data();
}

float* floats(const Napi::Object& args, const char* name, int64_t expected) {
  return typedArray<float>(args, name, expected, napi_float32_array, "a Float32Array", "floats");
}

int32_t* ints(const Napi::Object& args, const char* name, int64_t expected) {
  return typedArray<int32_t>(args, name, expected, napi_int32_array, "an Int32Array", "values");
}

Dims dims(const Napi::Object& args) {
  Napi::Env env = args.Env();
  auto get = [&](const char* name) {
    Napi::Value v = args.Get(name);
    if (!v.IsNumber() || v.As<Napi::Number>().Int64Value() < 1)
      throw Napi::RangeError::New(env, std::string(name) + " must be a positive integer");
    return v.As<Napi::Number>().Int64Value();
  };
  return Dims{get("batch"), get("steps"), get("features"), get("units")};
}

struct Common {
  Dims d;
  bool hard;
  fused_lstm::Weights p;
  fused_lstm::Kept k;
};

Common common(const Napi::Object& args) {
  Napi::Env env = args.Env();
  Dims d = dims(args);
  const int64_t B = d.batch, T = d.steps, D = d.features, U = d.units;
  Napi::Value hard = args.Get("hardSigmoid");
  if (!hard.IsBoolean()) throw Napi::TypeError::New(args.Env(), "hardSigmoid must be a boolean");
  return Common{
      d,
      hard.As<Napi::Boolean>().Value(),
      {floats(args, "w", product(env, {D, 4, U})), floats(args, "u", product(env, {U, 4, U})), nullptr, floats(args, "mx", product(env, {B, D})), floats(args, "mh", product(env, {B, U}))},
      {floats(args, "xm", product(env, {B, T, D})), floats(args, "act", product(env, {B, T, 4, U})), floats(args, "c", product(env, {B, T, U})), floats(args, "tc", product(env, {B, T, U})), floats(args, "hm", product(env, {B, T, U}))},
  };
}

// An optional boolean argument: false when absent.
bool flag(const Napi::Object& args, const char* name) {
  Napi::Value v = args.Get(name);
  if (v.IsUndefined()) return false;
  if (!v.IsBoolean()) throw Napi::TypeError::New(args.Env(), std::string(name) + " must be a boolean");
  return v.As<Napi::Boolean>().Value();
}

Napi::Object argsOf(const Napi::CallbackInfo& info) {
  if (info.Length() != 1 || !info[0].IsObject()) throw Napi::TypeError::New(info.Env(), "expected one object of arguments");
  return info[0].As<Napi::Object>();
}

void Forward(const Napi::CallbackInfo& info) {
  Napi::Object args = argsOf(info);
  Napi::Env env = info.Env();
  Common c = common(args);
  const int64_t B = c.d.batch, T = c.d.steps, D = c.d.features, U = c.d.units;
  c.p.b = floats(args, "b", product(env, {4, U}));
  // With `sequences`, hSeq receives every step's h.
  float* hSeq = flag(args, "sequences") ? floats(args, "hSeq", product(env, {B, T, U})) : nullptr;
  fused_lstm::forward(c.d, c.hard, floats(args, "x", product(env, {B, T, D})), c.p, c.k, floats(args, "h", product(env, {B, U})), hSeq);
}

// One forest pass's arguments (lstm.h: TreeJob), every size checked, and the parents and levels.
fused_lstm::TreeJob treeJob(Napi::Env env, Napi::Object args) {
  auto positive = [&](const char* name) {
    Napi::Value v = args.Get(name);
    if (!v.IsNumber() || v.As<Napi::Number>().Int64Value() < 1) throw Napi::RangeError::New(env, std::string(name) + " must be a positive integer");
    return v.As<Napi::Number>().Int64Value();
  };
  const fused_lstm::TreeDims d{positive("nodes"), positive("depth"), positive("features"), positive("units"), positive("rows")};
  const int64_t N = d.nodes, D = d.features, U = d.units;
  Napi::Value hard = args.Get("hardSigmoid");
  if (!hard.IsBoolean()) throw Napi::TypeError::New(env, "hardSigmoid must be a boolean");
  const int32_t* parent = ints(args, "parent", N);
  const int32_t* levels = ints(args, "levels", plus(env, d.depth, 1));
  if (levels[0] != 0 || levels[d.depth] != N) throw Napi::RangeError::New(env, "levels must run from 0 to nodes");
  for (int64_t t = 0; t < d.depth; t++) {
    if (levels[t + 1] < levels[t]) throw Napi::RangeError::New(env, "levels must not decrease");
    for (int64_t i = levels[t]; i < levels[t + 1]; i++) {
      const bool ok = t == 0 ? parent[i] == -1 : parent[i] >= levels[t - 1] && parent[i] < levels[t];
      if (!ok) throw Napi::RangeError::New(env, "parent " + std::to_string(i) + " is not a node of the level before");
    }
  }
  fused_lstm::Weights p{floats(args, "w", product(env, {D, 4, U})), floats(args, "u", product(env, {U, 4, U})), floats(args, "b", product(env, {4, U})), nullptr, nullptr};
  // The table as float32, or as float16 bits (a Uint16Array), widened as its rows are read.
  const int64_t cells = product(env, {d.rows, D});
  Napi::Value t = args.Get("table");
  const bool half = t.IsTypedArray() && t.As<Napi::TypedArray>().TypedArrayType() == napi_uint16_array;
  const float* table = half ? nullptr : floats(args, "table", cells);
  const uint16_t* halfTable = half ? typedArray<uint16_t>(args, "table", cells, napi_uint16_array, "a Uint16Array", "halves") : nullptr;
  return {d, hard.As<Napi::Boolean>().Value(), table, halfTable, ints(args, "tokens", N), parent, levels, p, floats(args, "h", product(env, {N, U}))};
}

// The forest passes' working memory on the thread that calls them (lstm.h: TreeWorkspace); the second
// is handed to the helper thread of forwardTreePair while this one waits for it.
thread_local fused_lstm::TreeWorkspace treeWorkspaces[2];

// Inference over a prefix forest (lstm.h: forwardTree).
void ForwardTree(const Napi::CallbackInfo& info) {
  fused_lstm::forwardTree(treeJob(info.Env(), argsOf(info)), treeWorkspaces[0]);
}

// Two forests at once, `first` and `second`, each with forwardTree's arguments; their outputs must not overlap.
void ForwardTreePair(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object args = argsOf(info);
  auto part = [&](const char* name) {
    Napi::Value v = args.Get(name);
    if (!v.IsObject()) throw Napi::TypeError::New(env, std::string(name) + " must be an object of forwardTree's arguments");
    return treeJob(env, v.As<Napi::Object>());
  };
  const fused_lstm::TreeJob a = part("first"), b = part("second");
  const float *aEnd = a.h + a.d.nodes * a.d.units, *bEnd = b.h + b.d.nodes * b.d.units;
  if (a.h < bEnd && b.h < aEnd) throw Napi::RangeError::New(env, "first.h and second.h must not overlap");
  fused_lstm::forwardTreePair(a, b, treeWorkspaces[0], treeWorkspaces[1]);
}

// Lets go of the forest passes' kept working memory (training calls it once it has scored its validation rows).
void ReleaseTreeMemory(const Napi::CallbackInfo&) {
  for (fused_lstm::TreeWorkspace& ws : treeWorkspaces) ws = fused_lstm::TreeWorkspace();
}

// Max and mean over each row's path in a prefix forest (pooling.h: poolPaths); parents and ends are checked here.
void PoolPaths(const Napi::CallbackInfo& info) {
  Napi::Object args = argsOf(info);
  Napi::Env env = info.Env();
  auto whole = [&](const char* name, int64_t least) {
    Napi::Value v = args.Get(name);
    if (!v.IsNumber() || v.As<Napi::Number>().Int64Value() < least || v.As<Napi::Number>().DoubleValue() != static_cast<double>(v.As<Napi::Number>().Int64Value()))
      throw Napi::RangeError::New(env, std::string(name) + " must be a whole number of at least " + std::to_string(least));
    return v.As<Napi::Number>().Int64Value();
  };
  const int64_t N = whole("nodes", 1), U = whole("units", 1), R = whole("rows", 0), W = whole("width", 1), offset = whole("offset", 0);
  if (offset + U > W) throw Napi::RangeError::New(env, "offset + units must not pass width");
  const int32_t* parent = ints(args, "parent", N);
  // A parent numbered below its child: every path ends, inside the forest.
  for (int64_t i = 0; i < N; i++)
    if (parent[i] < -1 || parent[i] >= i) throw Napi::RangeError::New(env, "parent " + std::to_string(i) + " is not -1 or a node numbered below it");
  const int32_t* ends = ints(args, "ends", R);
  for (int64_t r = 0; r < R; r++)
    if (ends[r] < 0 || ends[r] >= N) throw Napi::RangeError::New(env, "ends " + std::to_string(r) + " is not a node");
  fused_lstm::poolPaths(U, R, floats(args, "h", product(env, {N, U})), parent, ends, W, offset, floats(args, "out", product(env, {R, 2, W})));
}

void Backward(const Napi::CallbackInfo& info) {
  Napi::Object args = argsOf(info);
  Napi::Env env = info.Env();
  Common c = common(args);
  const int64_t B = c.d.batch, T = c.d.steps, D = c.d.features, U = c.d.units;
  fused_lstm::Grads g{floats(args, "dx", product(env, {B, T, D})), floats(args, "dw", product(env, {D, 4, U})), floats(args, "du", product(env, {U, 4, U})), floats(args, "db", product(env, {4, U}))};
  const bool sequences = flag(args, "sequences");
  const int64_t scratch = plus(env, product(env, {B, T, 4, U}), product(env, {2, B, U}));
  fused_lstm::backward(c.d, c.hard, sequences, floats(args, "dy", sequences ? product(env, {B, T, U}) : product(env, {B, U})), c.p, c.k, g, floats(args, "scratch", scratch));
}

// run(start, count) over [0, n): on this thread alone unless `split`, else the second half (from a
// multiple of `align`) on a second thread. Only for work whose every element stands alone.
template <typename Run>
void inTwo(int64_t n, bool split, int64_t align, Run run) {
  if (!split) {
    run(0, n);
    return;
  }
  const int64_t half = (n / 2) / align * align;
  fused_lstm::onTwoThreads([&] { run(0, half); }, [&] { run(half, n - half); });
}

float number(const Napi::Object& args, const char* name) {
  Napi::Value v = args.Get(name);
  if (!v.IsNumber()) throw Napi::TypeError::New(args.Env(), std::string(name) + " must be a number");
  return v.As<Napi::Number>().FloatValue();
}

int64_t count(const Napi::Object& args, const char* name) {
  Napi::Value v = args.Get(name);
  if (!v.IsNumber() || v.As<Napi::Number>().Int64Value() < 1) throw Napi::RangeError::New(args.Env(), std::string(name) + " must be a positive integer");
  return v.As<Napi::Number>().Int64Value();
}

// Adam's constants and this step's bias corrections, as adam.ts passes them.
fused_lstm::AdamStep adamStep(const Napi::Object& args) {
  return {number(args, "beta1"), number(args, "beta2"), number(args, "oneMinusBeta1"), number(args, "oneMinusBeta2"), number(args, "epsilon"), number(args, "learningRate"), number(args, "correction1"), number(args, "correction2")};
}

// Adam's step for one variable: value, m, v, g in; value, m, v out (n floats each).
void Adam(const Napi::CallbackInfo& info) {
  Napi::Object args = argsOf(info);
  Napi::Value nv = args.Get("n");
  if (!nv.IsNumber() || nv.As<Napi::Number>().Int64Value() < 0) throw Napi::RangeError::New(info.Env(), "n must be a whole number");
  const int64_t n = nv.As<Napi::Number>().Int64Value();
  const fused_lstm::AdamStep s = adamStep(args);
  float *value = floats(args, "value", n), *m = floats(args, "m", n), *v = floats(args, "v", n), *g = floats(args, "g", n);
  float *valueOut = floats(args, "valueOut", n), *mOut = floats(args, "mOut", n), *vOut = floats(args, "vOut", n);
  // A large variable (the embedding) is memory-bound on one core: two threads, same bits.
  inTwo(n, n >= (int64_t{1} << 18), 64, [&](int64_t i, int64_t c) { fused_lstm::adam(c, s, value + i, m + i, v + i, g + i, valueOut + i, mOut + i, vOut + i); });
}

// Adam's step in place for a [rows, width] variable, skipping the rows its gradient has never touched.
void AdamRows(const Napi::CallbackInfo& info) {
  Napi::Object args = argsOf(info);
  const int64_t rows = count(args, "rows"), width = count(args, "width"), n = product(info.Env(), {rows, width});
  const fused_lstm::AdamStep s = adamStep(args);
  uint8_t* touched = typedArray<uint8_t>(args, "touched", rows, napi_uint8_array, "a Uint8Array", "bytes");
  float *value = floats(args, "value", n), *m = floats(args, "m", n), *v = floats(args, "v", n), *g = floats(args, "g", n);
  // Each row stands alone (its own touched byte): two threads over rows, same bits.
  inTwo(rows, n >= (int64_t{1} << 18), 1, [&](int64_t r, int64_t c) { fused_lstm::adamRows(c, width, s, touched + r, value + r * width, m + r * width, v + r * width, g + r * width); });
}

// c [m, n] = a [m, k] (or [k, m] with transposeA) times b [k, n] (or [n, k] with transposeB), each output summed as XNNPACK sums it.
void Matmul(const Napi::CallbackInfo& info) {
  Napi::Object args = argsOf(info);
  Napi::Env env = info.Env();
  const int64_t m = count(args, "m"), k = count(args, "k"), n = count(args, "n");
  const bool transposeA = flag(args, "transposeA");
  const float* b = floats(args, "b", product(env, {k, n}));
  // The kernel reads rows of B: a transposed B ([n, k]) is copied the right way round first.
  std::vector<float> bT;
  if (flag(args, "transposeB")) {
    bT.resize(k * n);
    for (int64_t r = 0; r < n; r++)
      for (int64_t q = 0; q < k; q++) bT[q * n + r] = b[r * k + q];
    b = bT.data();
  }
  const float* a = floats(args, "a", product(env, {m, k}));
  float* c = floats(args, "c", product(env, {m, n}));
  const int64_t aRow = transposeA ? 1 : k, aCol = transposeA ? m : 1;
  // A large product's rows are split between two threads (each output's sum is unchanged).
  inTwo(m, product(env, {m, n, k}) >= (int64_t{1} << 22) && m >= 8, 4, [&](int64_t i, int64_t rows) { fused_lstm::matmul(rows, k, n, a + i * aRow, aRow, aCol, b, c + i * n); });
}

// out [segments, inner] = x [n, inner] summed by ids [n] (the embedding's gradient).
void SegmentSum(const Napi::CallbackInfo& info) {
  Napi::Object args = argsOf(info);
  Napi::Env env = info.Env();
  const int64_t n = count(args, "n"), inner = count(args, "inner"), segments = count(args, "segments");
  fused_lstm::segmentSum(n, inner, segments, floats(args, "x", product(env, {n, inner})), ints(args, "ids", n), floats(args, "out", product(env, {segments, inner})));
}

// out [outer, inner] = the largest of x [outer, mid, inner] along mid (max over time).
void MaxAlong(const Napi::CallbackInfo& info) {
  Napi::Object args = argsOf(info);
  const int64_t outer = count(args, "outer"), mid = count(args, "mid"), inner = count(args, "inner");
  fused_lstm::maxAlong(outer, mid, inner, floats(args, "x", product(info.Env(), {outer, mid, inner})), floats(args, "out", product(info.Env(), {outer, inner})));
}

// out [outer, mid, inner] = whether full [outer, mid, inner] equals small [outer, inner] (max over time's gradient).
void EqualAlong(const Napi::CallbackInfo& info) {
  Napi::Object args = argsOf(info);
  const int64_t outer = count(args, "outer"), mid = count(args, "mid"), inner = count(args, "inner"), n = product(info.Env(), {outer, mid, inner});
  const float *full = floats(args, "full", n), *small = floats(args, "small", product(info.Env(), {outer, inner}));
  fused_lstm::equalAlong(outer, mid, inner, full, small, typedArray<uint8_t>(args, "out", n, napi_uint8_array, "a Uint8Array", "bytes"));
}

Napi::Value Info(const Napi::CallbackInfo& info) {
  Napi::Object out = Napi::Object::New(info.Env());
  out.Set("config", openblas_get_config());
  out.Set("core", openblas_get_corename());
  out.Set("threads", openblas_get_num_threads());
  return out;
}

#define FUSED_LSTM_STRING(x) #x
#define FUSED_LSTM_EXPANDED(x) FUSED_LSTM_STRING(x)

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  // The digest of the sources this binary was built from (sources-digest.cjs), for index.cjs' check.
  exports.Set("sources", FUSED_LSTM_EXPANDED(FUSED_LSTM_SOURCES));
  exports.Set("forward", Napi::Function::New(env, Forward));
  exports.Set("forwardTree", Napi::Function::New(env, ForwardTree));
  exports.Set("forwardTreePair", Napi::Function::New(env, ForwardTreePair));
  exports.Set("releaseTreeMemory", Napi::Function::New(env, ReleaseTreeMemory));
  exports.Set("backward", Napi::Function::New(env, Backward));
  exports.Set("adam", Napi::Function::New(env, Adam));
  exports.Set("adamRows", Napi::Function::New(env, AdamRows));
  exports.Set("matmul", Napi::Function::New(env, Matmul));
  exports.Set("segmentSum", Napi::Function::New(env, SegmentSum));
  exports.Set("maxAlong", Napi::Function::New(env, MaxAlong));
  exports.Set("equalAlong", Napi::Function::New(env, EqualAlong));
  exports.Set("poolPaths", Napi::Function::New(env, PoolPaths));
  exports.Set("info", Napi::Function::New(env, Info));
  return exports;
}

}  // namespace

NODE_API_MODULE(fused_lstm, Init)
