/** One block of groups (sentences) cut out of a TSV file: the rows `--folds blocks` holds out as fold `block`. */
import { foldSplit } from '../src/data/split.ts';

export interface HoldoutBlock {
  /** The file without the block, header first, every row's bytes kept. */
  train: string;
  /** The block, header first. */
  heldOut: string;
  trainRows: number;
  heldOutRows: number;
}

/** `block` is 1-based, as `--folds` numbers its folds; `text` is read as lines (quoting off, as the Kaggle files). */
export function holdoutBlock(text: string, group: string, blocks: number, block: number): HoldoutBlock {
  const lines = text.split('\n');
  const header = lines[0];
  const rows = lines.slice(1).filter((l) => l !== '');
  const column = header.split('\t').indexOf(group);
  if (column < 0) throw new Error(`no ${group} column`);
  const split = foldSplit(
    rows.map((l) => l.split('\t')[column]),
    blocks,
    block - 1,
  );
  const file = (at: Int32Array) => `${[header, ...Array.from(at, (r) => rows[r])].join('\n')}\n`;
  return {
    train: file(split.trainRows),
    heldOut: file(split.valRows),
    trainRows: split.trainRows.length,
    heldOutRows: split.valRows.length,
  };
}
