// Forward convolutions on wasm by our SIMD loops (simd.wat), faster than tfjs's XNNPACK path on
// every layer of both encoders (bench/conv-gflops.ts): one-channel images (the first layer, where
// XNNPACK's inner products are only kh*kw long: 2-3x) and the rest by 4 images x 8 output channels
// per register block over only the filter taps inside the image (10-25%; 2x on 2x2 maps, where a
// padded 3x3 window is mostly zeros). Other shapes (odd batch, channels not multiples of 4 and 8,
// dilation) stay with XNNPACK. The input-gradient phases are forward convolutions and come here too.
import * as tf from '@tensorflow/tfjs-core';
import { backend_util } from '@tensorflow/tfjs-core';
import type { KernelBackend, KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { simdKernels } from './simd.ts';
import { output, valuesOf } from './wasm-heap.ts';
import { writePadded } from './layouts.ts';

interface Conv2DAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dilations: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** Whether convOneChannel takes this convolution. */
function fits(x: TensorInfo, filter: TensorInfo, a: Conv2DAttrs): boolean {
  const d = typeof a.dilations === 'number' ? [a.dilations, a.dilations] : a.dilations;
  return x.shape[3] === 1 && filter.shape[3]! % 16 === 0 && a.dataFormat !== 'NCHW' && d[0] === 1 && d[1] === 1 && x.dtype === 'float32';
}

export function conv2dOneChannel(be: KernelBackend, x: TensorInfo, filter: TensorInfo, a: Conv2DAttrs): TensorInfo {
  const info = backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filter.shape as [number, number, number, number], a.strides, a.dilations, a.pad, a.dimRoundingMode);
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, outHeight: oh, outWidth: ow, inHeight: h, inWidth: w, outChannels: co, batchSize: n } = info;
  const { top, left } = info.padInfo;
  const simd = simdKernels(be)!;
  const m = n * oh * ow;
  const hp = (oh - 1) * sh + kh;
  const wp = (ow - 1) * sw + kw;
  const out = output(be, [n, oh, ow, co]);
  const padded = simd.scratch(n * hp * wp); // before the views: an allocation may move the heap
  const rowsAt = simd.scratch(m);
  try {
    const xs = valuesOf(be, x);
    const fs = valuesOf(be, filter);
    const o = out.values();
    const heap = simd.heap();
    const rows = simd.heapI32();
    writePadded(heap, padded.at, xs, n, h, w, top, left, hp, wp);
    let k = rowsAt.at;
    for (let img = 0; img < n; img++) {
      for (let i = 0; i < oh; i++) {
        const rowStart = (padded.at + (img * hp + i * sh) * wp) * 4;
        for (let j = 0; j < ow; j++, k++) rows[k] = rowStart + j * sw * 4;
      }
    }
    simd.convOneChannel(rowsAt.at * 4, m, fs.byteOffset, o.byteOffset, kh, kw, wp * 4, co);
  } finally {
    rowsAt.free();
    padded.free();
  }
  return out.info();
}

/** Whether convGather4 takes this convolution: batch, channels and filter in its blocks, no dilation. */
function fitsGather(x: TensorInfo, filter: TensorInfo, a: Conv2DAttrs): boolean {
  const d = typeof a.dilations === 'number' ? [a.dilations, a.dilations] : a.dilations;
  if (a.dataFormat === 'NCHW' || d[0] !== 1 || d[1] !== 1 || x.dtype !== 'float32') return false;
  return x.shape[0]! % 4 === 0 && x.shape[3]! % 4 === 0 && filter.shape[3]! % 8 === 0;
}

/** Each output position of 4 images at a time, over the filter taps that fall inside the image. */
export function conv2dGather(be: KernelBackend, x: TensorInfo, filter: TensorInfo, a: Conv2DAttrs): TensorInfo {
  const info = backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filter.shape as [number, number, number, number], a.strides, a.dilations, a.pad, a.dimRoundingMode);
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, outHeight: oh, outWidth: ow, inHeight: h, inWidth: w, inChannels: ci, outChannels: co, batchSize: n } = info;
  const { top, left } = info.padInfo;
  const simd = simdKernels(be)!;
  const taps = kh * kw;
  const out = output(be, [n, oh, ow, co]);
  const ptrs = simd.scratch(2 * taps); // before the views: an allocation may move the heap
  try {
    const xv = valuesOf(be, x);
    const fv = valuesOf(be, filter);
    const o = out.values();
    const i32 = simd.heapI32();
    const xsAt = ptrs.at;
    const wsAt = ptrs.at + taps;
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        let t = 0;
        for (let ta = 0; ta < kh; ta++) {
          const y = i * sh + ta - top;
          if (y < 0 || y >= h) continue;
          for (let tb = 0; tb < kw; tb++) {
            const xx = j * sw + tb - left;
            if (xx < 0 || xx >= w) continue;
            i32[xsAt + t] = xv.byteOffset + (y * w + xx) * ci * 4;
            i32[wsAt + t] = fv.byteOffset + (ta * kw + tb) * ci * co * 4;
            t++;
          }
        }
        const at = (i * ow + j) * co;
        if (t === 0) {
          for (let img = 0; img < n; img++) o.fill(0, img * oh * ow * co + at, img * oh * ow * co + at + co);
          continue;
        }
        simd.convGather4(xsAt * 4, wsAt * 4, t, o.byteOffset + at * 4, ci, co, n / 4, h * w * ci * 4, oh * ow * co * 4);
      }
    }
  } finally {
    ptrs.free();
  }
  return out.info();
}

let registered = false;

/** Puts (once) our loops in front of tfjs-backend-wasm's Conv2D for the shapes they take. */
export function registerWasmConv2D(): void {
  if (registered) return;
  registered = true;
  const original = tf.getKernel('Conv2D', 'wasm');
  if (original == null) return;
  type Args = { inputs: { x: TensorInfo; filter: TensorInfo }; attrs: NamedAttrMap; backend: KernelBackend };
  const run = original.kernelFunc as unknown as (args: Args) => TensorInfo;
  tf.unregisterKernel('Conv2D', 'wasm');
  const config: KernelConfig = {
    kernelName: 'Conv2D',
    backendName: 'wasm',
    kernelFunc: ((args: Args) => {
      const a = args.attrs as unknown as Conv2DAttrs;
      if (simdKernels(args.backend) != null) {
        if (fits(args.inputs.x, args.inputs.filter, a)) return conv2dOneChannel(args.backend, args.inputs.x, args.inputs.filter, a);
        if (fitsGather(args.inputs.x, args.inputs.filter, a)) return conv2dGather(args.backend, args.inputs.x, args.inputs.filter, a);
      }
      return run(args);
    }) as unknown as KernelFunc,
  };
  if (original.setupFunc) config.setupFunc = original.setupFunc;
  if (original.disposeFunc) config.disposeFunc = original.disposeFunc;
  tf.registerKernel(config);
}
