// The webgpu backend (Dawn) on SwiftShader, forced as a software adapter: our WGSL kernels against
// the cpu backend, a short training run against the same run on wasm (same seed, same batches),
// checkpoints that move between the two, and a too-large step that becomes a clear error.
// SwiftShader runs compute shaders ~100x slower than wasm here: every shape is tiny.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../../src-main/model/backend.ts';
import { runTraining } from '../../../src-main/model/training-loop.ts';
import { parseSettings } from '../../../src-main/model/settings.ts';
import { decodeCheckpoint } from '../../../src-main/model/serialization.ts';
import { Rng } from '../../../src-main/base/random.ts';
import { ModelError } from '../../../src-main/model/errors.ts';
import { releaseWebGpu } from '../../../src-main/model/webgpu/dawn.ts';
import { BlobPairs } from './blob-pairs.ts';
import { haveSwiftShader } from './webgpu-support.ts';

const swiftShader = haveSwiftShader();

function randomArray(n: number, rng: Rng, offset = 0): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.normal() + offset;
  return a;
}

function relError(a: Float32Array, b: Float32Array): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i]! - b[i]!) ** 2;
    den += b[i]! ** 2;
  }
  return Math.sqrt(num / Math.max(den, 1e-30));
}

/** Runs f on a backend and reads every tensor it returns (asynchronously: webgpu cannot read synchronously). */
async function on(backend: string, f: () => tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const outs = tf.tidy(f);
  try {
    return await Promise.all(outs.map(async (t) => (await t.data()) as Float32Array));
  } finally {
    tf.dispose(outs);
  }
}

/** Max relative error per kernel, printed at the end (the figures the README quotes). */
const worst = new Map<string, number>();
const note = (kernel: string, e: number) => worst.set(kernel, Math.max(worst.get(kernel) ?? 0, e));

