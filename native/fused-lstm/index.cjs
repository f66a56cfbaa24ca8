// Loads the compiled addon, or throws saying why it is not there (build.cjs keeps the reason).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { sourcesDigest } = require('./sources-digest.cjs');

// Debian's OpenBLAS 0.3.21 does not know recent AMD AVX-512 CPUs and picks its Haswell (AVX2)
// kernels; its SkylakeX kernels run about twice as fast there. OpenBLAS reads
// OPENBLAS_CORETYPE once, when it loads, so it is set here for that moment only, and never over
// the user's own choice.
function avx512() {
  try {
    const flags = fs.readFileSync('/proc/cpuinfo', 'utf8').match(/^flags\s*:(.*)$/m);
    const have = new Set(flags ? flags[1].trim().split(/\s+/) : []);
    return ['avx512f', 'avx512cd', 'avx512bw', 'avx512dq', 'avx512vl'].every((f) => have.has(f));
  } catch {
    return false;
  }
}

const chooseCore =
  process.env.OPENBLAS_CORETYPE === undefined && process.platform === 'linux' && process.arch === 'x64' && avx512();
if (chooseCore) process.env.OPENBLAS_CORETYPE = 'SKYLAKEX';
let binary;
try {
  binary = require('./build/Release/fused_lstm.node');
} catch (err) {
  let why = null;
  try {
    why = fs.readFileSync(path.join(__dirname, 'build-error.txt'), 'utf8').split('\n')[0];
  } catch {
    // no record: the build never ran, or the binary was removed after it
  }
  const e = new Error(why ? `not built: ${why}` : `did not load (${String(err.message).split('\n')[0]})`);
  e.code = 'SENTIMENT_FUSED_LSTM_UNAVAILABLE';
  throw e;
} finally {
  if (chooseCore) delete process.env.OPENBLAS_CORETYPE;
}
// The handshake: the binary must come from these sources (an older build may lack a function, or take
// other arguments under the same name).
const sources = sourcesDigest();
if (binary.sources !== sources) {
  const e = new Error(
    `was built from other sources (binary ${binary.sources ?? 'from before the check'}, sources ${sources}): npm rebuild sentiment-fused-lstm`,
  );
  e.code = 'SENTIMENT_FUSED_LSTM_UNAVAILABLE';
  throw e;
}
module.exports = binary;
