// BYOL on tiny images: the loss falls, no tensor leaks, the seed fixes the network.
import { describe, it, expect, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../../src-main/model/backend.ts';
import { createByol } from '../../../src-main/model/byol.ts';
import { parseSettings } from '../../../src-main/model/settings.ts';
import { learningRateAt, emaDecayAt } from '../../../src-main/model/schedules.ts';
import { AdamW } from '../../../src-main/model/adamw.ts';
import { Rng } from '../../../src-main/base/random.ts';

const tiny = (extra: Record<string, unknown> = {}) =>
  parseSettings({ encoder: 'small-cnn', width: 4, depth: 2, image_size: 16, projection_size: 8, projection_hidden_size: 16, learning_rate: 3e-3, ...extra });

function images(n: number, size: number, seed: number): tf.Tensor4D {
  const rng = new Rng(seed);
  return tf.tensor4d(Float32Array.from({ length: n * size * size }, () => rng.normal()), [n, size, size, 1]);
}

describe('BYOL', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('trains: loss falls over a few steps, no tensors leak, embeddings have representation_size', () => {
    const byol = createByol(tiny({ representation_size: 12 }), { totalSteps: 12, warmupSteps: 2 });
    const v1 = images(8, 16, 1);
    const v2 = tf.tidy(() => tf.add(v1, tf.mul(images(8, 16, 2), 0.1))) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    const losses: number[] = [];
    for (let i = 0; i < 12; i++) losses.push(byol.trainStep(v1, v2));
    expect(tf.memory().numTensors).toBe(before);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[0]!).toBeGreaterThan(0);
    expect(losses[0]!).toBeLessThanOrEqual(8);
    const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
    expect(mean(losses.slice(-3))).toBeLessThan(0.7 * mean(losses.slice(0, 3)));
    const e = byol.embed(v1);
    expect(e.shape).toEqual([8, 12]);
    e.dispose();
    byol.dispose();
    v1.dispose();
    v2.dispose();
  });

  it('batch-norm heads (the default) normalise each view on its own; layer-norm heads are batch-independent', () => {
    for (const head_norm of ['batch', 'layer'] as const) {
      const byol = createByol(tiny({ head_norm }), { totalSteps: 4, warmupSteps: 0 });
      expect(byol.online.projector.getConfig().norm).toBe(head_norm);
      const v1 = images(6, 16, 3);
      const v2 = images(6, 16, 4);
      const { loss, grads } = byol.gradients(v1, v2);
      // The loss written out with each view through the heads as a batch of its own.
      const expected = tf.tidy(() => {
        const unit = (t: tf.Tensor) => tf.div(t, tf.norm(t, 'euclidean', 1, true));
        const target = (v: tf.Tensor4D) => byol.target.projector.call(byol.target.encoder.call(v));
        const online = (v: tf.Tensor4D) => byol.online.predictor.call(byol.online.projector.call(byol.online.encoder.call(v)));
        const term = (p: tf.Tensor, z: tf.Tensor) => tf.mean(tf.sub(2, tf.mul(2, tf.sum(tf.mul(unit(p), unit(z)), 1))));
        return tf.add(term(online(v1), target(v2)), term(online(v2), target(v1))).dataSync()[0]!;
      });
      expect(loss.dataSync()[0]!).toBeCloseTo(expected, 4);
      // Batch norm: a view's head output depends on the rest of its batch; layer norm: it does not.
      const first = (n: number) => {
        const row = tf.tidy(() => tf.slice(byol.online.projector.call(byol.online.encoder.call(tf.slice(v1, 0, n))), 0, 1));
        const values = row.dataSync();
        row.dispose();
        return values;
      };
      const alone = first(3);
      const all = first(6);
      const differs = Array.from(alone).some((x, i) => Math.abs(x - all[i]!) > 1e-4);
      expect(differs).toBe(head_norm === 'batch');
      tf.dispose([loss, ...grads, v1, v2]);
      byol.dispose();
    }
  });

  it('resnet18-like encoder runs on C channels and pools to width * 2^(depth-1)', () => {
    const byol = createByol(tiny({ encoder: 'resnet18', width: 4, depth: 3, channels: 2 }));
    const x = tf.zeros([2, 16, 16, 2]) as tf.Tensor4D;
    const e = byol.embed(x);
    expect(e.shape).toEqual([2, 16]);
    const names = byol.onlineWeights().map((w) => w.path);
    expect(names).toContain('online/encoder/stage2_block0/shortcut/conv/kernel');
    expect(new Set(names).size).toBe(names.length);
    tf.dispose([x, e]);
    byol.dispose();
  });

  it('the seed fixes the initial weights; the target starts equal to the online network', () => {
    const read = (seed: number) => {
      const b = createByol(tiny({ seed }));
      const w = b.onlineWeights().map((x) => Array.from(x.variable.dataSync()));
      const t = b.targetWeights().map((x) => Array.from(x.variable.dataSync()));
      b.dispose();
      return { w, t };
    };
    const a = read(7);
    expect(read(7).w).toEqual(a.w);
    expect(a.t).toEqual(a.w);
    expect(read(8).w).not.toEqual(a.w);
  });
});

