// MaxPoolGrad for wasm as a JS loop over tensor memory: tfjs-backend-wasm's kernel recomputes the
// argmax of every window per input position (84 ms for the ResNet stem pool, [64,32,32,64], in a
// 2.5 s step: bench/step-profile.ts). Here each output finds its window's first element equal to
// the forward max (the cpu backend's rule for ties: first maximum in row-major order) and adds dy there.
import * as tf from '@tensorflow/tfjs-core';
import { backend_util } from '@tensorflow/tfjs-core';
import type { KernelBackend, KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { output, valuesOf } from './wasm-heap.ts';
import { simdKernels } from './simd.ts';

interface PoolAttrs {
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

export function maxPoolGrad(be: KernelBackend, dy: TensorInfo, input: TensorInfo, out: TensorInfo, attrs: PoolAttrs): TensorInfo {
  const info = backend_util.computePool2DInfo(input.shape as [number, number, number, number], attrs.filterSize, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw, filterHeight: fh, filterWidth: fw } = info;
  const { top, left } = info.padInfo;
  const dx = output(be, input.shape);
  const simd = c % 4 === 0 ? simdKernels(be) : undefined;
  const mask = simd?.scratch(c); // before the views: an allocation may move the heap
  const xv = valuesOf(be, input);
  const yv = valuesOf(be, out);
  const gv = valuesOf(be, dy);
  const dv = dx.values();
  dv.fill(0);
  if (simd != null && mask != null) {
    try {
      for (let b = 0; b < n; b++) {
        for (let i = 0; i < oh; i++) {
          const y0 = Math.max(0, i * sh - top);
          const y1 = Math.min(h, i * sh - top + fh);
          for (let j = 0; j < ow; j++) {
            const x0 = Math.max(0, j * sw - left);
            const x1 = Math.min(w, j * sw - left + fw);
            const o = ((b * oh + i) * ow + j) * c * 4;
            const at = ((b * h + y0) * w + x0) * c * 4;
            simd.maxPoolGradPixel(gv.byteOffset + o, yv.byteOffset + o, xv.byteOffset + at, dv.byteOffset + at, c, y1 - y0, x1 - x0, w * c * 4, mask.at * 4);
          }
        }
      }
    } finally {
      mask.free();
    }
    return dx.info();
  }
  // Per output pixel, the window's taps in order with all channels at once; 'open' marks the
  // channels whose maximum is still unmatched. Branch-free: a data-dependent branch per element
  // mispredicts on noisy images.
  const open = new Float32Array(c);
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < oh; i++) {
      const y0 = Math.max(0, i * sh - top);
      const y1 = Math.min(h, i * sh - top + fh);
      for (let j = 0; j < ow; j++) {
        const x0 = Math.max(0, j * sw - left);
        const x1 = Math.min(w, j * sw - left + fw);
        const o = ((b * oh + i) * ow + j) * c;
        open.fill(1);
        for (let y = y0; y < y1; y++) {
          for (let x = x0; x < x1; x++) {
            const at = ((b * h + y) * w + x) * c;
            for (let k = 0; k < c; k++) {
              const hit = open[k]! * +(xv[at + k] === yv[o + k]);
              dv[at + k]! += hit * gv[o + k]!;
              open[k] = open[k]! - hit;
            }
          }
        }
      }
    }
  }
  return dx.info();
}

let registered = false;

/** Replaces (once) tfjs-backend-wasm's MaxPoolGrad. */
export function registerWasmMaxPoolGrad(): void {
  if (registered) return;
  registered = true;
  const original = tf.getKernel('MaxPoolGrad', 'wasm');
  if (original != null) tf.unregisterKernel('MaxPoolGrad', 'wasm');
  const config: KernelConfig = {
    kernelName: 'MaxPoolGrad',
    backendName: 'wasm',
    kernelFunc: (({ inputs, attrs, backend }: { inputs: Record<string, TensorInfo>; attrs: NamedAttrMap; backend: KernelBackend }) =>
      maxPoolGrad(backend, inputs.dy!, inputs.input!, inputs.output!, attrs as unknown as PoolAttrs)) as unknown as KernelFunc,
  };
  tf.registerKernel(config);
}
