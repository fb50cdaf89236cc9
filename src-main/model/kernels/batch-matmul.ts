// BatchMatMul with transposed operands on wasm: tfjs-backend-wasm 4.22 multiplies transposed
// operands 8-25x slower than plain ones (measured: [64,512]^T x [64,1024] 59 ms vs 2.3 ms after an
// explicit transpose), and every dense-layer gradient uses a transposed operand. We transpose first
// (2-D: SIMD tiles, kernels/layouts.ts).
import * as tf from '@tensorflow/tfjs-core';
import { transposed2d } from './layouts.ts';
import type { KernelConfig, KernelFunc, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';

function swapLastTwo(t: tf.Tensor): tf.Tensor {
  if (t.rank === 2) return transposed2d(t as tf.Tensor2D);
  const perm = [...Array(t.rank).keys()];
  [perm[t.rank - 2], perm[t.rank - 1]] = [perm[t.rank - 1]!, perm[t.rank - 2]!];
  return tf.transpose(t, perm);
}

let registered = false;

export function registerWasmBatchMatMul(): void {
  if (registered) return;
  registered = true;
  const original = tf.getKernel('BatchMatMul', 'wasm');
  if (original == null) return;
  const run = original.kernelFunc as unknown as (args: { inputs: NamedTensorInfoMap; attrs: NamedAttrMap; backend: unknown }) => TensorInfo;
  tf.unregisterKernel('BatchMatMul', 'wasm');
  const config: KernelConfig = {
    kernelName: 'BatchMatMul',
    backendName: 'wasm',
    kernelFunc: ((args: { inputs: NamedTensorInfoMap; attrs: NamedAttrMap; backend: unknown }) => {
      const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
      if (!transposeA && !transposeB) return run(args);
      return tf.tidy(() => {
        const a = transposeA ? swapLastTwo(args.inputs.a as tf.Tensor) : (args.inputs.a as tf.Tensor);
        const b = transposeB ? swapLastTwo(args.inputs.b as tf.Tensor) : (args.inputs.b as tf.Tensor);
        return tf.matMul(a, b);
      }) as TensorInfo;
    }) as unknown as KernelFunc,
  };
  if (original.setupFunc) config.setupFunc = original.setupFunc;
  if (original.disposeFunc) config.disposeFunc = original.disposeFunc;
  tf.registerKernel(config);
}
