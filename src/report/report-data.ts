/**
 * What a report shows, computed from a scored file: the model card, the headline scores, the curves,
 * calibration, accuracy by length and by unknown words, and the most confident mistakes explained.
 * Everything is aggregated here, so the page stays small whatever the number of rows.
 */
import { cleanText } from '../data/clean.ts';
import { calibration, type Calibration } from '../evaluate/calibration.ts';
import type { Evaluation, ScoredRows } from '../evaluate/evaluate-file.ts';
import { accuracyBy, type Slice } from '../evaluate/slices.ts';
import { RecurrentMember } from '../model/recurrent-member.ts';
import { curvesFromHistory, type Curves } from '../plot/curves.ts';
import { explainPredictions, type WordContribution } from '../predict/explain.ts';
import type { Predictor } from '../predict/predictor.ts';

/** Token counts where the length ranges start, and unknown-word counts. */
export const LENGTH_STARTS = [1, 2, 3, 6, 11, 21, 31] as const;
export const UNKNOWN_STARTS = [0, 1, 2, 3] as const;

export interface Mistake {
  text: string;
  truth: string;
  predicted: string;
  /** The probability of the class it answered. */
  probability: number;
  /** Each word's push toward the answer (occlusion); null where the phrase memory answered. */
  words: WordContribution[] | null;
}

export interface ReportData {
  /** The model card: what was trained, on what, how, when. */
  card: [string, string][];
  evaluation: Evaluation;
  /** Each recurrent member's training curves, the kept epoch marked. */
  curves: { member: string; curves: Curves }[];
  calibration: Calibration;
  byLength: Slice[];
  /** By words the model does not know (see unknownWords); null for a model without a tokenizer. */
  byUnknown: Slice[] | null;
  /** What made a word unknown: absent from the training rows (the validation rows' case), or from the vocabulary. */
  unknownMeans: 'training rows' | 'vocabulary';
  mistakes: Mistake[];
  /** All the wrong answers, of which `mistakes` are the most confident. */
  wrong: number;
}

export function reportData(
  evaluation: Evaluation,
  rows: ScoredRows,
  predictor: Predictor,
  opts: { mistakes: number },
): ReportData {
  const { predictions, truth, texts } = rows;
  const correct = predictions.map((p, i) => p.index === truth[i]);
  const confidence = predictions.map((p) => p.probabilities[p.index]);
  const cleaned = texts.map(cleanText);
  const tokens = cleaned.map((t) => (t === '' ? 0 : t.split(' ').length));
  const unknown = unknownWords(predictor, cleaned, rows.trainingTexts?.() ?? null);
  const wrongRows = correct.flatMap((ok, i) => (ok ? [] : [i]));
  const top = wrongRows.sort((a, b) => confidence[b] - confidence[a]).slice(0, opts.mistakes);
  const explained = explainPredictions(
    predictor,
    top.map((i) => texts[i]),
    top.map((i) => predictions[i]),
  );
  const names = evaluation.labelNames;
  return {
    card: modelCard(predictor, evaluation),
    evaluation,
    curves: memberCurves(predictor),
    calibration: calibration(confidence, correct),
    byLength: accuracyBy(tokens, correct, LENGTH_STARTS),
    byUnknown: unknown ? accuracyBy(unknown, correct, UNKNOWN_STARTS) : null,
    unknownMeans: rows.trainingTexts ? 'training rows' : 'vocabulary',
    mistakes: top.map((i, j) => ({
      text: texts[i],
      truth: names[truth[i]],
      predicted: predictions[i].labelName,
      probability: confidence[i],
      words: explained[j],
    })),
    wrong: wrongRows.length,
  };
}

