// Convolution gradients for the wasm backend, written as forward convolutions so they run on
// XNNPACK. tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter at all, and its Conv2DBackpropInput
// is a scalar C++ loop about 10x slower than the forward convolution of the same size.
import * as tf from '@tensorflow/tfjs-core';
import { backend_util } from '@tensorflow/tfjs-core';
import { batchInside, interleavedPhases, layoutsInMemory, paddedChannelsFirst, writePadded } from './layouts.ts';
import { output, valuesOf } from './wasm-heap.ts';
import { simdKernels } from './simd.ts';
import type { KernelConfig, KernelFunc, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';

type Pad4 = [[number, number], [number, number], [number, number], [number, number]];

interface ConvGradAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

function convInfoOf(xShape: number[], filterShape: number[], attrs: ConvGradAttrs): backend_util.Conv2DInfo {
  return backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    backend_util.convertConv2DDataFormat(attrs.dataFormat),
  );
}

/**
 * dW[kh,kw,ci,co] = sum over n,oh,ow of xpad[n, oh*s+kh, ow*s+kw, ci] * dy[n,oh,ow,co]:
 * a valid convolution of x^T ([ci, H, W, n]: channels as batch) with dy^T ([OH, OW, n, co] as the
 * filter) dilated by the forward stride; its output is [ci, KH, KW, co].
 */
export function conv2dBackpropFilterAsConv(x: tf.Tensor4D, dy: tf.Tensor4D, filterShape: number[], attrs: ConvGradAttrs): tf.Tensor4D {
  const info = convInfoOf(x.shape, filterShape, attrs);
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, outHeight: oh, outWidth: ow, inHeight: h, inWidth: w } = info;
  const { top, left } = info.padInfo;
  const needH = (oh - 1) * sh + kh;
  const needW = (ow - 1) * sw + kw;
  if (layoutsInMemory()) {
    return tf.tidy(() => {
      const g = tf.conv2d(paddedChannelsFirst(x, top, left, needH, needW), batchInside(dy), 1, 'valid', 'NHWC', [sh, sw]);
      return tf.transpose(g, [1, 2, 0, 3]);
    });
  }
  return tf.tidy(() => {
    let xp: tf.Tensor4D = x;
    const padB = Math.max(0, needH - top - h);
    const padR = Math.max(0, needW - left - w);
    if (top > 0 || left > 0 || padB > 0 || padR > 0) {
      xp = tf.pad(x, [[0, 0], [top, padB], [left, padR], [0, 0]] as Pad4);
    }
    if (xp.shape[1] !== needH || xp.shape[2] !== needW) xp = tf.slice(xp, [0, 0, 0, 0], [-1, needH, needW, -1]);
    const xt = tf.transpose(xp, [3, 1, 2, 0]);
    const dyt = tf.transpose(dy, [1, 2, 0, 3]);
    const g = tf.conv2d(xt, dyt, 1, 'valid', 'NHWC', [sh, sw]);
    return tf.transpose(g, [1, 2, 0, 3]);
  });
}

/**
 * The same dW as one matrix product, dW [KH*KW*ci, co] = cols^T [KH*KW*ci, M] x dy [M, co] with
 * M = n*OH*OW: cols^T (the receptive fields of x, im2col, transposed) is written by a JS loop,
 * and XNNPACK's fully-connected path packs dy cheaply. The convolution form instead has dy as a
 * filter, which tfjs-backend-wasm re-lays out and XNNPACK repacks on every call (~60 ms for
 * [64, 64, 64, 32]). Pays where cols^T is small: few input channels.
 */
