import { readFileSync } from 'node:fs';

/** This package's version (src/ and dist/ both sit one level below package.json). */
export const PACKAGE_VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
