/** A progress bar on a TTY, a plain line every tenth of the work otherwise; written to stderr so stdout stays data. */
import cliProgress from 'cli-progress';
import { formatCount, formatDuration } from './format.ts';
import { canRedraw } from './terminal.ts';

export interface Progress {
  update(done: number): void;
  stop(): void;
}

export function startProgress(label: string, total: number, out: NodeJS.WriteStream = process.stderr): Progress {
  const started = performance.now();
  const rate = (done: number) => done / Math.max((performance.now() - started) / 1000, 1e-9);
  if (canRedraw(out)) {
    const bar = new cliProgress.SingleBar(
      {
        format: `${label} {bar} {value}/{total} | {rate}/s | ETA {remaining}`,
        barsize: 24,
        hideCursor: true,
        clearOnComplete: true,
        stream: out,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { rate: '-', remaining: '-' });
    return {
      update(done) {
        const r = rate(done);
        bar.update(done, { rate: formatCount(Math.round(r)), remaining: formatDuration((total - done) / r) });
      },
      stop: () => bar.stop(),
    };
  }
  let next = Math.ceil(total / 10);
  return {
    update(done) {
      if (done < next && done < total) return;
      out.write(`${label} ${formatCount(done)}/${formatCount(total)}  ${formatCount(Math.round(rate(done)))}/s\n`);
      while (next <= done) next += Math.ceil(total / 10);
    },
    stop() {},
  };
}
