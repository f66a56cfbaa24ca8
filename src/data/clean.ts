/**
 * The seed recipe's `clean_text`: lower-case, expand a few contractions, split off `, . ! ?`,
 * collapse whitespace. Plain string replacement in the seed's order, quirks included
 * (`'scuse` never matches because `'s` is replaced first; `\s+` is a literal, not a pattern).
 */

/** Bumped whenever the cleaning rules change, so a saved model records which rules it saw. */
export const CLEANING_VERSION = 1;

/** The seed's ordered replacement list (a Python dict, iterated in insertion order). */
export const REPLACEMENTS: ReadonlyArray<readonly [string, string]> = [
  ["i'm", 'i am'],
  ["'re", ' are'],
  ['let\u2019s', 'let us'],
  ["'s", ' is'],
  ["'ve", ' have'],
  ["can't", 'can not'],
  ['cannot', 'can not'],
  ['shan\u2019t', 'shall not'],
  ["n't", ' not'],
  ["'d", ' would'],
  ["'ll", ' will'],
  ["'scuse", 'excuse'],
  [',', ' ,'],
  ['.', ' .'],
  ['!', ' !'],
  ['?', ' ?'],
  ['\\s+', ' '],
];

// Python's str.split() whitespace: JS \s without U+FEFF, plus U+001C..U+001F and U+0085.
const PY_WHITESPACE = /[\t\n\v\f\r \u001c-\u001f\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

/** `' '.join(text.split())` as Python computes it. */
export function collapseWhitespace(text: string): string {
  return text
    .split(PY_WHITESPACE)
    .filter((w) => w.length > 0)
    .join(' ');
}

export function cleanText(text: string): string {
  let out = text.toLowerCase();
  for (const [from, to] of REPLACEMENTS) out = out.replaceAll(from, to);
  return collapseWhitespace(out);
}

/** A text's words as the model's members read them: cleaned, split on spaces. */
export function cleanWords(text: string): string[] {
  return cleanText(text).split(' ').filter(Boolean);
}
