// The optimiser step and the target network's moving average as one SIMD pass per weight on wasm
// (simd.wat): AdamW as tf ops is 14 kernel calls per weight, each a pass over memory (a resnet18
// step spent ~60 ms in 1056 calls, bench/step-profile.ts), the EMA 3 more.
import * as tf from '@tensorflow/tfjs-core';
import type { KernelBackend, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { simdKernels } from './simd.ts';
import { output, valuesOf } from './wasm-heap.ts';

export const ADAMW = 'AstromorphAdamW';
export const LERP = 'AstromorphLerp';

export interface AdamWAttrs {
  beta1: number;
  beta2: number;
  epsilon: number;
  /** learning rate / (1 - beta1^t) */
  step: number;
  /** 1 / (1 - beta2^t) */
  ic2: number;
  /** 1 - learning rate * weight decay (1 without decay) */
  keep: number;
}

function adamw(be: KernelBackend, w: TensorInfo, g: TensorInfo, m: TensorInfo, v: TensorInfo, a: AdamWAttrs): TensorInfo[] {
  const simd = simdKernels(be)!;
  const outs = [output(be, w.shape), output(be, w.shape), output(be, w.shape)];
  const [wv, gv, mv, vv] = [w, g, m, v].map((t) => valuesOf(be, t)) as [Float32Array, Float32Array, Float32Array, Float32Array];
  const [wo, mo, vo] = outs.map((o) => o.values()) as [Float32Array, Float32Array, Float32Array];
  const n = wv.length;
  const body = n - (n % 4);
  simd.adamw(wv.byteOffset, gv.byteOffset, mv.byteOffset, vv.byteOffset, wo.byteOffset, mo.byteOffset, vo.byteOffset, body, a.beta1, 1 - a.beta1, a.beta2, 1 - a.beta2, a.step, a.ic2, a.epsilon, a.keep);
  const f = Math.fround;
  for (let i = body; i < n; i++) {
    const mi = f(f(a.beta1 * mv[i]!) + f(f(1 - a.beta1) * gv[i]!));
    const vi = f(f(a.beta2 * vv[i]!) + f(f(1 - a.beta2) * f(gv[i]! * gv[i]!)));
    mo[i] = mi;
    vo[i] = vi;
    wo[i] = f(wv[i]! * a.keep) - f(f(a.step * mi) / f(f(Math.sqrt(f(vi * a.ic2))) + a.epsilon));
  }
  return outs.map((o) => o.info());
}

function lerp(be: KernelBackend, a: TensorInfo, b: TensorInfo, tau: number): TensorInfo {
  const simd = simdKernels(be)!;
  const out = output(be, a.shape);
  const av = valuesOf(be, a);
  const bv = valuesOf(be, b);
  const o = out.values();
  const body = av.length - (av.length % 4);
  simd.lerp(av.byteOffset, bv.byteOffset, o.byteOffset, body, tau, 1 - tau);
  for (let i = body; i < av.length; i++) o[i] = Math.fround(av[i]! * tau) + Math.fround(bv[i]! * (1 - tau));
  return out.info();
}

/** Whether the fused kernels run on the current backend. */
export function hasWeightUpdateKernels(): boolean {
  return tf.getKernel(ADAMW, tf.getBackend()) != null;
}

/** New [weight, m, v] after one AdamW step. */
export function adamwKernel(w: tf.Tensor, g: tf.Tensor, m: tf.Tensor, v: tf.Tensor, attrs: AdamWAttrs): [tf.Tensor, tf.Tensor, tf.Tensor] {
  return tf.engine().runKernel(ADAMW, { w, g, m, v }, attrs as unknown as NamedAttrMap) as unknown as [tf.Tensor, tf.Tensor, tf.Tensor];
}

/** a * tau + b * (1 - tau). */
export function lerpKernel(a: tf.Tensor, b: tf.Tensor, tau: number): tf.Tensor {
  return tf.engine().runKernel(LERP, { a, b }, { tau }) as tf.Tensor;
}

/** Registers (once) both kernels on wasm, the backend with the SIMD module. */
export function registerWeightUpdateKernels(): void {
  if (tf.getKernel(ADAMW, 'wasm') != null) return;
  type Args = { inputs: Record<string, TensorInfo>; attrs: NamedAttrMap; backend: KernelBackend };
  tf.registerKernel({
    kernelName: ADAMW,
    backendName: 'wasm',
    kernelFunc: (({ inputs, attrs, backend }: Args) => adamw(backend, inputs.w!, inputs.g!, inputs.m!, inputs.v!, attrs as unknown as AdamWAttrs)) as unknown as KernelFunc,
  });
  tf.registerKernel({
    kernelName: LERP,
    backendName: 'wasm',
    kernelFunc: (({ inputs, attrs, backend }: Args) => lerp(backend, inputs.a!, inputs.b!, (attrs as unknown as { tau: number }).tau)) as unknown as KernelFunc,
  });
}
