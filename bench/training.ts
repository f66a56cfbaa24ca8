/**
 * Training figures of one engine (steps at several lengths, an epoch), measured in a process of its
 * own, as `sentiment train` starts its engine: the blas and wasm engines share tfjs' WebAssembly
 * backend, which a process starts once (with threads for plain wasm training, without for blas).
 * `node --import tsx bench/training.ts '<json options>'` prints the result as JSON.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { initEngine, type EngineName } from '../src/engine/engine.ts';
import { benchEpoch, type EpochBench } from './epoch.ts';
import type { Sample } from './stats.ts';
import { benchStep } from './step.ts';

export interface TrainingBenchOptions {
  engine: EngineName;
  /** Sequence lengths of the 512-row steps timed. */
  stepLengths: number[];
  stepRuns: number;
  trainTsv: string;
  /** Batches timed for an extrapolated epoch; null for a whole epoch with validation. */
  sampleBatches: number | null;
}

export interface TrainingBench {
  /** The engine's full description, as `train --verbose` prints it. */
  reason: string;
  package: string;
  steps: Record<string, Sample>;
  epoch: EpochBench;
  /** Peak RSS of the measuring process. */
  peakRssMb: number;
}

async function measure(opts: TrainingBenchOptions): Promise<TrainingBench> {
  const info = await initEngine(opts.engine, { work: 'train' });
  const steps: Record<string, Sample> = {};
  for (const t of opts.stepLengths) steps[`512x${t}`] = await benchStep({ batch: 512, steps: t }, opts.stepRuns, 1);
  const epoch = await benchEpoch(opts.trainTsv, opts.sampleBatches);
  return { reason: info.reason, package: info.package, steps, epoch, peakRssMb: process.resourceUsage().maxRSS / 1024 };
}

const self = fileURLToPath(import.meta.url);

export async function benchTraining(opts: TrainingBenchOptions): Promise<TrainingBench> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', self, JSON.stringify(opts)], {
    maxBuffer: 1 << 24,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as TrainingBench;
}

if (process.argv[1] === self) {
  const result = await measure(JSON.parse(process.argv[2]) as TrainingBenchOptions);
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}
