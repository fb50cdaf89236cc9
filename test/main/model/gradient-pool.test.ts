// Data-parallel gradients over threads equal the single-thread full-batch gradients (exactly with
// layer-norm heads; batch-norm heads normalise each shard on its own).
import { describe, it, expect, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../../src-main/model/backend.ts';
import { Byol } from '../../../src-main/model/byol.ts';
import { createGradientPool } from '../../../src-main/model/gradient-pool.ts';
import { parseSettings } from '../../../src-main/model/settings.ts';
import { Rng } from '../../../src-main/base/random.ts';

describe('gradient pool', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('two threads on uneven halves of a batch give the full-batch loss and gradients', async () => {
    const s = parseSettings({ encoder: 'resnet18', width: 4, depth: 2, image_size: 16, batch_size: 7, projection_size: 8, projection_hidden_size: 16, seed: 2, head_norm: 'layer' });
    const byol = new Byol(s, { totalSteps: 10, warmupSteps: 0 });
    // Move the weights off their initial values so the helper must really receive them.
    const rng = new Rng(4);
    const mk = () => Float32Array.from({ length: 7 * 256 }, () => rng.normal());
    const shape: [number, number, number, number] = [7, 16, 16, 1];
    const warm = { v1: tf.tensor4d(mk(), shape), v2: tf.tensor4d(mk(), shape) };
    byol.trainStep(warm.v1, warm.v2);
    tf.dispose([warm.v1, warm.v2]);
    const batch = { view1: mk(), view2: mk(), batchSize: 7, size: 16, channels: 1, indices: [] };
    const pool = await createGradientPool(s, 2, 'wasm', byol);
    try {
      const ref = tf.tidy(() => byol.gradients(tf.tensor4d(batch.view1, shape), tf.tensor4d(batch.view2, shape)));
      const got = await pool.gradients(byol, batch);
      expect(got.loss).toBeCloseTo(ref.loss.dataSync()[0]!, 5);
      expect(got.grads).toHaveLength(ref.grads.length);
      ref.grads.forEach((g, i) => {
        const a = g.dataSync();
        const b = got.grads[i]!.dataSync();
        let num = 0;
        let den = 0;
        for (let k = 0; k < a.length; k++) {
          num += (a[k]! - b[k]!) ** 2;
          den += a[k]! ** 2;
        }
        expect(Math.sqrt(num / Math.max(den, 1e-30)), byol.trainableWeights()[i]!.path).toBeLessThan(1e-4);
      });
      tf.dispose([ref.loss, ...ref.grads, ...got.grads]);
    } finally {
      await pool.close();
      byol.dispose();
    }
  });

  it('a batch smaller than the pool leaves the spare threads idle and still gives the batch gradient', async () => {
    const s = parseSettings({ encoder: 'small-cnn', width: 4, depth: 2, image_size: 8, batch_size: 4, projection_size: 4, projection_hidden_size: 8, seed: 5, head_norm: 'layer' });
    const byol = new Byol(s, { totalSteps: 10, warmupSteps: 0 });
    const rng = new Rng(6);
    const mk = () => Float32Array.from({ length: 2 * 64 }, () => rng.normal());
    const batch = { view1: mk(), view2: mk(), batchSize: 2, size: 8, channels: 1, indices: [] };
    const pool = await createGradientPool(s, 3, 'wasm', byol);
    try {
      const shape: [number, number, number, number] = [2, 8, 8, 1];
      const ref = tf.tidy(() => byol.gradients(tf.tensor4d(batch.view1, shape), tf.tensor4d(batch.view2, shape)));
      const got = await pool.gradients(byol, batch);
      expect(got.loss).toBeCloseTo(ref.loss.dataSync()[0]!, 5);
      const a = ref.grads[0]!.dataSync();
      const b = got.grads[0]!.dataSync();
      for (let k = 0; k < a.length; k++) expect(b[k]).toBeCloseTo(a[k]!, 4);
      tf.dispose([ref.loss, ...ref.grads, ...got.grads]);
    } finally {
      await pool.close();
      byol.dispose();
    }
  });
  it('with batch-norm heads (the default) each shard normalises on its own: finite, nonzero, not the full-batch gradient', async () => {
    const s = parseSettings({ encoder: 'small-cnn', width: 4, depth: 2, image_size: 8, batch_size: 8, projection_size: 4, projection_hidden_size: 8, seed: 7 });
    expect(s.head_norm).toBe('batch');
    const byol = new Byol(s, { totalSteps: 10, warmupSteps: 0 });
    const rng = new Rng(8);
    const mk = () => Float32Array.from({ length: 8 * 64 }, () => rng.normal());
    const batch = { view1: mk(), view2: mk(), batchSize: 8, size: 8, channels: 1, indices: [] };
    const pool = await createGradientPool(s, 2, 'wasm', byol);
    try {
      const shape: [number, number, number, number] = [8, 8, 8, 1];
      const ref = tf.tidy(() => byol.gradients(tf.tensor4d(batch.view1, shape), tf.tensor4d(batch.view2, shape)));
      const got = await pool.gradients(byol, batch);
      expect(Number.isFinite(got.loss)).toBe(true);
      expect(got.grads).toHaveLength(ref.grads.length);
      const a = ref.grads[0]!.dataSync();
      const b = got.grads[0]!.dataSync();
      expect(b.some((v) => v !== 0)).toBe(true);
      expect(b.every((v) => Number.isFinite(v))).toBe(true);
      expect(Array.from(b).some((v, k) => Math.abs(v - a[k]!) > 1e-6)).toBe(true);
      tf.dispose([ref.loss, ...ref.grads, ...got.grads]);
    } finally {
      await pool.close();
      byol.dispose();
    }
  });
});
