/**
 * The model the benchmarks time: the trained one in models/sentiment when it is there, otherwise an
 * untrained model of the same size and settings (speed does not depend on the weights' values).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { prepareTrainingData } from '../src/data/prepare.ts';
import { readPhraseTsv } from '../src/data/tsv.ts';
import { initEngine } from '../src/engine/engine.ts';
import { saveModelDirectory } from '../src/model/files.ts';
import { makeMeta } from '../src/model/meta.ts';
import { buildModel, SEED_RECIPE } from '../src/model/recipe.ts';

export const TRAINED_MODEL = 'models/sentiment';

export async function benchModel(trainTsv: string): Promise<{ dir: string; trained: boolean }> {
  if (existsSync(join(TRAINED_MODEL, 'model.json'))) return { dir: TRAINED_MODEL, trained: true };
  const dir = join(tmpdir(), 'sentiment-bench-model');
  if (existsSync(join(dir, 'meta.json'))) return { dir, trained: false };
  const engine = await initEngine('auto');
  const table = await readPhraseTsv(trainTsv, { labelled: true });
  const data = prepareTrainingData(table.rows, { maxWords: SEED_RECIPE.maxWords });
  const model = buildModel({ ...SEED_RECIPE, inputLength: null });
  const meta = makeMeta({ maxLen: data.maxLen, batching: 'group', numWords: SEED_RECIPE.maxWords, recurrentActivation: SEED_RECIPE.recurrentActivation, dataFile: trainTsv, dataSha256: table.sha256, engine: engine.name });
  await saveModelDirectory(dir, { model, tokenizer: data.tokenizer, history: { params: {}, epochs: [] }, meta });
  model.dispose();
  return { dir, trained: false };
}
