// Achieved GFLOP/s of the convolutions of a training step on tfjs wasm (XNNPACK, 128-bit SIMD, one
// thread): forward, our input gradient and our filter gradient (as chosen per layer; then its
// convolution and matrix-product forms for comparison, and the chosen one's error against the
// convolution form), per layer of
// both encoders at 64x64x1, batch 64 (two views of 32). bench/torch/conv_gflops.py measures the
// same layers in PyTorch (one thread) for comparison.
//
//   node bench/conv-gflops.ts [--reps 3] [--encoder small-cnn|resnet18]
import * as tf from '@tensorflow/tfjs-core';
import os from 'node:os';
import { selectBackend } from '../src-main/model/backend.ts';
import { conv2dBackpropFilter, conv2dBackpropFilterAsConv, conv2dBackpropFilterAsMatMul, conv2dBackpropInputAsConv } from '../src-main/model/kernels/conv-gradients.ts';

export interface ConvLayer {
  name: string;
  h: number;
  ci: number;
  co: number;
  k: number;
  s: number;
  /** How many times the layer occurs in the encoder. */
  count: number;
}

/** The distinct convolutions of each encoder (input size h x h), as in src-main/model/encoders.ts. */
export const LAYERS: Record<'small-cnn' | 'resnet18', ConvLayer[]> = {
  'small-cnn': [
    { name: 'block0 3x3 1->32', h: 64, ci: 1, co: 32, k: 3, s: 1, count: 1 },
    { name: 'block1 3x3/2 32->64', h: 64, ci: 32, co: 64, k: 3, s: 2, count: 1 },
    { name: 'block2 3x3/2 64->128', h: 32, ci: 64, co: 128, k: 3, s: 2, count: 1 },
  ],
  resnet18: [
    { name: 'stem 7x7/2 1->64', h: 64, ci: 1, co: 64, k: 7, s: 2, count: 1 },
    { name: 'stage1 3x3 64->64', h: 16, ci: 64, co: 64, k: 3, s: 1, count: 4 },
    { name: 'stage2 3x3/2 64->128', h: 16, ci: 64, co: 128, k: 3, s: 2, count: 1 },
    { name: 'stage2 3x3 128->128', h: 8, ci: 128, co: 128, k: 3, s: 1, count: 3 },
    { name: 'stage2 1x1/2 64->128', h: 16, ci: 64, co: 128, k: 1, s: 2, count: 1 },
    { name: 'stage3 3x3/2 128->256', h: 8, ci: 128, co: 256, k: 3, s: 2, count: 1 },
    { name: 'stage3 3x3 256->256', h: 4, ci: 256, co: 256, k: 3, s: 1, count: 3 },
    { name: 'stage3 1x1/2 128->256', h: 8, ci: 128, co: 256, k: 1, s: 2, count: 1 },
    { name: 'stage4 3x3/2 256->512', h: 4, ci: 256, co: 512, k: 3, s: 2, count: 1 },
    { name: 'stage4 3x3 512->512', h: 2, ci: 512, co: 512, k: 3, s: 1, count: 3 },
    { name: 'stage4 1x1/2 256->512', h: 4, ci: 256, co: 512, k: 1, s: 2, count: 1 },
  ],
};

const args = process.argv.slice(2);
const reps = Number(args.includes('--reps') ? args[args.indexOf('--reps') + 1] : 3);
const only = args.includes('--encoder') ? args[args.indexOf('--encoder') + 1] : undefined;
const n = 64;
await selectBackend('wasm', () => {});

function relError(a: tf.Tensor, b: tf.Tensor): number {
  return Math.sqrt(tf.sum(tf.square(tf.sub(a, b))).dataSync()[0]! / tf.sum(tf.square(b)).dataSync()[0]!);
}

/**
 * Best time of f over reps runs, each on fresh copies of the inputs: tfjs-backend-wasm caches the
 * XNNPACK operator (with its packed weights) per weight tensor, and in training every operand is new.
 */
