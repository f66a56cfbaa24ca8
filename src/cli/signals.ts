/** Ctrl-C, SIGTERM and SIGHUP during training: the first stops after the batch, the second leaves at once. */

/** 128 + the signal's number, as a shell reports a process the signal ended. */
export const EXIT_CODE: Record<string, number> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export interface Interrupt {
  signal: AbortSignal;
  abort(reason: string): void;
  dispose(): void;
}

/**
 * First SIGINT/SIGTERM: abort `signal` (training stops after the current batch). Second: leave at once
 * through `exit` (every file write is atomic, so nothing is left half-written).
 */
export function interruptOnSignals(
  exit: (code: number) => void = process.exit,
  say: (text: string) => void = (t) => process.stderr.write(t),
): Interrupt {
  const controller = new AbortController();
  const handler = (sig: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      say(`\n${sig} again: quitting now\n`);
      exit(EXIT_CODE[sig] ?? 1);
      return;
    }
    // What stays (a checkpoint, folds done, nothing) depends on the run: its last lines say.
    say(`\n${sig}: stopping after this batch (${sig === 'SIGINT' ? 'Ctrl-C' : sig} again quits at once)\n`);
    controller.abort(sig);
  };
  for (const s of SIGNALS) process.on(s, handler);
  return {
    signal: controller.signal,
    abort: (reason) => controller.abort(reason),
    dispose() {
      for (const s of SIGNALS) process.off(s, handler);
    },
  };
}
