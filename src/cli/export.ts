/** `sentiment export --web DIR`: the model in a web page and a browser ES module, as one folder. */
import type { Command } from 'commander';
import { EXPORT_FLAGS, type FlagValues, flagFor } from './options.ts';
import { addOptions, backendFromEnv, reportEngine, UsageError } from './program.ts';

const mb = (n: number) => `${(n / 1e6).toFixed(2)} MB`;

export function registerExport(program: Command): void {
  const cmd = program
    .command('export')
    .description(
      "write a trained model as a web page and a browser ES module that give predict --json's answers, offline, from any static file server",
    );
  addOptions(cmd, EXPORT_FLAGS);
  cmd.addHelpText(
    'after',
    `
Examples:
  sentiment export --web site
  sentiment export --web site --quantize float16 --force
  (cd site && python3 -m http.server 8000)   # then open http://127.0.0.1:8000/`,
  );
  cmd.action(async (flags: FlagValues<typeof EXPORT_FLAGS>) => {
    if (!flags.web) throw new UsageError('export: give --web DIR, the folder to write');
    const { exportWeb } = await import('../export/export-web.ts');
    const { describeEngine } = await import('../engine/engine.ts');
    const result = await exportWeb({
      modelDir: flags.model,
      out: flags.web,
      quantize: flags.quantize,
      force: flags.force === true,
      dataFile: flags.data,
      backend: backendFromEnv(cmd, flags.backend),
      onEngine: (info) => reportEngine(info, describeEngine(info), flags.verbose === true),
      onStep: (step) => process.stderr.write(`${step}…\n`),
    });
    const width = Math.max(...result.parts.map((p) => p.part.length));
    const lines = result.parts.map(
      (p) =>
        `  ${p.part.padEnd(width)}  ${p.before === null ? ''.padStart(9) : mb(p.before).padStart(9)}  → ${mb(p.after).padStart(9)}`,
    );
    const before = result.parts.reduce((n, p) => n + (p.before ?? 0), 0);
    const after = result.parts.reduce((n, p) => n + p.after, 0);
    const a = result.accuracy;
    const accuracy =
      'rows' in a
        ? `accuracy on ${a.rows.toLocaleString('en-US')} validation rows: ${a.before.toFixed(4)} → ${a.after.toFixed(4)} (${a.after >= a.before ? '+' : ''}${(100 * (a.after - a.before)).toFixed(2)} points)`
        : `accuracy not measured: ${a.skipped.replace(/\{(\w+)\}/g, (_, s: string) => flagFor(s))}`;
    process.stdout.write(
      `wrote ${result.out} in ${result.seconds.toFixed(1)}s${result.quantize ? ` (${result.quantize} weights)` : ''}\n${lines.join('\n')}\n  ${'in all'.padEnd(width)}  ${mb(before).padStart(9)}  → ${mb(after).padStart(9)}\n${accuracy}\n`,
    );
  });
}
