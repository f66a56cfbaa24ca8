/**
 * Phrases as a prefix forest: rows whose fed token sequences start alike share the nodes of their
 * common start, so an LSTM (whose state after a prefix depends on that prefix alone) runs each
 * distinct prefix once. The Kaggle phrases are sub-phrases of sentences: the test file's 393,601
 * time steps are 226,363 distinct prefixes.
 */
export interface PrefixForest {
  nodes: number;
  /** The longest sequence: the forest's number of levels. */
  depth: number;
  /** Each node's token. */
  tokens: Int32Array;
  /** Each node's parent (a node of the level before), or -1 on the first level. */
  parent: Int32Array;
  /** Nodes of level t are levels[t] … levels[t+1]−1 (depth + 1 entries). */
  levels: Int32Array;
  /** Each sequence's last node, in the order given. */
  ends: Int32Array;
}

/** The forest of `sequences` (each at least one token long), nodes numbered level by level. */
export function buildPrefixForest(sequences: ReadonlyArray<ArrayLike<number>>): PrefixForest {
  // First pass: nodes in the order they are met, children found through (parent, token).
  const children = new Map<number, Map<number, number>>();
  const tmpParent: number[] = [];
  const tmpToken: number[] = [];
  const tmpDepth: number[] = [];
  const tmpEnds = new Int32Array(sequences.length);
  let depth = 0;
  sequences.forEach((seq, row) => {
    if (seq.length === 0) throw new RangeError(`sequence ${row} is empty: feed at least one (padding) token`);
    let node = -1;
    for (let t = 0; t < seq.length; t++) {
      let kids = children.get(node);
      if (kids === undefined) {
        kids = new Map<number, number>();
        children.set(node, kids);
      }
      let next = kids.get(seq[t]);
      if (next === undefined) {
        next = tmpParent.length;
        kids.set(seq[t], next);
        tmpParent.push(node);
        tmpToken.push(seq[t]);
        tmpDepth.push(t);
      }
      node = next;
    }
    tmpEnds[row] = node;
    depth = Math.max(depth, seq.length);
  });
  // Second pass: renumber level by level (a parent's new number is always below its children's).
  const nodes = tmpParent.length;
  const levels = new Int32Array(depth + 1);
  for (const d of tmpDepth) levels[d + 1] += 1;
  for (let t = 0; t < depth; t++) levels[t + 1] += levels[t];
  const next = levels.slice(0, depth);
  const renumber = new Int32Array(nodes);
  for (let i = 0; i < nodes; i++) renumber[i] = next[tmpDepth[i]]++;
  const tokens = new Int32Array(nodes);
  const parent = new Int32Array(nodes);
  for (let i = 0; i < nodes; i++) {
    tokens[renumber[i]] = tmpToken[i];
    parent[renumber[i]] = tmpParent[i] < 0 ? -1 : renumber[tmpParent[i]];
  }
  return { nodes, depth, tokens, parent, levels, ends: tmpEnds.map((e) => renumber[e]) };
}
