// Identity on wasm sharing the input's memory (reference counted), as the cpu backend does.
// tfjs-backend-wasm copies it, and the engine clones every tensor it saves for the backward pass
// (each layer's inputs, the normalisations' outputs), so each step copied those activations once
// more (9 ms of a 700 ms small-cnn step). Tensors are immutable and no kernel here writes its
// inputs, so sharing is safe.
import * as tf from '@tensorflow/tfjs-core';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';

let registered = false;

export function registerWasmIdentity(): void {
  if (registered) return;
  registered = true;
  const original = tf.getKernel('Identity', 'wasm');
  if (original == null) return;
  tf.unregisterKernel('Identity', 'wasm');
  tf.registerKernel({
    kernelName: 'Identity',
    backendName: 'wasm',
    kernelFunc: ((args: { inputs: { x: TensorInfo }; backend: { incRef(id: object): void } }) => {
      const { x } = args.inputs;
      if (x.dtype === 'string') return (original.kernelFunc as unknown as (a: typeof args) => TensorInfo)(args);
      args.backend.incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    }) as unknown as KernelFunc,
  });
}
