// Layout changes the convolution gradients need, as JS loops over tensor memory: tfjs-backend-wasm's
// Transpose and Pad walk element by element through generic index arithmetic (a [64,65,65,32]
// transpose took 68 ms and its padding 15 ms; these loops copy in blocks).
import * as tf from '@tensorflow/tfjs-core';
import { hasHostMemory, output, valuesOf } from './wasm-heap.ts';
import { simdKernels } from './simd.ts';

/** Whether the loops here run on the current backend (else callers use tf ops). */
export function layoutsInMemory(): boolean {
  return hasHostMemory(tf.backend());
}

/**
 * x [n, h, w, c] zero-padded to rows -top .. outH-top-1 and columns -left .. outW-left-1 (cropping
 * where those end inside x), channels first and batch last: [c, outH, outW, n].
 */
export function paddedChannelsFirst(x: tf.Tensor4D, top: number, left: number, outH: number, outW: number): tf.Tensor4D {
  const be = tf.backend();
  const [n, h, w, c] = x.shape;
  const out = output(be, [c, outH, outW, n]);
  const xs = valuesOf(be, x);
  const o = out.values();
  const plane = outH * outW * n;
  const simd = n % 4 === 0 && c % 4 === 0 ? simdKernels(be) : undefined;
  for (let y = 0; y < outH; y++) {
    const sy = y - top;
    for (let xx = 0; xx < outW; xx++) {
      const sx = xx - left;
      const pos = (y * outW + xx) * n;
      if (sy < 0 || sy >= h || sx < 0 || sx >= w) {
        for (let k = 0; k < c; k++) o.fill(0, k * plane + pos, k * plane + pos + n);
        continue;
      }
      // One [n, c] block of x to [c, n]: rows of x are c contiguous values, rows of the result n.
      if (simd != null) {
        simd.transposeBlock(xs.byteOffset + (sy * w + sx) * c * 4, h * w * c * 4, o.byteOffset + pos * 4, plane * 4, n, c);
        continue;
      }
      for (let b = 0; b < n; b++) {
        const src = ((b * h + sy) * w + sx) * c;
        for (let k = 0, d = pos + b; k < c; k++, d += plane) o[d] = xs[src + k]!;
      }
    }
  }
  return tf.engine().makeTensorFromTensorInfo(out.info()) as tf.Tensor4D;
}

/** dy [n, h, w, c] as [h, w, n, c]: rows of c values move as blocks. */
export function batchInside(dy: tf.Tensor4D): tf.Tensor4D {
  const be = tf.backend();
  const [n, h, w, c] = dy.shape;
  const out = output(be, [h, w, n, c]);
  const src = valuesOf(be, dy);
  const o = out.values();
  const simd = c % 4 === 0 ? simdKernels(be) : undefined;
  if (simd != null) {
    for (let b = 0; b < n; b++) simd.copyRows(src.byteOffset + b * h * w * c * 4, o.byteOffset + b * c * 4, h * w, c, c * 4, n * c * 4);
    return tf.engine().makeTensorFromTensorInfo(out.info()) as tf.Tensor4D;
  }
  for (let b = 0; b < n; b++) {
    for (let p = 0; p < h * w; p++) o.set(src.subarray((b * h * w + p) * c, (b * h * w + p + 1) * c), (p * n + b) * c);
  }
  return tf.engine().makeTensorFromTensorInfo(out.info()) as tf.Tensor4D;
}

/**
 * The s*s phase images [n, lh, lw, c] of a strided input gradient interleaved into [n, h, w, c]:
 * dx[y, x] = phase[(y + top) % sh][(x + left) % sw] at ((y + top) / sh, (x + left) / sw); a null
 * phase is zeros. One copy of c values per pixel (tf Stack + Reshape + Slice copied everything twice).
 */
export function interleavedPhases(phases: Array<Array<tf.Tensor4D | null>>, shape: [number, number, number, number], top: number, left: number): tf.Tensor4D {
  const be = tf.backend();
  const [n, h, w, c] = shape;
  const sh = phases.length;
  const sw = phases[0]!.length;
  const out = output(be, shape);
  const src = phases.map((row) => row.map((p) => (p == null ? null : { values: valuesOf(be, p), lh: p.shape[1], lw: p.shape[2] })));
  const o = out.values();
  const simd = c % 4 === 0 ? simdKernels(be) : undefined;
  for (let b = 0; b < n; b++) {
    for (let y = 0; y < h; y++) {
      const row = src[(y + top) % sh]!;
      const ly = Math.floor((y + top) / sh);
      if (simd != null) {
        // Per phase column rx: the pixels x = x0, x0 + sw, ... come from consecutive phase pixels.
        for (let rx = 0; rx < sw; rx++) {
          const x0 = (((rx - left) % sw) + sw) % sw;
          if (x0 >= w) continue;
          const count = Math.floor((w - 1 - x0) / sw) + 1;
          const p = row[rx]!;
          const d = ((b * h + y) * w + x0) * c;
          if (p == null) {
            for (let i = 0; i < count; i++) o.fill(0, d + i * sw * c, d + i * sw * c + c);
            continue;
          }
          const s = ((b * p.lh + ly) * p.lw + Math.floor((x0 + left) / sw)) * c;
          simd.copyRows(p.values.byteOffset + s * 4, o.byteOffset + d * 4, count, c, c * 4, sw * c * 4);
        }
        continue;
      }
      for (let x = 0; x < w; x++) {
        const p = row[(x + left) % sw]!;
        const d = ((b * h + y) * w + x) * c;
        if (p == null) {
          o.fill(0, d, d + c);
          continue;
        }
        const s = ((b * p.lh + ly) * p.lw + Math.floor((x + left) / sw)) * c;
        for (let k = 0; k < c; k++) o[d + k] = p.values[s + k]!;
      }
    }
  }
  return tf.engine().makeTensorFromTensorInfo(out.info()) as tf.Tensor4D;
}

/** The transpose of a 2-D tensor, in 4x4 SIMD tiles when both sides are multiples of 4 on wasm. */
export function transposed2d(t: tf.Tensor2D): tf.Tensor2D {
  const be = tf.backend();
  const [rows, cols] = t.shape;
  const simd = rows % 4 === 0 && cols % 4 === 0 && t.dtype === 'float32' ? simdKernels(be) : undefined;
  if (simd == null) return tf.transpose(t);
  const out = output(be, [cols, rows]);
  const src = valuesOf(be, t);
  const o = out.values();
  simd.transposeBlock(src.byteOffset, cols * 4, o.byteOffset, rows * 4, rows, cols);
  return tf.engine().makeTensorFromTensorInfo(out.info()) as tf.Tensor2D;
}

/**
 * Writes one-channel x [n, h, w, 1] into heap[at ..] as [n, hp, wp] with x's pixel (y, x) at
 * (y + top, x + left), zeros around it, cropped to hp x wp (the window a convolution reads).
 */
export function writePadded(heap: Float32Array, at: number, xs: Float32Array, n: number, h: number, w: number, top: number, left: number, hp: number, wp: number): void {
  heap.fill(0, at, at + n * hp * wp);
  const len = Math.min(w, wp - left);
  for (let img = 0; img < n; img++) {
    for (let y = 0; y < h && y + top < hp; y++) {
      const src = xs.byteOffset / 4 + (img * h + y) * w;
      heap.copyWithin(at + (img * hp + y + top) * wp + left, src, src + len);
    }
  }
}
