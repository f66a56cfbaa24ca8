import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as api from '../src/index.ts';

describe('library API', () => {
  it('exposes the pipeline pieces', () => {
    for (const name of ['cleanText', 'Tokenizer', 'padSequences', 'readTable', 'prepareTrainingData', 'buildModel', 'trainModel', 'runTraining', 'initEngine', 'saveLayersModel', 'loadLayersModel', 'loadModelDirectory', 'Predictor', 'openPredictor', 'writeSubmission', 'evaluateFile', 'classificationReport']) {
      assert.equal(typeof (api as Record<string, unknown>)[name], 'function', name);
    }
    assert.equal(api.cleanText("It's NOT good!"), 'it is not good !');
  });
});
