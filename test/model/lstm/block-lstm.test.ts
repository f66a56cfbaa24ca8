import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import * as tf from '../../../src/engine/tf.ts';
import { initEngine, startEngine } from '../../../src/engine/engine.ts';
import type { TensorflowOps } from '../../../src/engine/patches/tensorflow-ops.ts';
import type { SpeedLayer } from '../../../src/engine/speed-layer.ts';
import { lstmSequenceByBlock } from '../../../src/model/lstm/block-lstm.ts';
import { lstmPath } from '../../../src/model/lstm/sequence-op.ts';
import { needTensorflow } from '../../helpers.ts';
import { close, randomTensors, referenceLstm, sameGradients, trainingGradients, twinLayers } from './reference.ts';

const { rand, mask } = randomTensors('block-lstm');

/** The tensorflow engine's speed layer, its op runner counting the ops it runs. */
async function countingSpeed(): Promise<{ speed: SpeedLayer; ran: string[] }> {
  const { speed } = await startEngine('tensorflow', { work: 'train' });
  assert.ok(speed?.tensorflow, 'the tensorflow engine hands an op runner');
  const real: TensorflowOps = speed.tensorflow;
  const ran: string[] = [];
  return {
    ran,
    speed: {
      native: null,
      tensorflow: {
        run: (name, ...rest) => {
          ran.push(name);
          return real.run(name, ...rest);
        },
      },
    },
  };
}

describe("the LSTM on TensorFlow's fused kernels (tensorflow engine)", () => {
  after(async () => {
    await initEngine('wasm');
  });

  it("gives tfjs' LSTM output and gradients, with input and recurrent dropout, every step's output and one step", async (t) => {
    if (!(await needTensorflow(t))) return;
    const { speed, ran } = await countingSpeed();
    const ops = speed.tensorflow as TensorflowOps;
    for (const [batch, steps, features, units, sequences, recurrentDropout] of [
      [1, 1, 1, 1, false, false],
      [3, 5, 4, 2, false, false],
      [5, 7, 3, 6, true, false],
      [2, 12, 8, 4, true, false],
      [1, 1, 1, 1, false, true],
      [3, 5, 4, 2, false, true],
      [5, 7, 3, 6, true, true],
    ] as const) {
      const x = rand([batch, steps, features], 2);
      const w = rand([features, 4 * units]);
      const u = rand([units, 4 * units]);
      const b = rand([4 * units], 0.5);
      const mx = mask([batch, features], 0.3);
      const mh = recurrentDropout ? mask([batch, units], 0.3) : tf.ones([batch, units]);
      const r = rand(sequences ? [batch, steps, units] : [batch, units]);
      const loss =
        (f: (...t: tf.Tensor[]) => tf.Tensor) =>
        (...t: tf.Tensor[]) =>
          tf.sum(tf.mul(f(...t), r));
      const block = loss((xs, ws, us, bs) =>
        lstmSequenceByBlock(
          {
            x: xs as tf.Tensor3D,
            kernel: ws as tf.Tensor2D,
            recurrentKernel: us as tf.Tensor2D,
            bias: bs as tf.Tensor1D,
            inputMask: mx as tf.Tensor2D,
            recurrentMask: mh as tf.Tensor2D,
          },
          sequences,
          ops,
          recurrentDropout,
        ),
      );
      const ref = loss((xs, ws, us, bs) => referenceLstm(xs, ws, us, bs, mx, mh, 'sigmoid', sequences));
      const what = `${batch}x${steps}x${features}, ${units} units${sequences ? ', sequences' : ''}${recurrentDropout ? ', recurrent dropout' : ''}`;
      ran.length = 0;
      close(block(x, w, u, b), ref(x, w, u, b), `${what} loss`);
      const gb = tf.grads(block)([x, w, u, b]);
      const gr = tf.grads(ref)([x, w, u, b]);
      ['input', 'kernel', 'recurrent kernel', 'bias'].forEach((name, i) => close(gb[i], gr[i], `${what} d${name}`));
      // One op for the sequence, or one cell a step (forward twice: the loss, then its gradient).
      const perPass = recurrentDropout ? steps : 1;
      assert.equal(
        ran.filter((n) => n === (recurrentDropout ? 'LSTMBlockCellGrad' : 'BlockLSTMGradV2')).length,
        perPass,
      );
    }
  });

  it('runs sigmoid LSTM layers (both directions, with and without recurrent dropout), and nothing else', async (t) => {
    if (!(await needTensorflow(t))) return;
    const { speed, ran } = await countingSpeed();
    const x = rand([4, 6, 5]);
    for (const goBackwards of [false, true]) {
      const { plain, fused } = twinLayers(
        3,
        x,
        [`plain_${goBackwards}`, `block_${goBackwards}`],
        { goBackwards, returnSequences: true, recurrentActivation: 'sigmoid' },
        speed,
      );
      ran.length = 0;
      const r = rand([4, 6, 3]);
      sameGradients(trainingGradients(fused, x, r), trainingGradients(plain, x, r));
      assert.deepEqual(ran, ['BlockLSTMV2', 'BlockLSTMGradV2'], 'the layer trained on the fused kernels');
      ran.length = 0;
      close(fused.apply(x) as tf.Tensor, plain.apply(x) as tf.Tensor, 'inference');
      assert.deepEqual(ran, ['BlockLSTMV2']);
    }
    // With recurrent dropout, in training: one cell a step.
    const { fused: dropped } = twinLayers(
      3,
      x,
      ['plain_dropout', 'cells_dropout'],
      { recurrentActivation: 'sigmoid', recurrentDropout: 0.3 },
      speed,
    );
    ran.length = 0;
    trainingGradients(dropped, x, rand([4, 3]));
    assert.deepEqual(ran, [...Array(6).fill('LSTMBlockCell'), ...Array(6).fill('LSTMBlockCellGrad')]);
    // No hard sigmoid in TensorFlow's kernels: the seed's LSTM stays on the ops path (tfjs' layer for inference).
    assert.equal(lstmPath(true, speed, { gate: 'hardSigmoid' }), 'ops');
    assert.equal(lstmPath(false, speed, { gate: 'hardSigmoid' }), 'layer');
    assert.equal(lstmPath(true, speed, { gate: 'sigmoid' }), 'block');
  });
});
