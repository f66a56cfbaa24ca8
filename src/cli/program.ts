/** The commander program shared by every command, and helpers to add option specs to it. */
import { Command, Option } from 'commander';
import type { EngineRequest } from '../engine/engine.ts';
import { BACKEND_OPTION, type OptionSpec } from './options.ts';

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
    const parse = BACKEND_OPTION.parse as (v: string) => EngineRequest;
    return parse(env);
  }
  return flag;
}
