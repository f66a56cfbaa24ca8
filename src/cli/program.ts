/** The commander program shared by every command, and helpers to add option specs to it. */
import { Command, Option } from 'commander';
import { InputError } from '../data/errors.ts';
import { ENGINE_CHOICES, type EngineRequest } from '../engine/engine.ts';
import type { OptionSpec } from './options.ts';

export function addOptions(cmd: Command, specs: OptionSpec[]): Command {
  for (const spec of specs) {
    const opt = new Option(spec.flags, spec.description);
    if (spec.default !== undefined) opt.default(spec.default);
    if (spec.parse) opt.argParser(spec.parse);
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
