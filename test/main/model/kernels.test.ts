// The wasm convolution gradients (ours) against the cpu backend's reference kernels.
import { describe, it, expect, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../../src-main/model/backend.ts';
import { Rng } from '../../../src-main/base/random.ts';

function randomArray(n: number, rng: Rng): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.normal();
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

async function on<T>(backend: string, f: () => T): Promise<T> {
  await tf.setBackend(backend);
  tf.engine().startScope();
  try {
    return f();
  } finally {
    tf.engine().endScope();
  }
}

type Case = { n: number; h: number; w: number; ci: number; co: number; k: number; s: number; pad: 'same' | 'valid' };
const cases: Case[] = [];
for (const k of [1, 3, 7]) {
  for (const s of [1, 2]) {
    for (const pad of ['same', 'valid'] as const) {
      cases.push({ n: 3, h: 13, w: 11, ci: 2, co: 5, k, s, pad });
      cases.push({ n: 2, h: 16, w: 16, ci: 8, co: 16, k, s, pad });
    }
  }
}
cases.push({ n: 4, h: 8, w: 8, ci: 32, co: 64, k: 3, s: 2, pad: 'same' });
cases.push({ n: 2, h: 32, w: 32, ci: 1, co: 16, k: 7, s: 2, pad: 'same' });
// One input channel (the first layer): 4 neighbouring pixels stand in for 4 channels.
cases.push({ n: 2, h: 9, w: 11, ci: 1, co: 8, k: 3, s: 1, pad: 'same' });
cases.push({ n: 3, h: 9, w: 11, ci: 1, co: 16, k: 3, s: 2, pad: 'valid' });
cases.push({ n: 2, h: 12, w: 10, ci: 1, co: 8, k: 5, s: 1, pad: 'valid' });
// Channels that suit the SIMD layouts but not the SIMD filter gradient (out channels not a multiple of 8).
cases.push({ n: 4, h: 6, w: 5, ci: 4, co: 6, k: 3, s: 1, pad: 'same' });
// A 2x2 output: the filter gradient as a matrix product although im2col is wide.
cases.push({ n: 3, h: 4, w: 4, ci: 16, co: 8, k: 3, s: 2, pad: 'same' });

describe('wasm convolution gradient kernels', () => {
  beforeAll(async () => {
    expect(await selectBackend('wasm')).toBe('wasm');
  });

  it('wasm has a Conv2DBackpropFilter kernel after selection', () => {
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
  });

  for (const c of cases) {
    const name = `n${c.n} ${c.h}x${c.w} ${c.ci}->${c.co} k${c.k} s${c.s} ${c.pad}`;
    it(`matches cpu: ${name}`, async () => {
      const rng = new Rng(c.k * 100 + c.s * 10 + c.ci);
      const xs = [c.n, c.h, c.w, c.ci] as [number, number, number, number];
      const ws = [c.k, c.k, c.ci, c.co] as [number, number, number, number];
      const x = randomArray(xs.reduce((a, b) => a * b), rng);
      const w = randomArray(ws.reduce((a, b) => a * b), rng);
      const outShape = await on('cpu', () => tf.conv2d(tf.tensor4d(x, xs), tf.tensor4d(w, ws), c.s, c.pad).shape);
      const dy = randomArray(outShape.reduce((a, b) => a * b), rng);
      const grads = () => {
        const g = tf.grads((xx: tf.Tensor, ww: tf.Tensor) => tf.conv2d(xx as tf.Tensor4D, ww as tf.Tensor4D, c.s, c.pad));
        const [dx, dw] = g([tf.tensor4d(x, xs), tf.tensor4d(w, ws)], tf.tensor(dy, outShape));
        return [dx!.dataSync() as Float32Array, dw!.dataSync() as Float32Array];
      };
      const [dxCpu, dwCpu] = await on('cpu', grads);
      const [dxWasm, dwWasm] = await on('wasm', grads);
      expect(dxWasm!.length).toBe(dxCpu!.length);
      expect(dwWasm!.length).toBe(dwCpu!.length);
      expect(relError(dxWasm!, dxCpu!)).toBeLessThan(1e-4);
      expect(relError(dwWasm!, dwCpu!)).toBeLessThan(1e-4);
    });
  }

  for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
    it(`BatchMatMul transposeA=${ta} transposeB=${tb} matches cpu (2-D and batched)`, async () => {
      const rng = new Rng(ta ? 1 : 2);
      // 2-D sides that are multiples of 4 take the SIMD transpose.
      for (const [batch, m, k, n] of [[0, 5, 7, 3], [0, 8, 12, 16], [0, 4, 20, 8], [2, 4, 6, 9]]) {
        const aShape = [...(batch ? [batch] : []), ...(ta ? [k, m] : [m, k])];
        const bShape = [...(batch ? [batch] : []), ...(tb ? [n, k] : [k, n])];
        const a = randomArray(aShape.reduce((x, y) => x * y), rng);
        const b = randomArray(bShape.reduce((x, y) => x * y), rng);
        const f = () => tf.matMul(tf.tensor(a, aShape), tf.tensor(b, bShape), ta, tb).dataSync() as Float32Array;
        const ref = await on('cpu', f);
        const got = await on('wasm', f);
        expect(got.length).toBe(ref.length);
        expect(relError(got, ref)).toBeLessThan(1e-5);
      }
    });
  }

  it('frees every intermediate tensor', async () => {
    await tf.setBackend('wasm');
    const x = tf.randomNormal([2, 9, 9, 3]) as tf.Tensor4D;
    const w = tf.randomNormal([3, 3, 3, 4]) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      tf.tidy(() => {
        const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same'))([x, w]);
        dx!.dataSync();
        dw!.dataSync();
        tf.matMul(tf.reshape(x, [2, -1]), tf.reshape(x, [2, -1]), true, false).dataSync();
      });
    }
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    w.dispose();
  });
});

