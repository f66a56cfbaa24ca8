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
  return {
    epochs: logs.map((e, i) => (typeof e.epoch === 'number' ? e.epoch : i + 1)),
    loss: logs.map((e) => num(e.loss)),
    valLoss: logs.map((e) => num(e.val_loss)),
    acc: logs.map((e) => num(e.acc ?? e.accuracy)),
    valAcc: logs.map((e) => num(e.val_acc ?? e.val_accuracy)),
  };
}

function fromKeras(h: Json, file: string): Omit<Curves, 'kept'> {
  const series = (...keys: string[]) => {
    const key = keys.find((k) => k in h);
    if (key === undefined) return null;
    const v = h[key];
    if (!Array.isArray(v)) throw new InputError(`"${key}" is not a list of numbers`, { file });
    return v.map(num);
  };
  const loss = series('loss');
  const acc = series('acc', 'accuracy');
  if (!loss && !acc)
    throw new InputError(
      'no loss or accuracy found (expected our history.json or Keras history.history keys: loss, acc/accuracy, val_loss, val_acc/val_accuracy)',
      { file },
    );
  const n = Math.max(loss?.length ?? 0, acc?.length ?? 0);
  const fill = (s: (number | null)[] | null) => Array.from({ length: n }, (_, i) => s?.[i] ?? null);
  return {
    epochs: Array.from({ length: n }, (_, i) => i + 1),
    loss: fill(loss),
    valLoss: fill(series('val_loss')),
    acc: fill(acc),
    valAcc: fill(series('val_acc', 'val_accuracy')),
  };
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** The kept epoch's validation accuracy (the last epoch's when none is marked), or null when there was no validation. */
export function finalValAcc(c: Curves): number | null {
  const i = c.kept === null ? c.valAcc.length - 1 : c.epochs.indexOf(c.kept);
  return c.valAcc[i] ?? null;
}