function modelCard(predictor: Predictor, evaluation: Evaluation): [string, string][] {
  const { meta, settings, history, dir, memory } = predictor.loaded;
  const card: [string, string][] = [['model', dir]];
  if (settings) card.push(['preset', settings.preset]);
  const bagging = meta?.bagging;
  const kinds = predictor.loaded.members.map((m) => m.kind);
  card.push([
    'members',
    bagging
      ? `${kinds.slice(0, kinds.length / bagging.folds).join(', ')}, each trained on ${bagging.folds} folds (every row trained some)`
      : kinds.join(', '),
  ]);
  if (bagging)
    card.push([
      'fold accuracy',
      `${bagging.summary.map((s) => `${s.kind} ${s.mean.toFixed(4)} ± ${s.sd.toFixed(4)}`).join(', ')} (each fold scored by models that never saw it; stack: the members' blend, ${bagging.stack.method}, fitted out of fold)`,
    ]);
  if (meta) {
    card.push(['trained on', meta.data_file], ['data sha256', meta.data_sha256]);
    card.push([
      'trained',
      `${meta.created} on ${meta.engine}, sentiment ${meta.package_version}, tfjs ${meta.tfjs_version}`,
    ]);
  }
  if (memory) card.push(['phrase memory', `${memory.size.toLocaleString('en-US')} training phrases`]);
  card.push([
    'classes',
    evaluation.labelNames.map((n, i) => (n === evaluation.labels[i] ? n : `${evaluation.labels[i]} ${n}`)).join(', '),
  ]);
  if (history?.kept_epoch != null) {
    const why = settings?.keep === 'last' ? 'the last' : `the best ${settings?.monitor ?? 'val_acc'}`;
    card.push([
      bagging ? 'kept epoch (fold 1)' : 'kept epoch',
      `${history.kept_epoch} of ${history.epochs.length} (${why})`,
    ]);
  }
  card.push(['scored', scoredWhat(evaluation)], ['engine', evaluation.engine.summary]);
  return card;
}

function scoredWhat(e: Evaluation): string {
  const rows = `${e.report.count.toLocaleString('en-US')} rows of ${e.file}`;
  if (e.part === 'validation')
    return `${rows}: the validation rows training held out (from line ${e.firstLine})${e.teacherSawRows === null ? '' : `, which its teacher trained on (the scores flatter it)`}`;
  return e.isTrainingFile ? `${rows}: the file it was trained on (its scores flatter it)` : rows;
}

/** The first member's curves (history.json's epochs), then each other recurrent member's. */
function memberCurves(predictor: Predictor): ReportData['curves'] {
  const { history, members } = predictor.loaded;
  if (!history) return [];
  const file = 'history.json';
  const out: ReportData['curves'] = [];
  const folds = history.members?.some((m) => m.fold !== undefined) ?? false;
  if (history.epochs.length)
    out.push({
      member: `${members[0]?.kind ?? 'lstm'}${folds ? ' (fold 1)' : ''}`,
      curves: curvesFromHistory(history, file),
    });
  for (const m of Array.isArray(history.members) ? history.members : [])
    if (Array.isArray(m.epochs) && m.epochs.length)
      out.push({
        member: m.fold === undefined ? m.kind : `${m.kind} (fold ${m.fold})`,
        curves: curvesFromHistory(m, file),
      });
  return out;
}

/**
 * Each text's words the model does not know: without an embedding row (rarer than the tokenizer's
 * num_words), or, where the training rows are known (the validation rows' report), never in them. The
 * tokenizer alone cannot tell the latter: like Keras' recipe it was fitted on every row of the file,
 * the validation rows too.
 */
function unknownWords(predictor: Predictor, cleaned: string[], trainingTexts: string[] | null): number[] | null {
  const tokenizer = predictor.loaded.members.find((m) => m instanceof RecurrentMember)?.tokenizer ?? null;
  if (!tokenizer) return null;
  const seen = trainingTexts ? new Set(trainingTexts.flatMap((t) => tokenizer.wordSequence(cleanText(t)))) : null;
  const known = (w: string) => {
    const i = tokenizer.indexOf(w);
    return i !== undefined && (tokenizer.numWords === null || i < tokenizer.numWords) && (!seen || seen.has(w));
  };
  return cleaned.map((t) => tokenizer.wordSequence(t).filter((w) => !known(w)).length);
}
