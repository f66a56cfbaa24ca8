/**
 * Property-based tests of every reader of user files: random bytes, random valid rows and truncations
 * give either a correct result or one InputError naming the file, never another error, a hang or a
 * partial result. (fast-check shrinks a failure to its smallest input.)
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { readTable } from '../../src/data/table.ts';
import { readVectors } from '../../src/data/vectors.ts';
import { InputError } from '../../src/errors.ts';
import { loadTokenizer } from '../../src/model/files.ts';
import { metaFromJson } from '../../src/model/meta.ts';
import { readTextLines } from '../../src/predict/lines.ts';
import { tempDir } from '../helpers.ts';

const RUNS = { numRuns: 150 };

/** Resolves to the result, or to the InputError; any other rejection fails the property. */
async function cleanly<T>(work: () => Promise<T>, file: string): Promise<T | InputError> {
  try {
    return await work();
  } catch (err) {
    assert.ok(err instanceof InputError, `not an InputError: ${(err as Error)?.stack ?? String(err)}`);
    assert.ok(err.message.startsWith(file), `names the file: ${err.message}`);
    assert.ok(!err.message.includes('\n'), `one line: ${err.message}`);
    return err;
  }
}

function write(name: string, content: string | Uint8Array): string {
  const path = join(tempDir('sentiment-prop-'), name);
  writeFileSync(path, content);
  return path;
}

/** A text field without the separators of any format. */
const text = fc.stringMatching(/^[A-Za-z0-9,.!?'"-]([A-Za-z0-9 ,.!?'"-]{0,38}[A-Za-z0-9,.!?'"-])?$/);
const label = fc.constantFrom('pos', 'neg', 'neutral', '1', '2', '3');
const rows = fc.array(fc.tuple(text, label), { minLength: 1, maxLength: 30 });

const FORMATS = {
  tsv: (r: [string, string][]) => `text\tlabel\n${r.map(([t, l]) => `${t}\t${l}`).join('\n')}\n`,
  csv: (r: [string, string][]) =>
    `text,label\n${r.map(([t, l]) => `${/[",\n]/.test(t) ? `"${t.replaceAll('"', '""')}"` : t},${l}`).join('\n')}\n`,
  jsonl: (r: [string, string][]) => `${r.map(([t, l]) => JSON.stringify({ text: t, label: l })).join('\n')}\n`,
} as const;

describe('readers of user files, on random input', () => {
  for (const [format, render] of Object.entries(FORMATS)) {
    it(`${format}: random valid rows read back exactly`, async () => {
      await fc.assert(
        fc.asyncProperty(rows, async (r) => {
          const path = write(`d.${format}`, render(r));
          const t = await readTable(path, { labelled: true });
          assert.deepEqual(
            t.rows.map((x) => [x.text, x.label]),
            r,
          );
        }),
        RUNS,
      );
    });

    it(`${format}: a valid file cut anywhere reads as its whole rows or fails with one line`, async () => {
      await fc.assert(
        fc.asyncProperty(rows, fc.nat(), async (r, at) => {
          const whole = Buffer.from(render(r));
          const path = write(`c.${format}`, whole.subarray(0, at % (whole.length + 1)));
          const t = await cleanly(() => readTable(path, { labelled: true }), path);
          if (!(t instanceof InputError)) assert.ok(t.rows.length <= r.length);
        }),
        RUNS,
      );
    });

    it(`${format}: random bytes give a result or one line naming the file`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (bytes) => {
          const path = write(`r.${format}`, bytes);
          await cleanly(() => readTable(path, { labelled: true }), path);
        }),
        RUNS,
      );
    });
  }

  it('word vectors: random valid files read back exactly; random bytes fail with one line', async () => {
    const word = fc.stringMatching(/^[a-z]{1,8}$/);
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(word, { minLength: 1, maxLength: 20 }),
        fc.integer({ min: 1, max: 5 }),
        fc.boolean(),
        async (words, dims, header) => {
          const values = words.map((_, i) => Array.from({ length: dims }, (__, d) => (i * 7 + d) / 8));
          const lines = words.map((w, i) => `${w} ${values[i].join(' ')}`);
          const path = write('v.txt', `${header ? `${words.length} ${dims}\n` : ''}${lines.join('\n')}\n`);
          const v = await readVectors(path, { words: new Set(words), top: 0 });
          assert.deepEqual(v.words, words);
          assert.deepEqual(Array.from(v.vectors), values.flat().map(Math.fround));
        },
      ),
      RUNS,
    );
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (bytes) => {
        const path = write('v.bin', bytes);
        await cleanly(() => readVectors(path, { words: new Set(['a']), top: 10 }), path);
      }),
      RUNS,
    );
  });

  it('texts to classify: random bytes give their lines or one line naming the file', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (bytes) => {
        const path = write('t.txt', bytes);
        await cleanly(async () => {
          const out: string[] = [];
          for await (const chunk of readTextLines(path, 7)) out.push(...chunk.lines.map((l) => l.text));
          return out;
        }, path);
      }),
      RUNS,
    );
  });

  it("a model directory's records: random JSON for meta.json and tokenizer.json", async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (value) => {
        const dir = tempDir('sentiment-prop-');
        const meta = join(dir, 'meta.json');
        await cleanly(async () => metaFromJson(value, meta), meta);
        const tokenizer = join(dir, 'tokenizer.json');
        writeFileSync(tokenizer, JSON.stringify(value));
        await cleanly(() => loadTokenizer(dir), tokenizer);
      }),
      RUNS,
    );
  });
});
