import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { interruptOnSignals } from '../../src/cli/signals.ts';

describe('signals during training', () => {
  it('the first Ctrl-C asks for a stop after the batch; the second quits at once with 130; SIGTERM twice with 143', () => {
    for (const [sig, code] of [
      ['SIGINT', 130],
      ['SIGTERM', 143],
    ] as const) {
      const exits: number[] = [];
      const said: string[] = [];
      const listeners = process.listenerCount(sig);
      const stop = interruptOnSignals(
        (c) => exits.push(c),
        (t) => said.push(t),
      );
      try {
        process.emit(sig, sig);
        assert.equal(stop.signal.aborted, true);
        assert.equal(stop.signal.reason, sig);
        assert.deepEqual(exits, [], 'the first one does not exit');
        assert.match(said.join(''), new RegExp(`${sig}: stopping after this batch`));
        process.emit(sig, sig);
        assert.deepEqual(exits, [code], 'the second one exits, at once');
        assert.match(said.join(''), new RegExp(`${sig} again: quitting now`));
      } finally {
        stop.dispose();
      }
      assert.equal(process.listenerCount(sig), listeners, 'dispose removes the handlers');
    }
  });

  it('a stop asked for by the program (a closed pipe) counts as the first signal', () => {
    const exits: number[] = [];
    const stop = interruptOnSignals(
      (c) => exits.push(c),
      () => undefined,
    );
    try {
      stop.abort('SIGPIPE');
      assert.equal(stop.signal.reason, 'SIGPIPE');
      process.emit('SIGINT', 'SIGINT');
      assert.deepEqual(exits, [130]);
    } finally {
      stop.dispose();
    }
  });
});
