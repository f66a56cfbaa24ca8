// A digest of the addon's C++ sources. The build compiles it into the binary (binding.gyp) and
// index.cjs compares the two at load: a binary built from other sources (an older checkout, a
// cached build) is refused with the reason instead of being called with arguments it may not know.
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

function sourcesDigest() {
  const dir = path.join(__dirname, 'src');
  const hash = crypto.createHash('sha256');
  for (const name of fs
    .readdirSync(dir)
    .filter((n) => /\.(cc|h)$/.test(n))
    .sort()) {
    hash.update(`${name}\0`);
    hash.update(fs.readFileSync(path.join(dir, name)));
  }
  // An identifier, so the build can pass it as a bare macro value (no quoting through gyp and make).
  return `s${hash.digest('hex').slice(0, 16)}`;
}

module.exports = { sourcesDigest };
if (require.main === module) process.stdout.write(sourcesDigest());