describe('schedules', () => {
  it('learning rate warms up linearly then decays by cosine to 0', () => {
    expect(learningRateAt(0, 1, 4, 20)).toBeCloseTo(0.25);
    expect(learningRateAt(3, 1, 4, 20)).toBeCloseTo(1);
    expect(learningRateAt(4, 1, 4, 20)).toBeCloseTo(1);
    expect(learningRateAt(12, 1, 4, 20)).toBeCloseTo(0.5);
    expect(learningRateAt(20, 1, 4, 20)).toBeCloseTo(0);
  });
  it('EMA rate goes from moving_average_decay to 1', () => {
    expect(emaDecayAt(0, 0.99, 100)).toBeCloseTo(0.99);
    expect(emaDecayAt(50, 0.99, 100)).toBeCloseTo(0.995);
    expect(emaDecayAt(100, 0.996, 100)).toBeCloseTo(1);
  });
});

describe('AdamW', () => {
  it('matches the update rule written out by hand, decay only where asked', () => {
    const w = tf.variable(tf.tensor1d([1, -2]));
    const b = tf.variable(tf.tensor1d([0.5]));
    const opt = new AdamW([{ path: 'w', variable: w, decay: true }, { path: 'b', variable: b, decay: false }], { weightDecay: 0.1 });
    const lr = 0.01;
    let m = [0, 0];
    let v = [0, 0];
    let ref = [1, -2];
    let bRef = 0.5;
    let mb = 0;
    let vb = 0;
    for (let t = 1; t <= 3; t++) {
      const g = [0.3 * t, -0.1];
      const gb = 0.2;
      opt.apply([tf.tensor1d(g), tf.tensor1d([gb])], lr);
      m = m.map((mi, i) => 0.9 * mi + 0.1 * g[i]!);
      v = v.map((vi, i) => 0.999 * vi + 0.001 * g[i]! ** 2);
      ref = ref.map((p, i) => p - lr * (m[i]! / (1 - 0.9 ** t) / (Math.sqrt(v[i]! / (1 - 0.999 ** t)) + 1e-8)) - lr * 0.1 * p);
      mb = 0.9 * mb + 0.1 * gb;
      vb = 0.999 * vb + 0.001 * gb ** 2;
      bRef = bRef - lr * (mb / (1 - 0.9 ** t) / (Math.sqrt(vb / (1 - 0.999 ** t)) + 1e-8));
    }
    const got = w.dataSync();
    expect(got[0]).toBeCloseTo(ref[0]!, 5);
    expect(got[1]).toBeCloseTo(ref[1]!, 5);
    expect(b.dataSync()[0]).toBeCloseTo(bRef, 5);
    const state = opt.getState();
    expect(state.step).toBe(3);
    opt.dispose();
    tf.dispose([w, b]);
  });
});
