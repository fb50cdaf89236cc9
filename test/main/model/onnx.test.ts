// The ONNX form of a trained encoder gives tfjs-wasm's vectors (to float tolerance) under onnxruntime-node.
import { describe, it, expect, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../../src-main/model/backend.ts';
import { runTraining, type BatchLoader, type ViewBatch } from '../../../src-main/model/training-loop.ts';
import { loadEncoder } from '../../../src-main/model/embed.ts';
import { buildEncoder } from '../../../src-main/model/encoders.ts';
import { parseSettings, representationSize, type TrainingSettingsInput } from '../../../src-main/model/settings.ts';
import { encoderToOnnx, OnnxEncoder } from '../../../src-main/model/onnx/index.ts';
import { Sequential } from '../../../src-main/model/layers/sequential.ts';
import { BatchNorm } from '../../../src-main/model/layers/batch-norm.ts';
import type { Layer } from '../../../src-main/model/layers/layer.ts';
import { Rng } from '../../../src-main/base/random.ts';

class NoisePairs implements BatchLoader {
  readonly stepsPerEpoch = 2;
  waitMs = 0;
  readonly size: number;
  constructor(size: number) {
    this.size = size;
  }
  async batch(epoch: number, step: number): Promise<ViewBatch> {
    const rng = new Rng(epoch * 10 + step);
    const n = 4 * this.size * this.size;
    const view1 = Float32Array.from({ length: n }, () => rng.normal());
    const view2 = view1.map((v) => v + 0.1 * rng.normal());
    return { view1, view2, batchSize: 4, size: this.size, channels: 1, indices: [0, 1, 2, 3] };
  }
  async close(): Promise<void> {}
}

function images(n: number, s: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n * s * s }, () => rng.normal());
}

function tfjsVectors(encoder: Layer, x: Float32Array, n: number, s: number): Float32Array {
  return tf.tidy(() => encoder.call(tf.tensor4d(x, [n, s, s, 1]))).dataSync() as Float32Array;
}

function maxAbsDifference(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
}

const base = { image_size: 16, batch_size: 4, projection_size: 8, projection_hidden_size: 16, epochs: 1, seed: 1, embed_profile: false } as const;

describe('ONNX export of the encoder', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  const cases: [string, TrainingSettingsInput][] = [
    ['small-cnn, global pooling, a representation layer', { ...base, encoder: 'small-cnn', width: 4, depth: 3, coordinates: 'cartesian', representation_size: 12 }],
    ['small-cnn, azimuthal pooling on polar input', { ...base, encoder: 'small-cnn', width: 4, depth: 3, coordinates: 'polar' }],
    ['resnet18 (max pool, projection shortcuts)', { ...base, encoder: 'resnet18', width: 4, depth: 2, coordinates: 'cartesian' }],
  ];

  for (const [what, input] of cases) {
    it(`gives tfjs-wasm's vectors for a trained checkpoint: ${what}`, async () => {
      const settings = parseSettings(input);
      const weights = (await runTraining({ settings, loader: new NoisePairs(16), backend: 'wasm' })).checkpoint;
      const encoder = loadEncoder(weights, settings);
      const n = 9, x = images(n, 16, 5);
      const expected = tfjsVectors(encoder, x, n, 16);
      const session = await OnnxEncoder.create(encoderToOnnx(encoder, 16, 1), 16, 1);
      const got = await session.run(x, n);
      expect(got.length).toBe(n * representationSize(settings));
      const scale = expected.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      expect(scale).toBeGreaterThan(0.01);
      expect(maxAbsDifference(got, expected)).toBeLessThan(1e-5 * Math.max(1, scale));
      // an image's vector does not depend on the batch it is in, bit for bit (sharded embedding merges
      // with a single-process one)
      const alone = await session.run(x.subarray(4 * 256, 5 * 256), 1);
      expect(Array.from(alone)).toEqual(Array.from(got.subarray(4 * alone.length, 5 * alone.length)));
      await session.dispose();
      encoder.dispose();
    });
  }

  it('changing a weight changes the ONNX vectors (the weights are the encoder\'s, not constants)', async () => {
    const settings = parseSettings({ ...base, encoder: 'small-cnn', width: 4, depth: 2, coordinates: 'cartesian' });
    const encoder = buildEncoder(settings);
    encoder.build([-1, 16, 16, 1], new Rng(2));
    const x = images(2, 16, 6);
    const run = async () => {
      const session = await OnnxEncoder.create(encoderToOnnx(encoder, 16, 1), 16, 1);
      try { return await session.run(x, 2); } finally { await session.dispose(); }
    };
    const before = await run();
    const beta = encoder.weights().find((w) => w.path === 'block1/norm/beta')!.variable;
    beta.assign(tf.add(beta, 0.5));
    const after = await run();
    expect(maxAbsDifference(before, after)).toBeGreaterThan(0.1);
    expect(maxAbsDifference(after, tfjsVectors(encoder, x, 2, 16))).toBeLessThan(1e-5);
    encoder.dispose();
  });

  it('names a layer it has no ONNX form for', () => {
    const model = new Sequential('encoder', [new BatchNorm({ name: 'bn' })]);
    model.build([-1, 4], new Rng(1));
    expect(() => encoderToOnnx(model, 4, 1)).toThrow(/no ONNX form for layer bn \(BatchNorm\)/);
    model.dispose();
  });
});