describe('group normalisation gradient', () => {
  it('the written-out gradient equals differentiating the forward ops', async () => {
    const { groupNorm } = await import('../../../src-main/model/layers/group-norm.ts');
    await tf.setBackend('wasm');
    const rng = new Rng(11);
    for (const shape of [[3, 5, 4, 8], [4, 12]]) {
      const c = shape[shape.length - 1]!;
      const groups = shape.length === 4 ? 4 : 1;
      const x = tf.tensor(randomArray(shape.reduce((a, b) => a * b), rng), shape);
      const gamma = tf.tensor1d(randomArray(c, rng));
      const beta = tf.tensor1d(randomArray(c, rng));
      const dy = tf.tensor(randomArray(x.size, rng), shape);
      const plain = (xi: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
        const grouped = tf.reshape(xi, [shape[0]!, ...shape.slice(1, -1), groups, c / groups]);
        const axes = [...Array(grouped.rank).keys()].filter((a) => a !== 0 && a !== grouped.rank - 2);
        const { mean, variance } = tf.moments(grouped, axes, true);
        return tf.add(tf.mul(tf.reshape(tf.div(tf.sub(grouped, mean), tf.sqrt(tf.add(variance, 1e-5))), shape), g), b);
      };
      const ours = (xi: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => groupNorm(xi, g, b, groups, 1e-5);
      const ref = tf.grads(plain)([x, gamma, beta], dy);
      const got = tf.grads(ours)([x, gamma, beta], dy);
      expect(relError(ours(x, gamma, beta).dataSync() as Float32Array, plain(x, gamma, beta).dataSync() as Float32Array)).toBeLessThan(1e-5);
      for (let i = 0; i < 3; i++) expect(relError(got[i]!.dataSync() as Float32Array, ref[i]!.dataSync() as Float32Array)).toBeLessThan(1e-4);
    }
  });
});

describe('forward convolution of one-channel images (SIMD)', () => {
  it('equals the cpu backend for the first layers of both encoders and odd geometries', async () => {
    await selectBackend('wasm');
    const rng = new Rng(16);
    const cases: Array<{ n: number; h: number; w: number; co: number; k: number; s: number; pad: 'same' | 'valid' }> = [
      { n: 2, h: 12, w: 12, co: 32, k: 3, s: 1, pad: 'same' },
      { n: 3, h: 16, w: 16, co: 64, k: 7, s: 2, pad: 'same' },
      { n: 2, h: 11, w: 9, co: 16, k: 3, s: 2, pad: 'valid' },
      { n: 1, h: 7, w: 10, co: 24, k: 5, s: 1, pad: 'same' }, // 24 out channels: tfjs's own kernel
    ];
    for (const c of cases) {
      const x = randomArray(c.n * c.h * c.w, rng);
      const f = randomArray(c.k * c.k * c.co, rng);
      const run = () => tf.conv2d(tf.tensor4d(x, [c.n, c.h, c.w, 1]), tf.tensor4d(f, [c.k, c.k, 1, c.co]), c.s, c.pad).dataSync() as Float32Array;
      const ref = await on('cpu', run);
      const got = await on('wasm', run);
      expect(got.length).toBe(ref.length);
      expect(relError(got, ref), JSON.stringify(c)).toBeLessThan(1e-5);
    }
  });
});

describe('forward convolution in 4-image blocks (SIMD, padding taps skipped)', () => {
  it('equals the cpu backend on small and larger maps, strided and not, and where it does not apply', async () => {
    await selectBackend('wasm');
    const rng = new Rng(17);
    const cases: Array<{ n: number; h: number; w: number; ci: number; co: number; k: number; s: number; pad: 'same' | 'valid' }> = [
      { n: 4, h: 2, w: 2, ci: 16, co: 8, k: 3, s: 1, pad: 'same' },
      { n: 8, h: 4, w: 4, ci: 8, co: 16, k: 3, s: 1, pad: 'same' },
      { n: 4, h: 7, w: 5, ci: 4, co: 8, k: 3, s: 2, pad: 'same' },
      { n: 4, h: 6, w: 6, ci: 4, co: 8, k: 3, s: 2, pad: 'valid' },
      { n: 4, h: 4, w: 4, ci: 8, co: 8, k: 1, s: 2, pad: 'same' },
      { n: 4, h: 9, w: 10, ci: 12, co: 24, k: 3, s: 1, pad: 'same' },
      { n: 8, h: 11, w: 7, ci: 4, co: 8, k: 5, s: 2, pad: 'same' },
      { n: 3, h: 4, w: 4, ci: 8, co: 8, k: 3, s: 1, pad: 'same' }, // batch not a multiple of 4: XNNPACK
    ];
    for (const c of cases) {
      const x = randomArray(c.n * c.h * c.w * c.ci, rng);
      const f = randomArray(c.k * c.k * c.ci * c.co, rng);
      const run = () => tf.conv2d(tf.tensor4d(x, [c.n, c.h, c.w, c.ci]), tf.tensor4d(f, [c.k, c.k, c.ci, c.co]), c.s, c.pad).dataSync() as Float32Array;
      const ref = await on('cpu', run);
      const got = await on('wasm', run);
      expect(got.length).toBe(ref.length);
      expect(relError(got, ref), JSON.stringify(c)).toBeLessThan(1e-5);
    }
  });
});

describe('max pool gradient (JS over tensor memory)', () => {
  it('equals the cpu backend, ties going to the first maximum, for the stem pool and odd shapes', async () => {
    await selectBackend('wasm');
    const rng = new Rng(14);
    const cases: Array<{ shape: [number, number, number, number]; size: number; stride: number; pad: 'same' | 'valid'; ties: boolean }> = [
      { shape: [2, 16, 16, 8], size: 3, stride: 2, pad: 'same', ties: false },
      { shape: [3, 7, 9, 5], size: 3, stride: 2, pad: 'same', ties: true },
      { shape: [2, 8, 6, 4], size: 2, stride: 2, pad: 'valid', ties: true },
      { shape: [1, 5, 5, 3], size: 3, stride: 1, pad: 'same', ties: false },
    ];
    for (const { shape, size, stride, pad, ties } of cases) {
      const n = shape.reduce((a, b) => a * b);
      // Ties: values from a small set, so windows often hold their maximum twice.
      const x = randomArray(n, rng).map((v) => (ties ? Math.round(v * 2) : v));
      const outShape = await on('cpu', () => tf.maxPool(tf.tensor4d(x, shape), size, stride, pad).shape);
      const dy = randomArray(outShape.reduce((a, b) => a * b), rng);
      const grad = () => tf.grad((xi: tf.Tensor) => tf.maxPool(xi as tf.Tensor4D, size, stride, pad))(tf.tensor4d(x, shape), tf.tensor(dy, outShape)).dataSync() as Float32Array;
      const ref = await on('cpu', grad);
      const got = await on('wasm', grad);
      expect(relError(got, ref), `${shape} ${size}/${stride} ${pad}`).toBeLessThan(1e-6);
    }
  });
});

describe('SIMD module', () => {
  it('both builds (plain, and with relaxed-SIMD fused multiply-adds) are valid WebAssembly with the same exports', async () => {
    const { SIMD_MODULE, SIMD_MODULE_FMA } = await import('../../../src-main/model/kernels/simd-bytes.ts');
    const exportsOf = (b64: string) => {
      const bytes = Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
      expect(WebAssembly.validate(bytes)).toBe(true);
      return WebAssembly.Module.exports(new WebAssembly.Module(bytes)).map((e) => e.name).sort();
    };
    const plain = exportsOf(SIMD_MODULE);
    expect(exportsOf(SIMD_MODULE_FMA)).toEqual(plain);
    expect(plain).toContain('filterGradTap');
    expect(plain).toContain('convGather4');
  });

  it('the plain build (the fallback without relaxed SIMD) computes what the fused one does', async () => {
    const { SIMD_MODULE, SIMD_MODULE_FMA } = await import('../../../src-main/model/kernels/simd-bytes.ts');
    await selectBackend('wasm');
    const wasm = (tf.backend() as unknown as { wasm: { asm: { memory: WebAssembly.Memory }; _malloc(n: number): number; _free(p: number): void } }).wasm;
    type Kernels = {
      filterGradTap(rows: number, m: number, dy: number, dw: number, ci: number, co: number): void;
      convGather4(xs: number, ws: number, taps: number, out: number, ci: number, co: number, groups: number, xImage: number, outImage: number): void;
    };
    const instance = (b64: string) => new WebAssembly.Instance(new WebAssembly.Module(Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0))), { env: { memory: wasm.asm.memory } }).exports as unknown as Kernels;
    const [plain, fused] = [instance(SIMD_MODULE), instance(SIMD_MODULE_FMA)];
    const rng = new Rng(18);
    const m = 6;
    const ci = 8;
    const co = 16;
    const floats = m * ci + m * co + 2 * ci * co + 2 * 4 * co;
    const block = wasm._malloc(floats * 4 + 1024);
    const base = Math.ceil(block / 16) * 16;
    const [x, dy, dw1, dw2, out1, out2] = [0, m * ci, m * ci + m * co, m * ci + m * co + ci * co, m * ci + m * co + 2 * ci * co, m * ci + m * co + 2 * ci * co + 4 * co].map((o) => base + o * 4);
    const ptrs = base + floats * 4;
    const heap = () => new Float32Array(wasm.asm.memory.buffer);
    const i32 = () => new Int32Array(wasm.asm.memory.buffer);
    heap().set(randomArray(m * ci + m * co, rng), base / 4);
    heap().fill(0, dw1 / 4, dw1 / 4 + 2 * ci * co);
    // filter gradient over m rows (row 2 is padding), then a 4-pixel convolution with 2 taps
    for (let k = 0; k < m; k++) i32()[ptrs / 4 + k] = k === 2 ? -1 : x + k * ci * 4;
    plain.filterGradTap(ptrs, m, dy, dw1, ci, co);
    fused.filterGradTap(ptrs, m, dy, dw2, ci, co);
    const a = heap().slice(dw1 / 4, dw1 / 4 + ci * co);
    const b = heap().slice(dw2 / 4, dw2 / 4 + ci * co);
    expect(relError(a, b)).toBeLessThan(1e-6);
    expect(a.some((v) => v !== 0)).toBe(true);
    const xsAt = ptrs + 64;
    for (let t = 0; t < 2; t++) i32()[xsAt / 4 + t] = x + t * ci * 4;
    const wsAt = xsAt + 32;
    i32()[wsAt / 4] = dw1;
    i32()[wsAt / 4 + 1] = dw1; // any [ci, co] block serves as the two taps' filters
    // one group of 4 "images" one pixel apart, outputs co floats apart
    plain.convGather4(xsAt, wsAt, 2, out1, ci, co, 1, ci * 4, co * 4);
    fused.convGather4(xsAt, wsAt, 2, out2, ci, co, 1, ci * 4, co * 4);
    const c1 = heap().slice(out1 / 4, out1 / 4 + 4 * co);
    const c2 = heap().slice(out2 / 4, out2 / 4 + 4 * co);
    wasm._free(block);
    expect(relError(c1, c2)).toBeLessThan(1e-6);
    expect(c1.some((v) => v !== 0)).toBe(true);
  });
});

