/**
 * The layout's rules (docs/development.md), read from the sources' imports: no module imports itself
 * round a circle; inference never imports training; model/ reaches the engine's insides through one
 * door; the speed patches never import the engine that installs them; one room registers kernels; the
 * browser module's code never reaches a Node API or the engine; no Node module counts `../` from itself.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT } from './helpers.ts';

const SRC = join(ROOT, 'src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Each source file (relative to src/) with the relative modules it imports or re-exports, types included. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sources(SRC)) {
    const text = readFileSync(file, 'utf8');
    const deps = [
      ...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+'(\.[^']+)'|import\(\s*'(\.[^']+)'\s*\)/g),
    ].map((m) => relative(SRC, normalize(join(dirname(file), m[1] ?? m[2]))));
    graph.set(relative(SRC, file), deps);
  }
  return graph;
}

const graph = importGraph();
const importsOf = (prefix: string) =>
  [...graph].filter(([file]) => file.startsWith(prefix)).flatMap(([file, deps]) => deps.map((d) => [file, d]));

describe('the layout', () => {
  it('reads a graph of every source file', () => {
    assert.ok(graph.size > 100);
    assert.ok(graph.get('train/cross-validate.ts')?.includes('train/fold-loop.ts'));
  });

  it('has no circle of imports', () => {
    const state = new Map<string, 'open' | 'done'>();
    const circles: string[] = [];
    const visit = (file: string, path: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        circles.push([...path.slice(path.indexOf(file)), file].join(' → '));
        return;
      }
      state.set(file, 'open');
      for (const dep of graph.get(file) ?? []) visit(dep, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of graph.keys()) visit(file, []);
    assert.deepEqual(circles, []);
  });

  it('inference (predict, evaluate, model, data, serve, export, web) never imports training', () => {
    for (const room of ['predict/', 'evaluate/', 'model/', 'data/', 'serve/', 'export/', 'web/'])
      for (const [file, dep] of importsOf(room)) assert.ok(!dep.startsWith('train/'), `${file} imports ${dep}`);
  });

  it('model/ reaches the engine through tf.ts and speed-layer.ts alone', () => {
    for (const [file, dep] of importsOf('model/'))
      if (dep.startsWith('engine/'))
        assert.ok(['engine/tf.ts', 'engine/speed-layer.ts'].includes(dep), `${file} imports ${dep}`);
  });

  it("the speed patches import only the engine's base, never what starts the engine", () => {
    const base = ['engine/tf.ts', 'engine/native-addon.ts', 'engine/written-in-place.ts', 'engine/kernel-registry.ts'];
    for (const [file, dep] of importsOf('engine/patches/'))
      if (dep.startsWith('engine/') && !dep.startsWith('engine/patches/'))
        assert.ok(base.includes(dep), `${file} imports ${dep}`);
  });

  it('one room registers kernels with tfjs (engine/kernel-registry.ts)', () => {
    for (const file of sources(SRC)) {
      const name = relative(SRC, file);
      if (name === 'engine/kernel-registry.ts' || name === 'engine/tf.ts') continue;
      assert.doesNotMatch(readFileSync(file, 'utf8'), /\b(?:registerKernel|unregisterKernel)\(/, name);
    }
  });

  it('no module outside web/ finds a file by a path relative to itself: the CLI runs bundled (package-files.ts)', () => {
    const relativeUrls = [...graph.keys()]
      .filter((file) => !file.startsWith('web/'))
      .filter((file) => /new URL\(\s*['`]\.{1,2}\//.test(readFileSync(join(SRC, file), 'utf8')));
    assert.deepEqual(relativeUrls, []);
  });

  it('the browser module (web/) reaches no Node API and not the engine, through any module it runs', () => {
    // What esbuild bundles: value imports only (type imports are erased).
    const runs = (file: string) =>
      [
        ...readFileSync(join(SRC, file), 'utf8').matchAll(
          /(?:^|\n)\s*(?:import|export)\s(?!type\s)[^;]*?from\s+'([^']+)'|(?:^|\n)\s*import\s+'([^']+)'/g,
        ),
      ].map((m) => m[1] ?? m[2]);
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const dep of runs(file)) {
        assert.ok(!dep.startsWith('node:') && !/^(fs|path|os|url|zlib|crypto)$/.test(dep), `${file} imports ${dep}`);
        if (dep.startsWith('.')) visit(relative(SRC, normalize(join(dirname(join(SRC, file)), dep))));
      }
    };
    visit('web/sentiment.ts');
    visit('web/page.ts');
    assert.ok(seen.has('predict/predictor.ts') && seen.has('data/tokenizer.ts') && seen.has('model/memory.ts'));
    for (const file of seen) {
      assert.ok(!file.startsWith('engine/') && !file.startsWith('fs/'), `the browser module runs ${file}`);
      assert.doesNotMatch(readFileSync(join(SRC, file), 'utf8'), /\brequire\(|\bprocess\./, file);
    }
  });
});
