/**
 * Texts to class probabilities with a loaded model: each text cleaned once, then every member's
 * probabilities (fed as that member was trained), blended; a text the phrase memory holds gets its
 * stored labels instead. A text's probabilities never depend on the other texts it is predicted with.
 */
import { cleanWords } from '../data/clean.ts';
import { cleanTexts, SplitTexts } from '../data/encode.ts';
import { InputError, type Where } from '../errors.ts';
import { blendProbabilities } from '../model/blend.ts';
import type { Blend } from '../model/blend.ts';
import type { LoadedModel } from '../model/directory.ts';
import type { MemberOutput, MemberScorer, PredictOptions } from '../model/member.ts';
import type { PhraseMemory } from '../model/memory.ts';
import { PREDICT_BATCH_SIZE } from '../settings.ts';
import { argmax } from '../model/scores.ts';

export { PREDICT_BATCH_SIZE };

export interface Prediction {
  /** The class's position among the model's classes (what `probabilities` are indexed by). */
  index: number;
  /** The class's label as the training data wrote it ("0" … "4" for the Kaggle file). */
  label: string;
  labelName: string;
  /** One per class, in label order. */
  probabilities: number[];
  /** `memory`: the text is a training phrase and these are its stored label frequencies; `model`: the model's guess. */
  source: 'model' | 'memory';
}

export interface PredictorOptions {
  /** Texts per forward pass; results do not depend on it. */
  batchSize?: number;
  /** Answer training phrases from the phrase memory, where the model has one (default true). */
  memory?: boolean;
}

export interface Predictions {
  predictions: Prediction[];
  /** Texts cut to fit a member's longest input. */
  truncated: number;
  /** Texts answered from the phrase memory. */
  fromMemory: number;
  /** With `everyRow`: each member's probabilities, row-major [texts, classes], in member order (the memory aside); else empty. */
  memberOutputs: Float32Array[];
}

/** What answering needs of a model: a loaded model directory, or the browser module's model. */
export interface AnsweringModel {
  /** Where it came from (errors name it). */
  dir: string;
  labels: readonly string[];
  labelNames: readonly string[];
  members: readonly MemberScorer[];
  memory: PhraseMemory | null;
  blend: Blend | null;
}

export class Predictor<M extends AnsweringModel = LoadedModel> {
  readonly batchSize: number;
  readonly useMemory: boolean;

  constructor(
    readonly loaded: M,
    opts: PredictorOptions = {},
  ) {
    this.batchSize = opts.batchSize ?? PREDICT_BATCH_SIZE;
    this.useMemory = opts.memory ?? true;
  }

  get labelNames(): readonly string[] {
    return this.loaded.labelNames;
  }

  /** Each class's label as the training data wrote it (what a submission writes). */
  get labels(): readonly string[] {
    return this.loaded.labels;
  }

  /** The shortest input limit among the members: longer texts are cut (counted in `truncated`). */
  get maxLen(): number | null {
    const limits = this.loaded.members.map((m) => m.maxLen).filter((n): n is number => n !== null);
    return limits.length ? Math.min(...limits) : null;
  }

  /** Each member's probabilities of cleaned texts (row-major [texts, classes]), in member order. */
  memberOutputs(
    cleaned: ReadonlyArray<string>,
    onProgress?: PredictOptions['onProgress'],
  ): { outputs: Float32Array[]; truncated: number } {
    const { members } = this.loaded;
    const n = cleaned.length;
    const total = members.length * n;
    // Members that share work over the same texts score together, once for all of them.
    const groups: number[][] = [];
    members.forEach((m, i) => {
      if (groups.some((g) => g.includes(i))) return;
      groups.push(
        m.shareKey !== undefined && m.predictTogether
          ? members.flatMap((p, j) => (p.shareKey === m.shareKey ? [j] : []))
          : [i],
      );
    });
    const together = (g: number[]) => g.map((j) => members[j]);
    // A group that can score on another thread does, while this one scores the rest (none if nothing is left here).
    const leftHere = groups.some((g) => !members[g[0]].startTogether);
    const away = groups.map((g) =>
      leftHere ? (members[g[0]].startTogether?.(together(g), cleaned, { batchSize: this.batchSize }) ?? null) : null,
    );
    const awayDone = () => away.reduce((sum, p, k) => sum + (p ? p.done() * groups[k].length : 0), 0);
    const outputs: Float32Array[] = new Array(members.length);
    let truncated = 0;
    let finished = 0;
    // Split into words once for all the members whose tokenizers split alike.
    const split = new SplitTexts(cleaned);
    const keep = (g: number[], outs: MemberOutput[]) =>
      outs.forEach((out, k) => {
        truncated = Math.max(truncated, out.truncated);
        outputs[g[k]] = out.probabilities;
      });
    groups.forEach((g, k) => {
      if (away[k]) return;
      const m = members[g[0]];
      const opts: PredictOptions = {
        batchSize: this.batchSize,
        onProgress: onProgress && ((done) => onProgress(finished * n + done * g.length + awayDone(), total)),
        split,
      };
      keep(
        g,
        g.length > 1 && m.predictTogether ? m.predictTogether(together(g), cleaned, opts) : [m.predict(cleaned, opts)],
      );
      finished += g.length;
    });
    // Waited for last: each reports its progress as it waits, counted once (awayDone), never in `finished`.
    away.forEach(
      (p, k) => p && keep(groups[k], p.wait(onProgress && (() => onProgress(finished * n + awayDone(), total)))),
    );
    if (away.some((p) => p)) onProgress?.(total, total);
    return { outputs, truncated };
  }

