// Group normalisation (optionally followed by ReLU) forward and backward as two passes each over
// the tensor memory, in JS, registered as two kernels on wasm and cpu. tfjs-backend-wasm spends
// ~15 kernel calls on it, several of them reductions over non-innermost axes that transpose first
// (a small-cnn step spent 326 ms there, bench/step-profile.ts); these loops read each element two
// or three times in all. Layout: x is [N, ...spatial, C], statistics per sample and group.
import * as tf from '@tensorflow/tfjs-core';
import type { KernelBackend, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { hasHostMemory, output, valuesOf } from './wasm-heap.ts';
import { simdKernels, type SimdKernels } from './simd.ts';

export const GROUP_NORM = 'AstromorphGroupNorm';
export const GROUP_NORM_GRAD = 'AstromorphGroupNormGrad';

interface GroupNormAttrs {
  groups: number;
  epsilon: number;
  relu: boolean;
}

function dims(shape: readonly number[], groups: number): { n: number; c: number; s: number; cg: number } {
  const n = shape[0]!;
  const c = shape[shape.length - 1]!;
  const s = shape.slice(1, -1).reduce((a, b) => a * b, 1);
  return { n, c, s, cg: c / groups };
}

/**
 * y = gamma * (x - mean) * inv + beta (then max(0, y) when relu), inv = 1 / sqrt(var + eps).
 * Returns y and the statistics [N, groups, 2] (mean, inv) the backward pass needs.
 */
function groupNormForward(be: KernelBackend, x: TensorInfo, gamma: TensorInfo, beta: TensorInfo, attrs: GroupNormAttrs): TensorInfo[] {
  const simd = x.shape[x.shape.length - 1]! % 4 === 0 ? simdKernels(be) : undefined;
  return simd != null ? groupNormForwardSimd(be, simd, x, gamma, beta, attrs) : groupNormForwardJs(be, x, gamma, beta, attrs);
}

/**
 * The forward pass with the per-pixel loops in SIMD (c % 4 == 0, wasm): per sample, shifted
 * per-channel sums (shift = the sample's first pixel), group statistics in float64 here, then
 * y = (x - mean) * (inv * gamma) + beta with the ReLU as a max.
 */
function groupNormForwardSimd(be: KernelBackend, simd: SimdKernels, x: TensorInfo, gamma: TensorInfo, beta: TensorInfo, { groups, epsilon, relu }: GroupNormAttrs): TensorInfo[] {
  const { n, c, s, cg } = dims(x.shape, groups);
  const out = output(be, x.shape);
  const st = output(be, [n, groups, 2]);
  const scratch = simd.scratch(6 * c);
  try {
    const xv = valuesOf(be, x);
    const gv = valuesOf(be, gamma);
    const bv = valuesOf(be, beta);
    const yv = out.values();
    const sv = st.values();
    const heap = simd.heap();
    const [shift, sum, sq, mc, a, b] = [0, 1, 2, 3, 4, 5].map((i) => scratch.at + i * c) as [number, number, number, number, number, number];
    heap.set(bv, b);
    const floor = relu ? 0 : -Infinity;
    for (let i = 0; i < n; i++) {
      const xi = xv.byteOffset / 4 + i * s * c;
      heap.copyWithin(shift, xi, xi + c);
      heap.fill(0, sum, sum + 2 * c);
      simd.stats(xi * 4, s, c, shift * 4, sum * 4, sq * 4);
      for (let g = 0; g < groups; g++) {
        let m = 0;
        for (let k = g * cg; k < (g + 1) * cg; k++) m += heap[shift + k]! + heap[sum + k]! / s;
        m /= cg;
        // Squared deviations from the group mean: each channel's own, plus its mean's offset.
        let m2 = 0;
        for (let k = g * cg; k < (g + 1) * cg; k++) {
          const mk = heap[shift + k]! + heap[sum + k]! / s;
          m2 += heap[sq + k]! - (heap[sum + k]! * heap[sum + k]!) / s + s * (mk - m) * (mk - m);
        }
        const inv = 1 / Math.sqrt(Math.max(0, m2 / (s * cg)) + epsilon);
        sv[(i * groups + g) * 2] = m;
        sv[(i * groups + g) * 2 + 1] = inv;
        for (let k = g * cg; k < (g + 1) * cg; k++) {
          heap[mc + k] = m;
          heap[a + k] = inv * gv[k]!;
        }
      }
      simd.affine(xi * 4, yv.byteOffset + i * s * c * 4, s, c, mc * 4, a * 4, b * 4, floor);
    }
  } finally {
    scratch.free();
  }
  return [out.info(), st.info()];
}

function groupNormForwardJs(be: KernelBackend, x: TensorInfo, gamma: TensorInfo, beta: TensorInfo, { groups, epsilon, relu }: GroupNormAttrs): TensorInfo[] {
  const { n, c, s, cg } = dims(x.shape, groups);
  const out = output(be, x.shape);
  const st = output(be, [n, groups, 2]);
  const xv = valuesOf(be, x);
  const gv = valuesOf(be, gamma);
  const bv = valuesOf(be, beta);
  const yv = out.values();
  const sv = st.values();
  const sum = new Float64Array(c);
  const sq = new Float64Array(c);
  // Per channel: the group's mean and inv * gamma; x - mean first, so a large mean cancels exactly.
  const mc = new Float32Array(c);
  const a = new Float32Array(c);
  const count = s * cg;
  for (let i = 0; i < n; i++) {
    const base = i * s * c;
    sum.fill(0);
    sq.fill(0);
    for (let p = 0, o = base; p < s; p++, o += c) {
      for (let k = 0; k < c; k++) {
        const v = xv[o + k]!;
        sum[k]! += v;
        sq[k]! += v * v;
      }
    }
    for (let g = 0; g < groups; g++) {
      let m = 0;
      let q = 0;
      for (let k = g * cg; k < (g + 1) * cg; k++) {
        m += sum[k]!;
        q += sq[k]!;
      }
      m /= count;
      const variance = Math.max(0, q / count - m * m);
      const inv = 1 / Math.sqrt(variance + epsilon);
      sv[(i * groups + g) * 2] = m;
      sv[(i * groups + g) * 2 + 1] = inv;
      for (let k = g * cg; k < (g + 1) * cg; k++) {
        mc[k] = m;
        a[k] = inv * gv[k]!;
      }
    }
    // Branch-free ReLU, (v + |v|) / 2 (exact): a branch on the sign of zero-mean data mispredicts
    // half the time and made this pass 6x slower.
    if (relu) {
      for (let p = 0, o = base; p < s; p++, o += c) {
        for (let k = 0; k < c; k++) {
          const v = (xv[o + k]! - mc[k]!) * a[k]! + bv[k]!;
          yv[o + k] = (v + Math.abs(v)) * 0.5;
        }
      }
    } else {
      for (let p = 0, o = base; p < s; p++, o += c) {
        for (let k = 0; k < c; k++) yv[o + k] = (xv[o + k]! - mc[k]!) * a[k]! + bv[k]!;
      }
    }
  }
  return [out.info(), st.info()];
}

/**
 * Gradients of groupNormForward: with g = dy (masked by y > 0 when relu) and xhat = (x - mean) * inv,
 * dgamma = sum g * xhat, dbeta = sum g, dx = inv * (g*gamma - mean(g*gamma) - xhat * mean(g*gamma*xhat))
 * (means over each sample's group), which is g*P[c] + (x - mean)*Q[c] + R[c] per sample: one more pass.
 */
function groupNormBackward(be: KernelBackend, dy: TensorInfo, x: TensorInfo, y: TensorInfo | undefined, gamma: TensorInfo, stats: TensorInfo, groups: number): TensorInfo[] {
  const simd = x.shape[x.shape.length - 1]! % 4 === 0 ? simdKernels(be) : undefined;
  return simd != null ? groupNormBackwardSimd(be, simd, dy, x, y, gamma, stats, groups) : groupNormBackwardJs(be, dy, x, y, gamma, stats, groups);
}

/** groupNormBackwardJs with the per-pixel loops in SIMD; s2 sums g * (x - mean), so gxhat = inv * s2. */
function groupNormBackwardSimd(be: KernelBackend, simd: SimdKernels, dy: TensorInfo, x: TensorInfo, y: TensorInfo | undefined, gamma: TensorInfo, stats: TensorInfo, groups: number): TensorInfo[] {
  const { n, c, s, cg } = dims(x.shape, groups);
  const dxOut = output(be, x.shape);
  const dgOut = output(be, [c]);
  const dbOut = output(be, [c]);
  const scratch = simd.scratch(6 * c);
  const dgamma = new Float64Array(c);
  const dbeta = new Float64Array(c);
  const count = s * cg;
  try {
    const dyv = valuesOf(be, dy);
    const xv = valuesOf(be, x);
    const yv = y == null ? dyv : valuesOf(be, y); // without ReLU any readable array: keep = -1 ignores it
    const keep = y == null ? -1 : 0;
    const gv = valuesOf(be, gamma);
    const sv = valuesOf(be, stats);
    const dxv = dxOut.values();
    const heap = simd.heap();
    const [mc, s1, s2, p, q, r] = [0, 1, 2, 3, 4, 5].map((i) => scratch.at + i * c) as [number, number, number, number, number, number];
    for (let i = 0; i < n; i++) {
      const off = i * s * c * 4;
      for (let g = 0; g < groups; g++) heap.fill(sv[(i * groups + g) * 2]!, mc + g * cg, mc + (g + 1) * cg);
      heap.fill(0, s1, s1 + 2 * c);
      simd.gradSums(dyv.byteOffset + off, xv.byteOffset + off, yv.byteOffset + off, keep, s, c, mc * 4, s1 * 4, s2 * 4);
      for (let g = 0; g < groups; g++) {
        const inv = sv[(i * groups + g) * 2 + 1]!;
        let m1 = 0;
        let m2 = 0;
        for (let k = g * cg; k < (g + 1) * cg; k++) {
          const gxhat = inv * heap[s2 + k]!;
          dgamma[k]! += gxhat;
          dbeta[k]! += heap[s1 + k]!;
          m1 += gv[k]! * heap[s1 + k]!;
          m2 += gv[k]! * gxhat;
        }
        m1 /= count;
        m2 /= count;
        for (let k = g * cg; k < (g + 1) * cg; k++) {
          heap[p + k] = inv * gv[k]!;
          heap[q + k] = -inv * inv * m2;
          heap[r + k] = -inv * m1;
        }
      }
      simd.gradInput(dyv.byteOffset + off, xv.byteOffset + off, yv.byteOffset + off, keep, dxv.byteOffset + off, s, c, mc * 4, p * 4, q * 4, r * 4);
    }
    dgOut.values().set(dgamma);
    dbOut.values().set(dbeta);
  } finally {
    scratch.free();
  }
  return [dxOut.info(), dgOut.info(), dbOut.info()];
}

function groupNormBackwardJs(be: KernelBackend, dy: TensorInfo, x: TensorInfo, y: TensorInfo | undefined, gamma: TensorInfo, stats: TensorInfo, groups: number): TensorInfo[] {
  const { n, c, s, cg } = dims(x.shape, groups);
  const dxOut = output(be, x.shape);
  const dgOut = output(be, [c]);
  const dbOut = output(be, [c]);
  const dyv = valuesOf(be, dy);
  const xv = valuesOf(be, x);
  const yv = y == null ? null : valuesOf(be, y);
  const gv = valuesOf(be, gamma);
  const sv = valuesOf(be, stats);
  const dxv = dxOut.values();
  const s1 = new Float64Array(c);
  const s2 = new Float64Array(c);
  const dgamma = new Float64Array(c);
  const dbeta = new Float64Array(c);
  const mc = new Float32Array(c);
  const pc = new Float32Array(c);
  const qc = new Float32Array(c);
  const rc = new Float32Array(c);
  const count = s * cg;
  for (let i = 0; i < n; i++) {
    const base = i * s * c;
    s1.fill(0);
    s2.fill(0);
    if (yv != null) {
      for (let p = 0, o = base; p < s; p++, o += c) {
        for (let k = 0; k < c; k++) {
          const g = dyv[o + k]! * +(yv[o + k]! > 0); // branch-free mask, as in the forward pass
          s1[k]! += g;
          s2[k]! += g * xv[o + k]!;
        }
      }
    } else {
      for (let p = 0, o = base; p < s; p++, o += c) {
        for (let k = 0; k < c; k++) {
          const g = dyv[o + k]!;
          s1[k]! += g;
          s2[k]! += g * xv[o + k]!;
        }
      }
    }
    for (let gi = 0; gi < groups; gi++) {
      const mean = sv[(i * groups + gi) * 2]!;
      const inv = sv[(i * groups + gi) * 2 + 1]!;
      let m1 = 0;
      let m2 = 0;
      for (let k = gi * cg; k < (gi + 1) * cg; k++) {
        const gxhat = inv * (s2[k]! - mean * s1[k]!);
        dgamma[k]! += gxhat;
        dbeta[k]! += s1[k]!;
        m1 += gv[k]! * s1[k]!;
        m2 += gv[k]! * gxhat;
      }
      m1 /= count;
      m2 /= count;
      for (let k = gi * cg; k < (gi + 1) * cg; k++) {
        mc[k] = mean;
        pc[k] = inv * gv[k]!;
        qc[k] = -inv * inv * m2;
        rc[k] = -inv * m1;
      }
    }
    if (yv != null) {
      for (let p = 0, o = base; p < s; p++, o += c) {
        for (let k = 0; k < c; k++) {
          const g = dyv[o + k]! * +(yv[o + k]! > 0);
          dxv[o + k] = g * pc[k]! + (xv[o + k]! - mc[k]!) * qc[k]! + rc[k]!;
        }
      }
    } else {
      for (let p = 0, o = base; p < s; p++, o += c) {
        for (let k = 0; k < c; k++) dxv[o + k] = dyv[o + k]! * pc[k]! + (xv[o + k]! - mc[k]!) * qc[k]! + rc[k]!;
      }
    }
  }
  dgOut.values().set(dgamma);
  dbOut.values().set(dbeta);
  return [dxOut.info(), dgOut.info(), dbOut.info()];
}

/** Whether the two kernels run on the current backend. */
export function hasGroupNormKernels(): boolean {
  return tf.getKernel(GROUP_NORM, tf.getBackend()) != null;
}

/** y and the statistics [N, groups, 2] (mean, inv) for groupNormGrad. */
export function groupNormKernel(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, attrs: GroupNormAttrs): [tf.Tensor, tf.Tensor] {
  return tf.engine().runKernel(GROUP_NORM, { x, gamma, beta }, attrs as unknown as NamedAttrMap) as unknown as [tf.Tensor, tf.Tensor];
}

/** dx, dgamma, dbeta; y (the output) only when the forward pass had relu. */
export function groupNormGradKernel(dy: tf.Tensor, x: tf.Tensor, y: tf.Tensor | undefined, gamma: tf.Tensor, stats: tf.Tensor, groups: number): [tf.Tensor, tf.Tensor, tf.Tensor] {
  const inputs: tf.NamedTensorMap = y == null ? { dy, x, gamma, stats } : { dy, x, y, gamma, stats };
  return tf.engine().runKernel(GROUP_NORM_GRAD, inputs, { groups }) as unknown as [tf.Tensor, tf.Tensor, tf.Tensor];
}

/** Registers both kernels (once) on this backend if JS can reach its tensor memory (wasm, cpu). */
export function registerGroupNormKernels(backendName: string): void {
  const be = tf.findBackend(backendName);
  if (be == null || !hasHostMemory(be) || tf.getKernel(GROUP_NORM, backendName) != null) return;
  type Args = { inputs: Record<string, TensorInfo>; attrs: NamedAttrMap; backend: KernelBackend };
  tf.registerKernel({
    kernelName: GROUP_NORM,
    backendName,
    kernelFunc: (({ inputs, attrs, backend }: Args) => groupNormForward(backend, inputs.x!, inputs.gamma!, inputs.beta!, attrs as unknown as GroupNormAttrs)) as unknown as KernelFunc,
  });
  tf.registerKernel({
    kernelName: GROUP_NORM_GRAD,
    backendName,
    kernelFunc: (({ inputs, attrs, backend }: Args) => groupNormBackward(backend, inputs.dy!, inputs.x!, inputs.y, inputs.gamma!, inputs.stats!, (attrs as unknown as GroupNormAttrs).groups)) as unknown as KernelFunc,
  });
}