export function conv2dBackpropFilterAsMatMul(x: tf.Tensor4D, dy: tf.Tensor4D, filterShape: number[], attrs: ConvGradAttrs): tf.Tensor4D {
  const info = convInfoOf(x.shape, filterShape, attrs);
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, outHeight: oh, outWidth: ow, inHeight: h, inWidth: w, inChannels: ci, outChannels: co, batchSize: n } = info;
  const { top, left } = info.padInfo;
  const m = n * oh * ow;
  const be = tf.backend();
  const cols = output(be, [kh * kw * ci, m]);
  const xs = valuesOf(be, x);
  const c = cols.values();
  for (let a = 0; a < kh; a++) {
    for (let b = 0; b < kw; b++) {
      const row0 = (a * kw + b) * ci * m;
      let col = 0;
      for (let img = 0; img < n; img++) {
        for (let i = 0; i < oh; i++) {
          const y = i * sh + a - top;
          for (let j = 0; j < ow; j++, col++) {
            const xx = j * sw + b - left;
            if (y < 0 || y >= h || xx < 0 || xx >= w) {
              for (let k = 0, d = row0 + col; k < ci; k++, d += m) c[d] = 0;
            } else {
              const src = ((img * h + y) * w + xx) * ci;
              for (let k = 0, d = row0 + col; k < ci; k++, d += m) c[d] = xs[src + k]!;
            }
          }
        }
      }
    }
  }
  return tf.tidy(() => {
    const colsT = tf.engine().makeTensorFromTensorInfo(cols.info()) as tf.Tensor2D;
    return tf.reshape(tf.matMul(colsT, tf.reshape(dy, [m, co])), [kh, kw, ci, co]) as tf.Tensor4D;
  });
}

/**
 * dW by whichever form is faster for the layer (bench/conv-gflops.ts): our SIMD kernel where the
 * channels allow (multiples of 4 in, 8 out), else the matrix product where
 * im2col is small against dy (few input channels: the first layer, 1x1 shortcuts) or the output
 * is 2x2 or smaller (the dilated convolution then has a tiny, inefficient output), else the convolution.
 */
export function conv2dBackpropFilter(x: tf.Tensor4D, dy: tf.Tensor4D, filterShape: number[], attrs: ConvGradAttrs): tf.Tensor4D {
  const [kh, kw, ci, co] = filterShape as [number, number, number, number];
  if (co % 8 === 0 && simdKernels(tf.backend()) != null) {
    if (ci % 4 === 0) return conv2dBackpropFilterDirect(x, dy, filterShape, attrs);
    if (ci === 1) return conv2dBackpropFilterOneChannel(x, dy, filterShape, attrs);
  }
  const small = kh * kw * ci <= 2 * co || dy.shape[1] * dy.shape[2] <= 4;
  return small && layoutsInMemory() ? conv2dBackpropFilterAsMatMul(x, dy, filterShape, attrs) : conv2dBackpropFilterAsConv(x, dy, filterShape, attrs);
}

/** Rows of dy per filterGradTap call: a tile of dy (128 x co floats) stays in cache across blocks. */
const TILE_ROWS = 128;

/**
 * dW as KH*KW outer-product sums, dW[a,b] = sum over rows k of x_k(a,b)^T dy_k, by simd.wat's
 * filterGradTap straight from x and dy in NHWC: no transposes, and no dy-sized operand for
 * tfjs/XNNPACK to re-lay out and pack on every call, which made the convolution form run at 17-33
 * GFLOP/s against 45-48 for the forward convolution. This one runs at 35-55 (bench/conv-gflops.ts).
 */