describe('identity on wasm (shared memory)', () => {
  it('a clone keeps its values after the original is disposed, and frees the memory when both are gone', async () => {
    await selectBackend('wasm');
    const before = tf.memory().numBytes;
    const x = tf.tensor1d([1, 2, 3, 4, 5]);
    const y = tf.clone(x);
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3, 4, 5]);
    y.dispose();
    expect(tf.memory().numBytes).toBe(before);
  });
});

describe('fused weight updates (SIMD)', () => {
  it('AdamW and the EMA on wasm equal the tf-op updates on cpu, with and without decay, over the SIMD body and the tail', async () => {
    const { AdamW } = await import('../../../src-main/model/adamw.ts');
    const { lerpKernel, hasWeightUpdateKernels } = await import('../../../src-main/model/kernels/weight-updates.ts');
    await selectBackend('wasm');
    const rng = new Rng(15);
    const sizes = [37, 8, 3];
    const init = sizes.map((n) => randomArray(n, rng));
    const grads = [1, 2, 3].map(() => sizes.map((n) => randomArray(n, rng)));
    const run = () => {
      const vars = init.map((a) => tf.variable(tf.tensor1d(a)));
      const opt = new AdamW(vars.map((variable, i) => ({ path: `w${i}`, variable, decay: i !== 1 })), { weightDecay: 0.05 });
      grads.forEach((gs, t) => opt.apply(gs.map((g) => tf.tensor1d(g)), 0.01 * (t + 1)));
      const state = opt.getState();
      const out = [...vars.map((v) => v.dataSync() as Float32Array), ...state.m, ...state.v];
      opt.dispose();
      tf.dispose(vars);
      return out;
    };
    const ref = await on('cpu', run);
    const got = await on('wasm', () => {
      expect(hasWeightUpdateKernels()).toBe(true);
      return run();
    });
    for (let i = 0; i < ref.length; i++) expect(relError(got[i]!, ref[i]!), `array ${i}`).toBeLessThan(1e-6);
    const a = randomArray(41, rng);
    const b = randomArray(41, rng);
    const mix = (f: (x: tf.Tensor, y: tf.Tensor) => tf.Tensor) => () => f(tf.tensor1d(a), tf.tensor1d(b)).dataSync() as Float32Array;
    const lerpRef = await on('cpu', mix((x, y) => tf.add(tf.mul(x, 0.97), tf.mul(y, 1 - 0.97))));
    const lerpGot = await on('wasm', mix((x, y) => lerpKernel(x, y, 0.97)));
    expect(relError(lerpGot, lerpRef)).toBeLessThan(1e-6);
  });
});

