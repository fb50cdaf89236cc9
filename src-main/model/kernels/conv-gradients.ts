// Convolution gradients for the wasm backend, written as forward convolutions so they run on
// XNNPACK. tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter at all, and its Conv2DBackpropInput
// is a scalar C++ loop about 10x slower than the forward convolution of the same size.
import * as tf from '@tensorflow/tfjs-core';
import { backend_util } from '@tensorflow/tfjs-core';
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
  return tf.tidy(() => {
    const needH = (oh - 1) * sh + kh;
    const needW = (ow - 1) * sw + kw;
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
    return tf.tidy(() => {
      const rotated = tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
      return tf.conv2d(dy, rotated, 1, [[0, 0], [top, bottom], [left, right], [0, 0]]);
    });
  }
  return stridedBackpropInput(dy, filter, info);
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
    const rows: tf.Tensor[] = [];
    for (let ry = 0; ry < sh; ry++) {
      const cols: tf.Tensor[] = [];
      for (let rx = 0; rx < sw; rx++) {
        const my = Math.max(0, Math.ceil((kh - ry) / sh));
        const mx = Math.max(0, Math.ceil((kw - rx) / sw));
        if (my === 0 || mx === 0) {
          cols.push(tf.zeros([n, lh, lw, ci]));
          continue;
        }
        // Sub-filter taps k = r + s*m, flipped so the full correlation is a forward convolution.
        const sub = tf.stridedSlice(filter, [ry, rx, 0, 0], [kh, kw, filter.shape[2], filter.shape[3]], [sh, sw, 1, 1]) as tf.Tensor4D;
        const flipped = tf.transpose(tf.reverse(sub, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
        const padB = lh - oh;
        const padR = lw - ow;
        if (padB < 0 || padR < 0) throw new Error('unexpected geometry in strided Conv2DBackpropInput');
        cols.push(tf.conv2d(dy, flipped, 1, [[0, 0], [my - 1, padB], [mx - 1, padR], [0, 0]]));
      }
      rows.push(tf.stack(cols, 3)); // [n, lh, lw, sw, ci]
    }
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
        return conv2dBackpropFilterAsConv(inputs.x as tf.Tensor4D, inputs.dy as tf.Tensor4D, a.filterShape, a) as TensorInfo;
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