export function conv2dBackpropFilterDirect(x: tf.Tensor4D, dy: tf.Tensor4D, filterShape: number[], attrs: ConvGradAttrs): tf.Tensor4D {
  const info = convInfoOf(x.shape, filterShape, attrs);
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, outHeight: oh, outWidth: ow, inHeight: h, inWidth: w, inChannels: ci, outChannels: co, batchSize: n } = info;
  const { top, left } = info.padInfo;
  const be = tf.backend();
  const simd = simdKernels(be)!;
  const m = n * oh * ow;
  const out = output(be, [kh, kw, ci, co]);
  const rowsAt = simd.scratch(m); // before the views: an allocation may move the heap
  try {
    const xs = valuesOf(be, x);
    const dys = valuesOf(be, dy);
    const o = out.values();
    o.fill(0);
    const rows = simd.heapI32().subarray(rowsAt.at, rowsAt.at + m);
    for (let a = 0; a < kh; a++) {
      for (let b = 0; b < kw; b++) {
        let k = 0;
        for (let img = 0; img < n; img++) {
          for (let i = 0; i < oh; i++) {
            const y = i * sh + a - top;
            for (let j = 0; j < ow; j++, k++) {
              const xx = j * sw + b - left;
              rows[k] = y < 0 || y >= h || xx < 0 || xx >= w ? -1 : xs.byteOffset + ((img * h + y) * w + xx) * ci * 4;
            }
          }
        }
        const dw = o.byteOffset + (a * kw + b) * ci * co * 4;
        for (let t = 0; t < m; t += TILE_ROWS) simd.filterGradTap((rowsAt.at + t) * 4, Math.min(TILE_ROWS, m - t), dys.byteOffset + t * co * 4, dw, ci, co);
      }
    }
  } finally {
    rowsAt.free();
  }
  return tf.engine().makeTensorFromTensorInfo(out.info()) as tf.Tensor4D;
}

/**
 * dW of a one-channel layer (the first convolution) by the same SIMD kernel: the 4 values it loads
 * as input channels are instead 4 neighbouring pixels of a zero-padded copy of x, i.e. the filter
 * taps b..b+3 of one filter row, so each call gives 4 taps at once (a 4th beyond the filter is
 * computed and dropped). The matrix-product form spent most of its time packing dy.
 */
export function conv2dBackpropFilterOneChannel(x: tf.Tensor4D, dy: tf.Tensor4D, filterShape: number[], attrs: ConvGradAttrs): tf.Tensor4D {
  const info = convInfoOf(x.shape, filterShape, attrs);
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, outHeight: oh, outWidth: ow, inHeight: h, inWidth: w, outChannels: co, batchSize: n } = info;
  const { top, left } = info.padInfo;
  const be = tf.backend();
  const simd = simdKernels(be)!;
  const m = n * oh * ow;
  const groups = Math.ceil(kw / 4);
  const hp = (oh - 1) * sh + kh;
  const wp = (ow - 1) * sw + 4 * groups; // every 4-wide load stays inside its padded row
  const out = output(be, [kh, kw, 1, co]);
  const padded = simd.scratch(n * hp * wp); // before the views: an allocation may move the heap
  const rowsAt = simd.scratch(m);
  const part = simd.scratch(4 * co);
  try {
    const xs = valuesOf(be, x);
    const dys = valuesOf(be, dy);
    const o = out.values();
    const heap = simd.heap();
    const rows = simd.heapI32();
    writePadded(heap, padded.at, xs, n, h, w, top, left, hp, wp);
    for (let a = 0; a < kh; a++) {
      for (let g = 0; g < groups; g++) {
        let k = rowsAt.at;
        for (let img = 0; img < n; img++) {
          for (let i = 0; i < oh; i++) {
            const rowStart = (padded.at + (img * hp + i * sh + a) * wp + 4 * g) * 4;
            for (let j = 0; j < ow; j++, k++) rows[k] = rowStart + j * sw * 4;
          }
        }
        heap.fill(0, part.at, part.at + 4 * co);
        for (let t = 0; t < m; t += TILE_ROWS) simd.filterGradTap((rowsAt.at + t) * 4, Math.min(TILE_ROWS, m - t), dys.byteOffset + t * co * 4, part.at * 4, 4, co);
        for (let r = 0; r < 4 && 4 * g + r < kw; r++) o.set(heap.subarray(part.at + r * co, part.at + (r + 1) * co), (a * kw + 4 * g + r) * co);
      }
    }
  } finally {
    part.free();
    rowsAt.free();
    padded.free();
  }
  return tf.engine().makeTensorFromTensorInfo(out.info()) as tf.Tensor4D;
}

