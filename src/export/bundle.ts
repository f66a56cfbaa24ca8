/**
 * The browser module and the page's script, bundled by esbuild from the same modules the CLI runs
 * (src/web/sentiment.ts and page.ts, or their compiled dist/ twins): at export time, so what a page runs
 * is always this version's code. page.js imports ./sentiment.js as any other page would.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { build, type Plugin } from 'esbuild';
import { CODE_EXT, codeFile } from '../package-files.ts';
import { WASM_FILE } from '../web/wasm-file.ts';

export const WEB_FILES = { module: 'sentiment.js', page: 'page.js', html: 'index.html', wasm: WASM_FILE } as const;

/** Run from src/ (tsx, the tests) the entries are .ts; from dist/ they are the compiled .js. */
const entry = (name: string) => codeFile(`web/${name}${CODE_EXT}`);

/** The page's import of the module stays an import of ./sentiment.js, fetched beside it. */
const moduleOutside: Plugin = {
  name: 'sentiment-module-outside',
  setup(b) {
    b.onResolve({ filter: /^\.\/sentiment(\.ts|\.js)?$/ }, () => ({ path: `./${WEB_FILES.module}`, external: true }));
  },
};

async function bundle(file: string, plugins: Plugin[]): Promise<Uint8Array> {
  const result = await build({
    entryPoints: [file],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    write: false,
    logLevel: 'silent',
    legalComments: 'none',
    plugins,
  });
  return result.outputFiles[0].contents;
}

/** sentiment.js and page.js, minified ES modules, and the WebAssembly binary the module runs on (tfjs-backend-wasm's). */
export async function bundleWebFiles(): Promise<Record<'module' | 'page' | 'wasm', Uint8Array>> {
  const wasm = createRequire(import.meta.url).resolve(`@tensorflow/tfjs-backend-wasm/dist/${WASM_FILE}`);
  const [module, page, binary] = await Promise.all([
    bundle(entry('sentiment'), []),
    bundle(entry('page'), [moduleOutside]),
    readFile(wasm),
  ]);
  return { module, page, wasm: binary };
}
