/** `sentiment report [FILE]`: how good a model is, where it fails and why, as one HTML page that works offline. */
import type { Command } from 'commander';
import { type FlagValues, REPORT_FLAGS } from './options.ts';
import { addOptions, backendFromEnv, scoringDisplay } from './program.ts';

export function registerReport(program: Command): void {
  const cmd = program
    .command('report')
    .description(
      'write one self-contained HTML page about a model: its card, curves, confusion matrix, per-class scores, members, calibration, accuracy by length and unknown words, and its most confident mistakes explained',
    )
    .argument(
      '[file]',
      "labelled data to score (TSV, CSV or JSON Lines); default: the rows the model held out of its training file, or its validation file (a model that held none out, such as --preset best's, needs a FILE)",
    );
  addOptions(cmd, REPORT_FLAGS);
  cmd.action(async (file: string | undefined, flags: FlagValues<typeof REPORT_FLAGS>) => {
    const { writeReport } = await import('../report/write-report.ts');
    const display = await scoringDisplay(flags.verbose === true);
    const result = await writeReport({
      file,
      out: flags.out,
      format: flags.format,
      columns: { text: flags.textColumn, label: flags.labelColumn },
      modelDir: flags.model,
      backend: backendFromEnv(cmd, flags.backend),
      batchSize: flags.batchSize,
      memory: flags.memory,
      mistakes: flags.mistakes,
      nativeLogs: flags.verbose === true,
      onEngine: display.onEngine,
      onProgress: display.onProgress,
    });
    display.stop();
    const what = result.validation ? `the validation rows of ${result.file}` : result.file;
    process.stdout.write(
      `wrote ${result.out}: ${result.rows.toLocaleString('en-US')} rows of ${what}, accuracy ${result.accuracy.toFixed(4)}, in ${result.seconds.toFixed(1)}s\n`,
    );
  });
}