/**
 * dx = full correlation of dy (zeros inserted between rows/columns for stride > 1) with the filter
 * rotated 180 degrees and its in/out channels swapped. Returns null when the padding is not one a
 * forward convolution can express (padding larger than the kernel), so the caller falls back.
 */
export function conv2dBackpropInputAsConv(dy: tf.Tensor4D, filter: tf.Tensor4D, inputShape: number[], attrs: ConvGradAttrs): tf.Tensor4D | null {
  const info = convInfoOf(inputShape, filter.shape, attrs);
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, outHeight: oh, outWidth: ow, inHeight: h, inWidth: w } = info;
  const top = kh - 1 - info.padInfo.top;
  const left = kw - 1 - info.padInfo.left;
  const dh = (oh - 1) * sh + 1;
  const dw = (ow - 1) * sw + 1;
  const bottom = h - dh - top + kh - 1;
  const right = w - dw - left + kw - 1;
  if (top < 0 || left < 0 || bottom < 0 || right < 0) return null;
  if (sh === 1 && sw === 1) {
    return tf.tidy(() => tf.conv2d(dy, flippedSubFilter(filter, 0, 0, 1, 1), 1, [[0, 0], [top, bottom], [left, right], [0, 0]]));
  }
  return stridedBackpropInput(dy, filter, info);
}

/**
 * The taps k = r + s*m of a filter [KH, KW, ci, co], rotated 180 degrees, with in/out channels
 * swapped: [MH, MW, co, ci], so that a full correlation is a forward convolution. One pass of 4x4
 * SIMD transposes (JS where channels are not multiples of 4): tfjs-backend-wasm's Reverse and
 * StridedSlice are generic element-by-element loops (a resnet18 step spent 290 ms in them).
 */
export function flippedSubFilter(filter: tf.Tensor4D, ry: number, rx: number, sh: number, sw: number): tf.Tensor4D {
  const be = tf.backend();
  const [kh, kw, ci, co] = filter.shape;
  const mh = Math.ceil((kh - ry) / sh);
  const mw = Math.ceil((kw - rx) / sw);
  const out = output(be, [mh, mw, co, ci]);
  const f = valuesOf(be, filter);
  const o = out.values();
  const simd = ci % 4 === 0 && co % 4 === 0 ? simdKernels(be) : undefined;
  for (let a = 0; a < mh; a++) {
    const y = ry + sh * (mh - 1 - a);
    for (let b = 0; b < mw; b++) {
      const x = rx + sw * (mw - 1 - b);
      const tap = (y * kw + x) * ci * co;
      let d = (a * mw + b) * co * ci;
      if (simd != null) {
        simd.transposeBlock(f.byteOffset + tap * 4, co * 4, o.byteOffset + d * 4, ci * 4, ci, co);
        continue;
      }
      for (let j = 0; j < co; j++) {
        for (let i = 0; i < ci; i++) o[d++] = f[tap + i * co + j]!;
      }
    }
  }
  return tf.engine().makeTensorFromTensorInfo(out.info()) as tf.Tensor4D;
}

/**
 * Input gradient of a strided convolution by phases (sub-pixel decomposition): input row i gets
 * contributions only from the filter rows k with k = (i + padTop) mod s, so each of the s*s phases
 * is a stride-1 convolution of dy with a sub-filter, and the phases interleave into dx. Same
 * arithmetic as the forward pass, where inserting zeros into dy would cost s*s times more.
 */
