/** How `sentiment evaluate` shows its numbers: a summary, a per-class table and the confusion matrix; or JSON. */
import { labelJson } from '../predict/prediction-json.ts';
import chalk from 'chalk';
import type { Evaluation } from '../evaluate/evaluate-file.ts';
import { formatCount } from './format.ts';

/** Column heads of the confusion matrix: short enough for five columns in 80 characters. */
const shortName = (n: string) => n.replace('somewhat ', 's. ');

const f3 = (x: number) => x.toFixed(3);
const f4 = (x: number) => x.toFixed(4);

export function formatEvaluation(e: Evaluation): string {
  const r = e.report;
  const names = e.labelNames;
  const NAME_WIDTH = Math.max(...names.map((n) => n.length));
  const SHORT_NAMES = names.map(shortName);
  const what = e.part === 'validation' ? validationWords(e, r.count) : `${formatCount(r.count)} rows`;
  const lines = [
    `${chalk.bold('model')}     ${e.model}/`,
    `${chalk.bold('data')}      ${e.file}: ${what}, scored in ${e.seconds.toFixed(1)} s`,
  ];
  for (const p of e.parts)
    lines.push(
      `${chalk.bold(p.kind === 'blend' ? 'blend ' : 'member')}    ${(p.kind === 'blend' ? '' : p.kind).padEnd(6)} accuracy ${f4(p.accuracy)}   loss ${f4(p.loss)}`,
    );
  if (e.fromMemory > 0)
    lines.push(
      `${chalk.bold('memory')}    ${formatCount(e.fromMemory)} rows answered from the phrase memory (training phrases; --no-memory for the model's own answers)`,
    );
  if (e.isTrainingFile)
    lines.push(
      chalk.yellow(
        'note: this is the file the model was trained on; most rows were seen in training (--validation scores the held-out part)',
      ),
    );
  if (e.teacherSawRows !== null)
    lines.push(
      chalk.yellow(
        `note: the teacher ${e.teacherSawRows} trained on these rows and this student learnt its answers: the score flatters it (score a file neither saw)`,
      ),
    );
  lines.push(
    `${chalk.bold('accuracy')}  ${chalk.green(f4(r.accuracy))}   macro-F1 ${chalk.green(f4(r.macroF1))}   loss ${f4(e.loss)}`,
    `${chalk.bold('floor')}     ${f4(r.majorityAccuracy)} (always "${names[r.majorityLabel]}", the most common label here)`,
    '',
    `${''.padEnd(NAME_WIDTH)}  precision  recall     f1  support`,
  );
  r.perClass.forEach((c, i) => {
    lines.push(
      `${names[i].padEnd(NAME_WIDTH)}  ${f3(c.precision).padStart(9)}  ${f3(c.recall).padStart(6)}  ${f3(c.f1).padStart(5)}  ${formatCount(c.support).padStart(7)}`,
    );
  });
  const width = Math.max(
    8,
    ...r.confusion.flat().map((n) => formatCount(n).length),
    ...SHORT_NAMES.map((n) => n.length),
  );
  lines.push('', chalk.bold('confusion matrix') + chalk.dim(' (rows: true label, columns: predicted)'));
  lines.push(`${''.padEnd(NAME_WIDTH)}  ${SHORT_NAMES.map((n) => n.padStart(width)).join(' ')}`);
  r.confusion.forEach((row, t) => {
    const cells = row.map((n, p) => {
      const cell = formatCount(n).padStart(width);
      return p === t ? chalk.green(cell) : cell;
    });
    lines.push(`${names[t].padEnd(NAME_WIDTH)}  ${cells.join(' ')}`);
  });
  return lines.join('\n');
}

export function evaluationJson(e: Evaluation): string {
  const r = e.report;
  const names = e.labelNames;
  const labels = e.labels.map(labelJson);
  return JSON.stringify({
    file: e.file,
    model: e.model,
    part: e.part,
    rows: r.count,
    accuracy: r.accuracy,
    macro_f1: r.macroF1,
    loss: e.loss,
    majority_label: labels[r.majorityLabel],
    majority_label_name: names[r.majorityLabel],
    majority_accuracy: r.majorityAccuracy,
    members: e.parts,
    from_memory: e.fromMemory,
    scoring_seconds: e.seconds,
    per_class: r.perClass.map((c, i) => ({ label: labels[i], label_name: names[i], class_index: i, ...c })),
    confusion: { rows: 'true', columns: 'predicted', labels, label_names: [...names], matrix: r.confusion },
    engine: e.engine.name,
  });
}

/** Which rows training held out, as it chose them. */
function validationWords(e: Evaluation, count: number): string {
  const h = e.heldOut;
  const share = h ? `${+(100 * h.share).toFixed(2)}%` : '';
  if (h?.shuffled)
    return `${formatCount(count)} validation rows (a seeded random ${share} of the ${h.groupColumn ? `${h.groupColumn} groups` : 'rows'})`;
  if (h?.groupColumn)
    return `${formatCount(count)} validation rows (the ${h.groupColumn} groups that start in the last ${share} of the rows)`;
  return `validation rows (the last ${formatCount(count)}, from line ${formatCount(e.firstLine)})`;
}