  /**
   * Probabilities of each text, in order. Texts the phrase memory answers never run through the members,
   * unless `everyRow` asks for every member's own guess on every text (evaluate compares them).
   */
  predict(texts: ReadonlyArray<string>, onProgress?: PredictOptions['onProgress'], everyRow = false): Predictions {
    const cleaned = cleanTexts(texts);
    const memory = this.useMemory ? this.loaded.memory : null;
    const stored = cleaned.map((c) => memory?.lookup(c) ?? null);
    const modelRows = everyRow ? cleaned.map((_, i) => i) : cleaned.flatMap((_, i) => (stored[i] ? [] : [i]));
    // Progress counts texts once per member; those the memory answers are done from the start.
    const members = this.loaded.members.length;
    const answered = members * (cleaned.length - modelRows.length);
    const progress = onProgress && ((done: number) => onProgress(answered + done, members * cleaned.length));
    const { outputs, truncated } = this.memberOutputs(
      modelRows.map((i) => cleaned[i]),
      progress,
    );
    if (modelRows.length === 0) onProgress?.(answered, answered);
    const k = this.numClasses;
    const blended = this.blend(outputs);
    const at = new Int32Array(cleaned.length).fill(-1);
    modelRows.forEach((row, j) => (at[row] = j));
    let fromMemory = 0;
    const predictions = cleaned.map((_, i) => {
      const known = stored[i];
      if (known) fromMemory += 1;
      return this.toPrediction(
        Array.from(known ?? blended.subarray(at[i] * k, (at[i] + 1) * k)),
        known ? 'memory' : 'model',
      );
    });
    return { predictions, truncated, fromMemory, memberOutputs: everyRow ? outputs : [] };
  }

  /**
   * How many of a text's words the members that tell read (the most of any of them); 0: the answer is
   * the model's guess for a text it cannot read. Null when no member tells (an n-gram model alone).
   */
  knownWords(text: string): number | null {
    const words = cleanWords(text);
    const counts = this.loaded.members.flatMap((m) => m.wordsRead?.(words)?.length ?? []);
    return counts.length ? Math.max(...counts) : null;
  }

  get numClasses(): number {
    return this.loaded.members[0].numClasses;
  }

  /** The members' outputs combined as the model combines them (row-major [texts, classes]). */
  blend(outputs: Float32Array[]): Float32Array {
    return outputs.length === 1 || !this.loaded.blend
      ? outputs[0]
      : blendProbabilities(outputs, this.numClasses, this.loaded.blend);
  }

  /** The model's own probabilities of cleaned texts (the phrase memory aside), row-major [texts, classes]. */
  modelProbabilities(cleaned: ReadonlyArray<string>): Float32Array {
    return this.blend(this.memberOutputs(cleaned).outputs);
  }

  toPrediction(probabilities: number[], source: Prediction['source'] = 'model'): Prediction {
    return toPrediction(probabilities, this.loaded, source);
  }
}

/** Probabilities as a prediction of the model in `model.dir`, labelled with its class names. */
export function toPrediction(
  probabilities: number[],
  model: Pick<AnsweringModel, 'dir' | 'labels' | 'labelNames'>,
  source: Prediction['source'],
): Prediction {
  // NaN is no answer: never turn it into a label.
  if (!probabilities.every(Number.isFinite))
    throw new InputError('gives probabilities that are not numbers: the model is broken; train it again', {
      file: model.dir,
    });
  const index = argmax(probabilities);
  return {
    index,
    label: model.labels[index] ?? String(index),
    labelName: model.labelNames[index] ?? String(index),
    probabilities,
    source,
  };
}

/** The texts a user typed must say something. */
export function checkText(text: string, where: Where = {}): void {
  if (text.trim() === '')
    throw new InputError(
      where.line ? 'empty text (one text per line)' : 'empty text: give a phrase to classify',
      where,
    );
}
