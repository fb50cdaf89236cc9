// Forward convolution of one-channel images (the encoders' first layer) on wasm by our SIMD loop
// (convOneChannel in simd.wat): XNNPACK runs it at 8-25 GFLOP/s, its inner products being only
// kh*kw long, against 45-48 for the other layers (bench/conv-gflops.ts).
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

let registered = false;

/** Puts (once) our loop in front of tfjs-backend-wasm's Conv2D for the shapes it takes. */
export function registerWasmConv2DOneChannel(): void {
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
      if (fits(args.inputs.x, args.inputs.filter, a) && simdKernels(args.backend) != null) return conv2dOneChannel(args.backend, args.inputs.x, args.inputs.filter, a);
      return run(args);
    }) as unknown as KernelFunc,
  };
  if (original.setupFunc) config.setupFunc = original.setupFunc;
  if (original.disposeFunc) config.disposeFunc = original.disposeFunc;
  tf.registerKernel(config);
}
