import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { models } from '@tensorflow/tfjs-layers';
import * as tf from '../../../src/engine/tf.ts';
import { initEngine } from '../../../src/engine/engine.ts';
import { lstmClass } from '../../../src/engine/patches/layers-internals.ts';
import { FusedLSTM, registerFusedLstm } from '../../../src/model/lstm/layer.ts';

describe('FusedLSTM as the class of every loaded LSTM (src/model/lstm/layer.ts)', () => {
  it("a model file's LSTM loads as FusedLSTM, through tfjs' own LSTM.fromConfig (its config migration included)", async () => {
    await initEngine('wasm');
    registerFusedLstm();
    const config = { units: 3, implmentation: 0, returnSequences: false } as tf.serialization.ConfigDict;
    // What tfjs' deserialize calls for a class registered as 'LSTM'.
    const found = tf.serialization.SerializationMap.getMap().classNameMap.LSTM;
    assert.equal(found?.[0], FusedLSTM);
    const layer = found[1](FusedLSTM, config) as unknown as FusedLSTM;
    assert.ok(layer instanceof FusedLSTM);
    assert.ok(layer instanceof lstmClass());
    // tfjs' LSTM.fromConfig turns the misspelt key of old files into implementation 1.
    assert.equal(config.implementation, 1);
    assert.equal(layer.getClassName(), 'LSTM');
  });

  it('without the speed layer a loaded LSTM computes what tfjs-layers computes', async () => {
    await initEngine('wasm');
    const build = () => {
      const input = tf.input({ shape: [4, 2] });
      const out = tf.layers.lstm({ units: 3, kernelInitializer: 'ones', recurrentInitializer: 'ones' }).apply(input);
      return tf.model({ inputs: input, outputs: out as tf.SymbolicTensor });
    };
    const model = build();
    const loaded = (await models.modelFromJSON({ modelTopology: model.toJSON(undefined, false) })) as tf.LayersModel;
    loaded.setWeights(model.getWeights());
    const lstm = loaded.layers.find((l) => l.getClassName() === 'LSTM');
    assert.ok(lstm instanceof FusedLSTM);
    assert.equal((lstm as FusedLSTM).speed, null);
    const x = tf.tensor3d([
      [
        [0.1, -0.2],
        [0.3, 0.4],
        [0, 1],
        [-1, 0.5],
      ],
    ]);
    const a = (model.predict(x) as tf.Tensor).dataSync();
    const b = (loaded.predict(x) as tf.Tensor).dataSync();
    assert.deepEqual(Array.from(b), Array.from(a));
  });
});
