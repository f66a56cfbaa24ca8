/**
 * The browser loader (src/web/load-model.ts) run in Node on an export's files, fetched from disk: it
 * believes meta.json's tokenizer_facts only for a file it checked to have the record's sha256, and
 * refuses a malformed record. page.test.ts runs the same loader in Chromium.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { before, describe, it } from 'node:test';
import { initEngine } from '../../src/engine/engine.ts';
import { exportWeb } from '../../src/export/export-web.ts';
import type { TokenizerFacts } from '../../src/model/tokenizer-facts.ts';
import { loadWebModel } from '../../src/web/load-model.ts';
import { SequenceMember } from '../../src/web/sequence-member.ts';
import { tempDir, tinyModel } from '../helpers.ts';

const fromDisk: typeof fetch = async (url) => new Response(readFileSync(fileURLToPath(String(url))));

describe('the browser loader and tokenizer_facts', () => {
  let site = '';
  before(async () => {
    await initEngine('wasm');
    site = join(tempDir(), 'site');
    await exportWeb({ modelDir: await tinyModel({ rows: 300 }), out: site, backend: 'wasm' });
  });

  const metaPath = () => join(site, 'model', 'meta.json');
  const withFacts = (edit: (f: TokenizerFacts) => void) => {
    const meta = JSON.parse(readFileSync(metaPath(), 'utf8')) as { tokenizer_facts: Record<string, TokenizerFacts> };
    edit(meta.tokenizer_facts['tokenizer.json']);
    writeFileSync(metaPath(), JSON.stringify(meta));
  };
  const largestLoaded = async () => {
    const model = await loadWebModel(pathToFileURL(`${join(site, 'model')}/`), Promise.resolve(), fromDisk);
    try {
      const member = model.members[0];
      assert.ok(member instanceof SequenceMember);
      return member.tokenizer.indexRange().largest;
    } finally {
      model.dispose();
    }
  };

  it("uses a record of the very file it fetched and checked, and makes the pass for another file's", async () => {
    const real = await largestLoaded();
    assert.ok(real > 7);
    const original = readFileSync(metaPath(), 'utf8');
    try {
      // A record is believed, not checked again: a largest index that is not the text's shows through.
      withFacts((f) => {
        f.largest = 7;
      });
      assert.equal(await largestLoaded(), 7);
      withFacts((f) => {
        f.sha256 = 'f'.repeat(64);
      });
      assert.equal(await largestLoaded(), real, 'a record of other bytes is set aside');
      withFacts((f) => {
        f.largest = 0;
      });
      await assert.rejects(largestLoaded(), { name: 'InputError', message: /tokenizer_facts/ });
    } finally {
      writeFileSync(metaPath(), original);
    }
  });
});
