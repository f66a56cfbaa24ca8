/**
 * The model the benchmarks time: the trained one in models/sentiment when it is there, otherwise an
 * untrained model of the same size and settings (speed does not depend on the weights' values).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { prepareTrainingData } from '../src/data/prepare.ts';
import { readLabelled } from '../src/data/labels.ts';
import { KAGGLE_CLASSES, NUM_CLASSES } from '../src/data/labels.ts';
import { startEngine } from '../src/engine/engine.ts';
import * as tf from '../src/engine/tf.ts';
import { saveModelDirectory } from '../src/model/directory.ts';
import { makeMeta } from '../src/model/meta.ts';
import { buildModel } from '../src/model/recipe.ts';
import { RecurrentMember } from '../src/model/recurrent-member.ts';
import { DEFAULT_SETTINGS, settingsToJson } from '../src/settings.ts';

export const TRAINED_MODEL = 'models/sentiment';

export async function benchModel(trainTsv: string): Promise<{ dir: string; trained: boolean }> {
  if (existsSync(join(TRAINED_MODEL, 'model.json'))) return { dir: TRAINED_MODEL, trained: true };
  const dir = join(tmpdir(), 'sentiment-bench-model');
  if (existsSync(join(dir, 'meta.json'))) return { dir, trained: false };
  const engine = await startEngine('auto');
  const table = await readLabelled(trainTsv);
  const data = prepareTrainingData(table.texts, table.index, { maxWords: DEFAULT_SETTINGS.maxWords });
  const settings = { ...DEFAULT_SETTINGS, maxLen: data.maxLen };
  const member = new RecurrentMember(
    buildModel(settings, { numClasses: NUM_CLASSES, inputLength: null }, engine.speed),
    data.tokenizer,
    { maxLen: data.maxLen, batching: 'group' },
  );
  const meta = makeMeta({
    classes: KAGGLE_CLASSES,
    members: [member.entry('.')],
    blend: null,
    memory: null,
    settings,
    dataFile: trainTsv,
    dataSha256: table.table.sha256,
    engine: engine.info.name,
    tfjsVersion: tf.version_core,
  });
  await saveModelDirectory(dir, {
    members: [{ member, path: '.' }],
    memory: null,
    history: { settings: settingsToJson(settings), epochs: [], kept_epoch: null },
    meta,
  });
  member.dispose();
  return { dir, trained: false };
}
