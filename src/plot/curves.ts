/**
 * Training curves from a history file: ours (`{params, epochs: [{epoch, loss, acc, val_loss, val_acc}]}`)
 * or Keras' `history.history` saved as JSON (`{loss: [...], acc|accuracy: [...], val_loss, val_acc|val_accuracy}`).
 */
import { InputError } from '../errors.ts';

export interface Curves {
  epochs: number[];
  loss: (number | null)[];
  valLoss: (number | null)[];
  acc: (number | null)[];
  valAcc: (number | null)[];
  /** The epoch whose weights the model kept (our history.json says), or null. */
  kept: number | null;
}

type Json = Record<string, unknown>;

export function curvesFromHistory(json: unknown, file: string): Curves {
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new InputError('expected a JSON object with per-epoch loss and accuracy', { file });
  const h = json as Json;
  const curves = Array.isArray(h.epochs)
    ? { ...fromOurs(h.epochs, file), kept: keptEpoch(h.kept_epoch) }
    : { ...fromKeras(h, file), kept: null };
  if (curves.epochs.length === 0) throw new InputError('holds no epochs yet', { file });
  if (![curves.loss, curves.valLoss, curves.acc, curves.valAcc].some((s) => s.some((v) => v !== null))) {
    throw new InputError('holds no numbers: every loss and accuracy is missing or not finite', { file });
  }
  return curves;
}

/**
 * JSON as Python's json.dump writes it: NaN, Infinity and -Infinity (a diverged run's losses) are
 * read as null, outside strings only; a UTF-8 byte order mark is dropped.
 */
export function parsePythonJson(text: string, file: string): unknown {
  let out = '';
  let inString = false;
  const src = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (inString) {
      out += c;
      if (c === '\\') out += src[++i] ?? '';
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    const bare = /^(-?Infinity|NaN)/.exec(src.slice(i, i + 9));
    if (!inString && bare) {
      out += 'null';
      i += bare[0].length - 1;
      continue;
    }
    out += c;
  }
  try {
    return JSON.parse(out);
  } catch (err) {
    throw new InputError(`is not valid JSON (${(err as Error).message})`, { file });
  }
}

const keptEpoch = (v: unknown): number | null => (typeof v === 'number' && Number.isInteger(v) ? v : null);

function fromOurs(epochs: unknown[], file: string): Omit<Curves, 'kept'> {
  const logs = epochs.map((e, i) => {
    if (typeof e !== 'object' || e === null) throw new InputError(`epochs[${i}] is not an object`, { file });
    return e as Json;
  });
  const value = (key: Metric, alias?: string) =>
    logs.map((e, i) => checked(e[key] ?? (alias ? e[alias] : undefined), key, `epochs[${i}].${key}`, file));
  return {
    epochs: logs.map((e, i) => (typeof e.epoch === 'number' ? e.epoch : i + 1)),
    loss: value('loss'),
    valLoss: value('val_loss'),
    acc: value('acc', 'accuracy'),
    valAcc: value('val_acc', 'val_accuracy'),
  };
}

function fromKeras(h: Json, file: string): Omit<Curves, 'kept'> {
  const lengths: string[] = [];
  const series = (metric: Metric, ...keys: string[]) => {
    const key = keys.find((k) => k in h);
    if (key === undefined) return null;
    const v = h[key];
    if (!Array.isArray(v)) throw new InputError(`"${key}" is not a list of numbers`, { file });
    lengths.push(`${key} ${v.length}`);
    return v.map((x, i) => checked(x, metric, `${key}[${i}]`, file));
  };
  const loss = series('loss', 'loss');
  const acc = series('acc', 'acc', 'accuracy');
  const valLoss = series('val_loss', 'val_loss');
  const valAcc = series('val_acc', 'val_acc', 'val_accuracy');
  if (!loss && !acc)
    throw new InputError(
      'no loss or accuracy found (expected our history.json or Keras history.history keys: loss, acc/accuracy, val_loss, val_acc/val_accuracy)',
      { file },
    );
  // One value per epoch in every list: lists of other lengths do not say which epochs they are.
  if (new Set(lengths.map((l) => l.split(' ')[1])).size > 1)
    throw new InputError(`the lists are of different lengths (${lengths.join(', ')}): one value per epoch in each`, {
      file,
    });
  const n = Math.max(loss?.length ?? 0, acc?.length ?? 0);
  const fill = (s: (number | null)[] | null) => Array.from({ length: n }, (_, i) => s?.[i] ?? null);
  return {
    epochs: Array.from({ length: n }, (_, i) => i + 1),
    loss: fill(loss),
    valLoss: fill(valLoss),
    acc: fill(acc),
    valAcc: fill(valAcc),
  };
}

type Metric = 'loss' | 'val_loss' | 'acc' | 'val_acc';

/**
 * A metric's value: a number in its range, or null where it is missing or not finite (a diverged run's
 * NaN). Anything else is a malformed history: a string, a negative loss, an accuracy outside 0–1.
 */
function checked(v: unknown, metric: Metric, where: string, file: string): number | null {
  if (v === null || v === undefined) return null;
  if (typeof v !== 'number') throw new InputError(`${where} is ${JSON.stringify(v)}, not a number`, { file });
  if (!Number.isFinite(v)) return null;
  if (metric.endsWith('loss') && v < 0) throw new InputError(`${where} is ${v}: a loss is never below 0`, { file });
  if (metric.endsWith('acc') && (v < 0 || v > 1))
    throw new InputError(`${where} is ${v}: an accuracy is a fraction from 0 to 1`, { file });
  return v;
}

/** The kept epoch's validation accuracy (the last epoch's when none is marked), or null when there was no validation. */
export function finalValAcc(c: Curves): number | null {
  const i = c.kept === null ? c.valAcc.length - 1 : c.epochs.indexOf(c.kept);
  return c.valAcc[i] ?? null;
}
