/** Helpers that put the flag descriptions (options.ts) on commander commands. */
import { type Command, Option } from 'commander';
import chalk from 'chalk';
import type { EngineInfo } from '../engine/engine.ts';
import { ENGINE_CHOICES, type EngineRequest } from '../engine/names.ts';
import { InputError } from '../errors.ts';
import type { Flag } from './options.ts';
import type { Progress } from './progress.ts';

/**
 * Adds each described flag; its key must be the name commander stores its value under, or, for the
 * --no-X of a --X pair, its setting's.
 */
export function addOptions(cmd: Command, flags: Record<string, Flag<unknown>>): Command {
  for (const [key, f] of Object.entries(flags)) {
    const opt = new Option(f.flags, f.description);
    if (opt.attributeName() !== key && !(opt.negate && opt.attributeName() === f.setting))
      throw new Error(`flag ${f.flags} is described under "${key}", but commander names it "${opt.attributeName()}"`);
    // commander gives a --no-X flag its true default itself (and would print it in --help).
    if (f.default !== undefined && !opt.negate) opt.default(f.default);
    if (f.choices) opt.choices(f.choices as string[]);
    if (f.parse) opt.argParser(f.parse);
    cmd.addOption(opt);
  }
  return cmd;
}

/** --backend wins; SENTIMENT_BACKEND applies when the flag was left at its default. */
export function backendFromEnv(cmd: Command, flag: EngineRequest): EngineRequest {
  const env = process.env.SENTIMENT_BACKEND;
  if (cmd.getOptionValueSource('backend') === 'default' && env) {
    if (!(ENGINE_CHOICES as readonly string[]).includes(env)) {
      throw new InputError(`SENTIMENT_BACKEND=${env}: expected one of ${ENGINE_CHOICES.join(', ')}`);
    }
    return env as EngineRequest;
  }
  return flag;
}

/**
 * predict and evaluate name the engine on stderr only when it matters: with --verbose (in full), when
 * a faster one could run (one short line saying how), or when the speed patches are off (the summary
 * says why). `full` is describeEngine's text.
 */
export function reportEngine(info: EngineInfo, full: string, verbose: boolean): void {
  if (verbose) process.stderr.write(chalk.dim(`engine  ${full}\n`));
  else if (info.fasterWith) process.stderr.write(chalk.dim(`engine  ${info.summary}: ${info.fasterWith}\n`));
  else if (info.patchesOff) process.stderr.write(chalk.dim(`engine  ${info.summary}\n`));
}

/** What a command scoring a file shows while it works: the engine (as reportEngine), then a progress bar. */
export async function scoringDisplay(verbose: boolean): Promise<{
  onEngine(info: EngineInfo): void;
  onProgress(done: number, total: number): void;
  /** Ends the bar, if one started. */
  stop(): void;
}> {
  const { describeEngine } = await import('../engine/engine.ts');
  const { startProgress } = await import('./progress.ts');
  let bar: Progress | undefined;
  return {
    onEngine: (info) => reportEngine(info, describeEngine(info), verbose),
    onProgress: (done, total) => {
      bar ??= startProgress('scoring', total);
      bar.update(done);
    },
    stop: () => bar?.stop(),
  };
}

/**
 * With --verbose, after the work: how often the native LSTM kernel ran, by pass. Zero passes on the
 * blas engine means the LSTM ran on tfjs' own per-step layer, many times slower (it once did, unseen).
 */
export async function reportLstmPasses(info: EngineInfo, verbose: boolean): Promise<void> {
  if (!verbose || info.name !== 'blas') return;
  const { nativeLstmCalls } = await import('../model/lstm/kernels.ts');
  const c = nativeLstmCalls();
  process.stderr.write(
    chalk.dim(
      `lstm    native kernel: ${c.tree} prefix-forest passes, ${c.forward} batch passes forward, ${c.backward} backward\n`,
    ),
  );
}

/**
 * A command line the tool refuses though commander parsed it (sources that exclude each other, a flag
 * that needs another): exit 2, as every refusal of the tool's own; exit 1 is left to commander's
 * parse errors (an unknown flag, a malformed value).
 */
export class UsageError extends Error {
  override name = 'UsageError';
}