describe('group normalisation kernels (SIMD and JS loops over tensor memory)', () => {
  it('equal differentiating the tf ops on cpu, with and without the fused ReLU, on wasm and on cpu', async () => {
    const { groupNorm } = await import('../../../src-main/model/layers/group-norm.ts');
    const { registerGroupNormKernels, hasGroupNormKernels } = await import('../../../src-main/model/kernels/group-norm.ts');
    await selectBackend('wasm');
    registerGroupNormKernels('cpu');
    const rng = new Rng(13);
    const cases: Array<{ shape: number[]; groups: number; offset: number }> = [
      { shape: [3, 5, 4, 8], groups: 4, offset: 0 },
      { shape: [4, 12], groups: 1, offset: 0 },
      { shape: [2, 9, 7, 32], groups: 8, offset: 0 },
      // A large common offset: the statistics must not lose the spread to cancellation.
      { shape: [2, 6, 6, 16], groups: 4, offset: 300 },
      // Channels not a multiple of 4: the scalar JS loops instead of the SIMD ones on wasm.
      { shape: [2, 5, 5, 6], groups: 3, offset: 0 },
    ];
    for (const { shape, groups, offset } of cases) {
      const c = shape[shape.length - 1]!;
      const size = shape.reduce((a, b) => a * b);
      const x = randomArray(size, rng).map((v) => v + offset);
      const gamma = randomArray(c, rng);
      const beta = randomArray(c, rng);
      const dy = randomArray(size, rng);
      for (const relu of [false, true]) {
        const plain = (xi: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
          const grouped = tf.reshape(xi, [shape[0]!, ...shape.slice(1, -1), groups, c / groups]);
          const axes = [...Array(grouped.rank).keys()].filter((a) => a !== 0 && a !== grouped.rank - 2);
          const { mean, variance } = tf.moments(grouped, axes, true);
          const y = tf.add(tf.mul(tf.reshape(tf.div(tf.sub(grouped, mean), tf.sqrt(tf.add(variance, 1e-5))), shape), g), b);
          return relu ? tf.relu(y) : y;
        };
        const ours = (xi: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => groupNorm(xi, g, b, groups, 1e-5, relu);
        const run = (f: typeof plain) => () => {
          const args = [tf.tensor(x, shape), tf.tensor1d(gamma), tf.tensor1d(beta)];
          const y = f(args[0]!, args[1]!, args[2]!).dataSync() as Float32Array;
          return [y, ...tf.grads(f)(args, tf.tensor(dy, shape)).map((t) => t.dataSync() as Float32Array)];
        };
        const ref = await on('cpu', () => {
          tf.unregisterKernel('AstromorphGroupNorm', 'cpu'); // the reference is the plain ops
          try {
            return run(plain)();
          } finally {
            registerGroupNormKernels('cpu');
          }
        });
        for (const backend of ['wasm', 'cpu']) {
          const got = await on(backend, () => {
            expect(hasGroupNormKernels()).toBe(true);
            return run(ours)();
          });
          for (let i = 0; i < 4; i++) expect(relError(got[i]!, ref[i]!), `${backend} output ${i}, ${shape} relu=${relu} offset=${offset}`).toBeLessThan(1e-4);
        }
      }
    }
    await tf.setBackend('wasm');
  });
});

describe('batch normalisation gradient', () => {
  beforeAll(async () => {
    expect(await selectBackend('wasm')).toBe('wasm');
  });

  it('the written-out gradient on wasm equals differentiating the forward ops on cpu', async () => {
    const { batchNorm } = await import('../../../src-main/model/layers/batch-norm.ts');
    const rng = new Rng(12);
    for (const [n, c] of [[6, 10], [2, 3], [16, 32]] as const) {
      const x = randomArray(n * c, rng);
      const gamma = randomArray(c, rng);
      const beta = randomArray(c, rng);
      const dy = randomArray(n * c, rng);
      const plain = (xi: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
        const { mean, variance } = tf.moments(xi, 0, true);
        return tf.add(tf.mul(tf.div(tf.sub(xi, mean), tf.sqrt(tf.add(variance, 1e-5))), g), b);
      };
      const ours = (xi: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => batchNorm(xi as tf.Tensor2D, g, b, 1e-5);
      const run = (f: typeof plain) => () => {
        const args = [tf.tensor2d(x, [n, c]), tf.tensor1d(gamma), tf.tensor1d(beta)];
        const y = f(args[0]!, args[1]!, args[2]!).dataSync() as Float32Array;
        const g = tf.grads(f)(args, tf.tensor2d(dy, [n, c])).map((t) => t.dataSync() as Float32Array);
        return [y, ...g];
      };
      const ref = await on('cpu', run(plain));
      const got = await on('wasm', run(ours));
      // Each feature of the output has mean beta over the batch, whatever the input.
      for (let j = 0; j < c; j++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += got[0]![i * c + j]!;
        expect(s / n).toBeCloseTo(beta[j]!, 4);
      }
      for (let i = 0; i < 4; i++) expect(relError(got[i]!, ref[i]!), `output ${i}, ${n}x${c}`).toBeLessThan(1e-4);
    }
  });
});