function best<T extends tf.Tensor[]>(inputs: T, f: (...a: T) => tf.Tensor | null): number {
  const fresh = () => inputs.map((t) => tf.add(t, 0)) as T;
  let t = Infinity;
  for (let i = 0; i <= reps; i++) {
    const a = fresh();
    const t0 = performance.now();
    const r = f(...a); // wasm kernels finish before they return: no read-back (it would copy the output)
    if (i > 0) t = Math.min(t, performance.now() - t0); // run 0 warms up (heap growth)
    tf.dispose([...a, ...(r == null ? [] : [r])]);
  }
  return t;
}

console.log(`conv layers at batch ${n}, tfjs wasm 1 thread; ms and GFLOP/s (2*MACs); load ${os.loadavg()[0]!.toFixed(2)}`);
console.log(`${'layer'.padEnd(24)} ${'x'.padStart(3)} ${'MFLOP'.padStart(7)} | ${'forward'.padStart(15)} | ${'bp-input'.padStart(15)} | ${'bp-filter'.padStart(15)} | ${'(conv form)'.padStart(15)} | ${'(matmul form)'.padStart(15)} | rel.err`);
const totals = { fwd: 0, bi: 0, bf: 0, flop: 0 };
for (const [enc, layers] of Object.entries(LAYERS)) {
  if (only != null && enc !== only) continue;
  for (const l of layers) {
    const x = tf.randomNormal([n, l.h, l.h, l.ci]) as tf.Tensor4D;
    const f = tf.randomNormal([l.k, l.k, l.ci, l.co]) as tf.Tensor4D;
    const y = tf.conv2d(x, f, l.s, 'same');
    const dy = tf.randomNormal(y.shape) as tf.Tensor4D;
    const oh = y.shape[1];
    const flop = 2 * n * oh * oh * l.k * l.k * l.ci * l.co;
    const attrs = { strides: l.s, pad: 'same' as const, dataFormat: 'NHWC' as const };
    const fwd = best([x, f], (a, b) => tf.conv2d(a, b, l.s, 'same'));
    const bi = best([dy, f], (a, b) => conv2dBackpropInputAsConv(a, b, x.shape, attrs));
    const bf = best([x, dy], (a, b) => conv2dBackpropFilter(a, b, f.shape, attrs));
    const bfc = best([x, dy], (a, b) => conv2dBackpropFilterAsConv(a, b, f.shape, attrs));
    const bfm = best([x, dy], (a, b) => conv2dBackpropFilterAsMatMul(a, b, f.shape, attrs));
    const err = tf.tidy(() => relError(conv2dBackpropFilter(x, dy, f.shape, attrs), conv2dBackpropFilterAsConv(x, dy, f.shape, attrs)));
    const cell = (ms: number) => `${ms.toFixed(1).padStart(6)} ${(flop / ms / 1e6).toFixed(2).padStart(6)} GF`;
    console.log(`${l.name.padEnd(24)} ${String(l.count).padStart(3)} ${(flop / 1e6).toFixed(0).padStart(7)} | ${cell(fwd)} | ${cell(bi)} | ${cell(bf)} | ${cell(bfc)} | ${cell(bfm)} | ${err.toExponential(0)}`);
    totals.fwd += fwd * l.count;
    totals.bi += bi * l.count;
    totals.bf += bf * l.count;
    totals.flop += flop * l.count;
    tf.dispose([x, f, y, dy]);
  }
}
const cell = (ms: number) => `${ms.toFixed(0).padStart(6)} ${(totals.flop / ms / 1e6).toFixed(2).padStart(6)} GF`;
console.log(`${'total (x count)'.padEnd(24)} ${''.padStart(3)} ${(totals.flop / 1e6).toFixed(0).padStart(7)} | ${cell(totals.fwd)} | ${cell(totals.bi)} | ${cell(totals.bf)}`);
