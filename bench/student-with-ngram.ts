/**
 * `node --import tsx bench/student-with-ngram.ts <block dir>`: would a student do better with an n-gram
 * member beside it? The block directory is what `npm run bench:holdout -- --block b --presets
 * best,student` leaves (train.tsv, held-out.tsv, student/): an n-gram member is trained on the student's
 * own training rows (the labels, as `ensemble` trains one), blended with the student on its validation
 * rows, and both are scored on the held-out block, the student's phrase memory answering as predict does.
 */
import { join } from 'node:path';
import { readLabelled } from '../src/data/labels.ts';
import { cleanTexts } from '../src/data/encode.ts';
import { splitRows } from '../src/data/split.ts';
import { makeRng } from '../src/data/random.ts';
import { startEngine } from '../src/engine/engine.ts';
import { loadModelDirectory } from '../src/model/directory.ts';
import { Predictor } from '../src/predict/predictor.ts';
import { fitBlend } from '../src/train/fit-blend.ts';
import { NGRAM_TRAINING, trainNgram } from '../src/train/train-ngram.ts';

const dir = process.argv[2];
if (!dir) throw new Error('usage: node --import tsx bench/student-with-ngram.ts <block dir of bench:holdout>');
const engine = await startEngine('blas', { work: 'score' });
const student = await loadModelDirectory(join(dir, 'student'), undefined, engine.speed);
const train = await readLabelled(join(dir, 'train.tsv'));
const held = await readLabelled(join(dir, 'held-out.tsv'));
const cleaned = cleanTexts(train.texts);
const { trainRows, valRows } = splitRows(cleaned.length, 0.1);
console.log(
  'rows',
  cleaned.length,
  'train',
  trainRows.length,
  'val',
  valRows.length,
  'labels',
  student.labels.join(','),
  train.labels.join(','),
);
const t0 = performance.now();
const ngram = await trainNgram(
  Array.from(trainRows, (r) => cleaned[r]),
  Int32Array.from(trainRows, (r) => train.index[r]),
  5,
  makeRng('ngram:42'),
  NGRAM_TRAINING,
);
if (!ngram) throw new Error('no ngram');
console.log('ngram trained', ((performance.now() - t0) / 1000).toFixed(0), 's');
const valTexts = Array.from(valRows, (r) => cleaned[r]);
const valLabels = Int32Array.from(valRows, (r) => train.index[r]);
const members = [student.members[0], ngram];
const outs = members.map((m) => m.predict(valTexts).probabilities);
const accOf = (p: Float32Array, labels: Int32Array) => {
  let right = 0;
  for (let i = 0; i < labels.length; i++) {
    let best = 0;
    for (let j = 1; j < 5; j++) if (p[i * 5 + j] > p[i * 5 + best]) best = j;
    if (best === labels[i]) right++;
  }
  return right / labels.length;
};
console.log('val acc student', accOf(outs[0], valLabels).toFixed(4), 'ngram', accOf(outs[1], valLabels).toFixed(4));
for (const method of ['linear', 'log-linear'] as const) {
  const { blend, scores } = fitBlend(outs, valLabels, 5, method);
  const both = new Predictor({ ...student, members, blend });
  const alone = new Predictor(student);
  const heldTexts = held.texts;
  const a = alone.predict(heldTexts).predictions;
  const b = both.predict(heldTexts).predictions;
  const acc = (ps: { index: number }[]) => ps.filter((p, i) => p.index === held.index[i]).length / ps.length;
  console.log(
    method,
    JSON.stringify(blend),
    'val blend',
    scores.acc.toFixed(4),
    'held-out: student',
    acc(a).toFixed(4),
    'student+ngram',
    acc(b).toFixed(4),
  );
}
