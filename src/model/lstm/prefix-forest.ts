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
  let steps = 0;
  sequences.forEach((seq, row) => {
    if (seq.length === 0) throw new RangeError(`sequence ${row} is empty: feed at least one (padding) token`);
    steps += seq.length;
  });
  // First pass: nodes in the order they are met, children found through (parent, token) in a hash
  // table of typed arrays (a Map of children per node made a third of a submission's forest time).
  const children = new ChildTable(steps);
  const tmpParent = new Int32Array(steps);
  const tmpToken = new Int32Array(steps);
  const tmpDepth = new Int32Array(steps);
  const tmpEnds = new Int32Array(sequences.length);
  let nodes = 0;
  let depth = 0;
  sequences.forEach((seq, row) => {
    let node = -1;
    for (let t = 0; t < seq.length; t++) {
      const token = seq[t] | 0; // as tokens holds it
      const next = children.childOf(node, token, nodes);
      if (next === nodes) {
        nodes += 1;
        tmpParent[next] = node;
        tmpToken[next] = token;
        tmpDepth[next] = t;
      }
      node = next;
    }
    tmpEnds[row] = node;
    depth = Math.max(depth, seq.length);
  });
  // Second pass: renumber level by level (a parent's new number is always below its children's).
  const levels = new Int32Array(depth + 1);
  for (let i = 0; i < nodes; i++) levels[tmpDepth[i] + 1] += 1;
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

/** (parent, token) → child node, open addressing with linear probing; room for `most` children. */
class ChildTable {
  private readonly mask: number;
  /** A slot's parent + 2 (a first level's parent is -1), or 0 where the slot is empty. */
  private readonly parents: Int32Array;
  private readonly tokens: Int32Array;
  private readonly children: Int32Array;

  constructor(most: number) {
    // At most half full: probes stay short.
    const size = 2 ** Math.ceil(Math.log2(2 * most + 2));
    this.mask = size - 1;
    this.parents = new Int32Array(size);
    this.tokens = new Int32Array(size);
    this.children = new Int32Array(size);
  }

  /** The child of `parent` that reads `token`; if there is none yet, `fresh` becomes it. */
  childOf(parent: number, token: number, fresh: number): number {
    let h = Math.imul(parent + 1, 0x9e3779b1) ^ Math.imul(token, 0x85ebca6b);
    h ^= h >>> 15;
    for (let i = h & this.mask; ; i = (i + 1) & this.mask) {
      if (this.parents[i] === 0) {
        this.parents[i] = parent + 2;
        this.tokens[i] = token;
        this.children[i] = fresh;
        return fresh;
      }
      if (this.parents[i] === parent + 2 && this.tokens[i] === token) return this.children[i];
    }
  }
}