describe.skipIf(!swiftShader)('webgpu backend on SwiftShader', () => {
  let label = '';
  beforeAll(async () => {
    label = await selectBackend('webgpu');
    // The cpu reference: tf ops only (no kernels of ours registered there).
    await selectBackend('wasm');
  });
  afterAll(() => {
    if (worst.size > 0) console.log(`webgpu kernels, max relative error vs cpu: ${[...worst].map(([k, e]) => `${k} ${e.toExponential(1)}`).join(', ')}`);
    releaseWebGpu();
  });

  it('is chosen only when forced, and names its adapter', async () => {
    expect(label).toMatch(/^webgpu \(.*SwiftShader.*, software\)$/);
    // auto skips the software adapter (no tfjs-node here: wasm comes next).
    expect(await selectBackend('auto')).toBe('wasm');
    // A recorded name forces its backend again (a resumed run, embedding with the run's backend).
    expect(await selectBackend(label)).toBe(label);
    expect(tf.getBackend()).toBe('webgpu');
    for (const k of ['AstromorphGroupNorm', 'AstromorphGroupNormGrad', 'AstromorphAdamW', 'AstromorphLerp']) {
      expect(tf.getKernel(k, 'webgpu'), k).toBeDefined();
    }
    await expect(selectBackend('webgpu2')).rejects.toThrow(/unknown backend/);
  });

  it('group normalisation kernels (forward, backward, with and without ReLU) equal the tf ops on cpu', async () => {
    const { groupNorm, groupNormOps } = await import('../../../src-main/model/layers/group-norm.ts');
    const rng = new Rng(21);
    const cases = [
      { shape: [3, 5, 4, 8], groups: 4, offset: 0 },
      { shape: [4, 12], groups: 1, offset: 0 },
      { shape: [2, 6, 6, 16], groups: 4, offset: 300 }, // a large common offset: no cancellation
      { shape: [2, 5, 5, 6], groups: 3, offset: 0 },
      { shape: [2, 9, 9, 64], groups: 32, offset: 0 }, // more pixels than a workgroup has invocations
    ];
    for (const { shape, groups, offset } of cases) {
      const c = shape[shape.length - 1]!;
      const size = shape.reduce((a, b) => a * b);
      const x = randomArray(size, rng, offset);
      const gamma = randomArray(c, rng);
      const beta = randomArray(c, rng);
      const dy = randomArray(size, rng);
      for (const relu of [false, true]) {
        const run = (f: (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.Tensor) => () => {
          const args = [tf.tensor(x, shape), tf.tensor1d(gamma), tf.tensor1d(beta)];
          return [f(args[0]!, args[1]!, args[2]!), ...tf.grads(f)(args, tf.tensor(dy, shape))];
        };
        const ref = await on('cpu', run((xi, g, b) => (relu ? tf.relu(groupNormOps(xi, g, b, groups, 1e-5)) : groupNormOps(xi, g, b, groups, 1e-5))));
        const got = await on('webgpu', run((xi, g, b) => groupNorm(xi, g, b, groups, 1e-5, relu)));
        ['y', 'dx', 'dgamma', 'dbeta'].forEach((what, i) => {
          const e = relError(got[i]!, ref[i]!);
          note(i === 0 ? 'GroupNorm' : `GroupNormGrad ${what}`, e);
          expect(e, `${what}, ${shape} relu=${relu} offset=${offset}`).toBeLessThan(1e-4);
        });
      }
    }
  });

  it('the fused AdamW step and moving average equal the tf-op updates on cpu', async () => {
    const { AdamW } = await import('../../../src-main/model/adamw.ts');
    const { lerpKernel, hasWeightUpdateKernels } = await import('../../../src-main/model/kernels/weight-updates.ts');
    const rng = new Rng(15);
    const shapes = [[37], [3, 3, 2, 4], [3]];
    const init = shapes.map((s) => randomArray(s.reduce((a, b) => a * b), rng));
    const grads = [1, 2, 3].map(() => init.map((a) => randomArray(a.length, rng)));
    const run = async (backend: string) => {
      await tf.setBackend(backend);
      expect(hasWeightUpdateKernels()).toBe(backend === 'webgpu');
      const vars = init.map((a, i) => tf.variable(tf.tensor(a, shapes[i]!)));
      const opt = new AdamW(vars.map((variable, i) => ({ path: `w${i}`, variable, decay: i !== 1 })), { weightDecay: 0.05 });
      grads.forEach((gs, t) => tf.tidy(() => opt.apply(gs.map((g, i) => tf.tensor(g, shapes[i]!)), 0.01 * (t + 1))));
      const state = await opt.getStateAsync();
      const out = [...(await Promise.all(vars.map(async (v) => (await v.data()) as Float32Array))), ...state.m, ...state.v];
      opt.dispose();
      tf.dispose(vars);
      return out;
    };
    const ref = await run('cpu');
    const got = await run('webgpu');
    for (let i = 0; i < ref.length; i++) {
      const e = relError(got[i]!, ref[i]!);
      note('AdamW', e);
      expect(e, `array ${i}`).toBeLessThan(1e-4);
    }
    const a = randomArray(41, rng);
    const b = randomArray(41, rng);
    const [lerpRef] = await on('cpu', () => [tf.add(tf.mul(tf.tensor1d(a), 0.97), tf.mul(tf.tensor1d(b), 1 - 0.97))]);
    const [lerpGot] = await on('webgpu', () => [lerpKernel(tf.tensor1d(a), tf.tensor1d(b), 0.97)]);
    note('Lerp', relError(lerpGot!, lerpRef!));
    expect(relError(lerpGot!, lerpRef!)).toBeLessThan(1e-4);
  });

  it('trains with the losses of the same run on wasm, and checkpoints move between the two', async () => {
    const settings = parseSettings({ encoder: 'small-cnn', width: 4, depth: 2, image_size: 16, coordinates: 'cartesian', embed_profile: false, batch_size: 6, projection_size: 8, projection_hidden_size: 16, learning_rate: 3e-3, epochs: 2, warmup_epochs: 0.5, seed: 3 });
    const loader = () => new BlobPairs({ steps: 3, size: 16, batchSize: 6, seed: 5 });
    const train = async (backend: string, resumeFrom?: Uint8Array) => {
      const name = await selectBackend(backend);
      const checkpoints: Uint8Array[] = [];
      const r = await runTraining({ settings, loader: loader(), backend: name, resumeFrom, onEpochEnd: (e) => checkpoints.push(e.checkpoint) });
      return { ...r, checkpoints };
    };
    const wasm = await train('wasm');
    const gpu = await train('webgpu');
    const diffs = gpu.stepLosses.map((l, i) => Math.abs(l - wasm.stepLosses[i]!));
    console.log(`webgpu vs wasm step losses: ${gpu.stepLosses.map((l) => l.toFixed(5)).join(' ')} vs ${wasm.stepLosses.map((l) => l.toFixed(5)).join(' ')}; max |difference| ${Math.max(...diffs).toExponential(1)}`);
    for (const d of diffs) expect(d).toBeLessThan(2e-3);
    expect(decodeCheckpoint(gpu.checkpoint).manifest.backend).toMatch(/^webgpu \(/);
    // Epoch 2 on the other backend, from each one's epoch-1 checkpoint.
    const gpuThenWasm = await train('wasm', gpu.checkpoints[0]);
    const wasmThenGpu = await train('webgpu', wasm.checkpoints[0]);
    for (let i = 0; i < 3; i++) {
      expect(Math.abs(gpuThenWasm.stepLosses[i]! - wasm.stepLosses[i + 3]!)).toBeLessThan(2e-3);
      expect(Math.abs(wasmThenGpu.stepLosses[i]! - wasm.stepLosses[i + 3]!)).toBeLessThan(2e-3);
    }
    // The same weights, whichever backend wrote them (biases before a batch norm have ~0 gradients:
    // an absolute floor for those).
    const a = decodeCheckpoint(wasmThenGpu.checkpoint).tensors;
    const b = decodeCheckpoint(wasm.checkpoint).tensors;
    expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
    for (const [name, va] of a) {
      if (name.startsWith('optimizer/')) continue;
      const vb = b.get(name)!;
      let d = 0;
      let n = 0;
      for (let i = 0; i < va.length; i++) {
        d += (va[i]! - vb[i]!) ** 2;
        n += vb[i]! ** 2;
      }
      expect(Math.sqrt(d), name).toBeLessThan(1e-2 * Math.sqrt(n) + 1e-4 * Math.sqrt(va.length));
    }
  });

  it('a tensor larger than the adapter allows is a ModelError that suggests a smaller batch, and the backend goes on', async () => {
    const { gpuGuarded } = await import('../../../src-main/model/webgpu/guard.ts');
    await selectBackend('webgpu');
    // 1.2 GB, over SwiftShader's 1 GiB buffers (filled on the device: no host copy).
    const step = gpuGuarded(async () => {
      const y = tf.tidy(() => tf.sum(tf.add(tf.fill([300_000_000], 1), 1)));
      try {
        return await y.data();
      } finally {
        y.dispose();
      }
    }, { batchSize: 256, size: 64, channels: 1 });
    await expect(step).rejects.toThrow(ModelError);
    await expect(step).rejects.toThrow(/larger than this GPU allows in a training step of batch_size 256 .*smaller batch_size \(e\.g\. 128\)/);
    const [after] = await on('webgpu', () => [tf.add(tf.tensor1d([1, 2]), 1)]);
    expect(Array.from(after!)).toEqual([2, 3]);
  });
});