function stridedBackpropInput(dy: tf.Tensor4D, filter: tf.Tensor4D, info: backend_util.Conv2DInfo): tf.Tensor4D {
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, outHeight: oh, outWidth: ow, inHeight: h, inWidth: w } = info;
  const pt = info.padInfo.top;
  const pl = info.padInfo.left;
  const n = dy.shape[0];
  const ci = filter.shape[2];
  const lh = Math.floor((pt + h - 1) / sh) + 1;
  const lw = Math.floor((pl + w - 1) / sw) + 1;
  return tf.tidy(() => {
    const phases: Array<Array<tf.Tensor4D | null>> = [];
    for (let ry = 0; ry < sh; ry++) {
      const row: Array<tf.Tensor4D | null> = [];
      for (let rx = 0; rx < sw; rx++) {
        const my = Math.max(0, Math.ceil((kh - ry) / sh));
        const mx = Math.max(0, Math.ceil((kw - rx) / sw));
        if (my === 0 || mx === 0) {
          row.push(null); // no filter tap lands on this phase: its inputs get no gradient
          continue;
        }
        const flipped = flippedSubFilter(filter, ry, rx, sh, sw);
        const padB = lh - oh;
        const padR = lw - ow;
        if (padB < 0 || padR < 0) throw new Error('unexpected geometry in strided Conv2DBackpropInput');
        row.push(tf.conv2d(dy, flipped, 1, [[0, 0], [my - 1, padB], [mx - 1, padR], [0, 0]]));
      }
      phases.push(row);
    }
    if (layoutsInMemory()) return interleavedPhases(phases, [n, h, w, ci], pt, pl);
    const zeros = () => tf.zeros([n, lh, lw, ci]);
    const rows = phases.map((row) => tf.stack(row.map((p) => p ?? zeros()), 3)); // [n, lh, lw, sw, ci]
    const inter = tf.reshape(tf.stack(rows, 2), [n, lh * sh, lw * sw, ci]) as tf.Tensor4D; // [n, lh, sh, lw, sw, ci]
    return tf.slice(inter, [0, pt, pl, 0], [n, h, w, ci]);
  });
}

let registered = false;

/** Registers (once) the two kernels on the wasm backend; the original input-gradient kernel stays as fallback. */
export function registerWasmConvGradients(): void {
  if (registered) return;
  registered = true;
  const original = tf.getKernel('Conv2DBackpropInput', 'wasm');
  if (tf.getKernel('Conv2DBackpropFilter', 'wasm') == null) {
    tf.registerKernel({
      kernelName: 'Conv2DBackpropFilter',
      backendName: 'wasm',
      kernelFunc: (({ inputs, attrs }: { inputs: NamedTensorInfoMap; attrs: NamedAttrMap }) => {
        const a = attrs as unknown as ConvGradAttrs & { filterShape: number[] };
        if (a.dataFormat === 'NCHW') throw new Error('Conv2DBackpropFilter on wasm supports NHWC only');
        return conv2dBackpropFilter(inputs.x as tf.Tensor4D, inputs.dy as tf.Tensor4D, a.filterShape, a) as TensorInfo;
      }) as unknown as KernelFunc,
    });
  }
  if (original != null) {
    tf.unregisterKernel('Conv2DBackpropInput', 'wasm');
    const config: KernelConfig = {
      kernelName: 'Conv2DBackpropInput',
      backendName: 'wasm',
      kernelFunc: ((args: { inputs: NamedTensorInfoMap; attrs: NamedAttrMap; backend: unknown }) => {
        const a = args.attrs as unknown as ConvGradAttrs & { inputShape: number[] };
        if (a.dataFormat !== 'NCHW') {
          const r = conv2dBackpropInputAsConv(args.inputs.dy as tf.Tensor4D, args.inputs.filter as tf.Tensor4D, a.inputShape, a);
          if (r != null) return r as TensorInfo;
        }
        return (original.kernelFunc as unknown as (x: typeof args) => TensorInfo)(args);
      }) as unknown as KernelFunc,
    };
    if (original.setupFunc) config.setupFunc = original.setupFunc;
    if (original.disposeFunc) config.disposeFunc = original.disposeFunc;
    tf.registerKernel(config);
  }
}
