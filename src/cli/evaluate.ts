/** `sentiment evaluate FILE`: accuracy, macro-F1, per-class scores and the confusion matrix of a model on a labelled TSV. */
import type { Command } from 'commander';
import { evaluationJson, formatEvaluation } from './evaluate-view.ts';
import { EVALUATE_FLAGS, type FlagValues } from './options.ts';
import { addOptions, backendFromEnv, reportLstmPasses, scoringDisplay } from './program.ts';

export function registerEvaluate(program: Command): void {
  const cmd = program
    .command('evaluate')
    .description(
      'score a model on labelled data (TSV, CSV or JSON Lines): accuracy, macro-F1, per-class scores, confusion matrix',
    )
    .argument('<file>', 'labelled data, e.g. a held-out file, or the training file with --validation');
  addOptions(cmd, EVALUATE_FLAGS);
  cmd.action(async (file: string, flags: FlagValues<typeof EVALUATE_FLAGS>) => {
    // Loaded here, not at the top: `--help` and flag errors answer without starting TensorFlow.js.
    const { evaluateFile } = await import('../evaluate/evaluate-file.ts');
    const display = await scoringDisplay(flags.verbose === true);
    const result = await evaluateFile({
      file,
      format: flags.format,
      columns: { text: flags.textColumn, label: flags.labelColumn },
      modelDir: flags.model,
      backend: backendFromEnv(cmd, flags.backend),
      validation: Boolean(flags.validation),
      batchSize: flags.batchSize,
      memory: flags.memory,
      nativeLogs: flags.verbose === true,
      onEngine: display.onEngine,
      onProgress: display.onProgress,
    });
    display.stop();
    process.stdout.write(`${flags.json ? evaluationJson(result) : formatEvaluation(result)}\n`);
    await reportLstmPasses(result.engine, flags.verbose === true);
  });
}
