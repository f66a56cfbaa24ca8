/** `sentiment plot-history`: the loss and accuracy curves as PNG/SVG, and a quick look in the terminal. */
import type { Command } from 'commander';
import { PLOT_FLAGS, type FlagValues } from './options.ts';
import { addOptions } from './program.ts';
import { canRedraw } from './terminal.ts';

export function registerPlotHistory(program: Command): void {
  const cmd = program
    .command('plot-history')
    .description(
      'draw training and validation loss and accuracy per epoch from history.json (PNG and SVG; a chart in the terminal too)',
    );
  addOptions(cmd, PLOT_FLAGS);
  cmd.action(async (flags: FlagValues<typeof PLOT_FLAGS>) => {
    const { plotHistory } = await import('../plot/plot-history.ts');
    const { terminalChart } = await import('../plot/terminal.ts');
    const result = await plotHistory({
      modelDir: flags.model,
      historyFile: flags.history,
      out: flags.out,
      theme: flags.theme,
    });
    if (flags.terminal && canRedraw(process.stdout))
      process.stdout.write(`${result.title}\n${terminalChart(result.curves)}\n\n`);
    for (const f of result.written) process.stdout.write(`wrote ${f}\n`);
  });
}
