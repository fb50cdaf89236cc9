// Tensor memory for kernels written in JS. On wasm a tensor is a range of the module's heap, so a
// JS loop reads and writes it in place with no copy; the cpu backend keeps plain typed arrays.
import type { KernelBackend, TensorInfo } from '@tensorflow/tfjs-core';

interface WasmBackend {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array;
}

interface CpuBackend {
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): TensorInfo;
}

export interface KernelOutput {
  /** Writable values. On wasm the heap itself (uninitialised): take it after the kernel's last allocation, as a heap growth detaches earlier views. */
  values(): Float32Array;
  /** The output to return from the kernel, once written. */
  info(): TensorInfo;
}

function isWasm(b: KernelBackend): b is KernelBackend & WasmBackend {
  return typeof (b as unknown as Partial<WasmBackend>).typedArrayFromHeap === 'function';
}

/** Backends whose tensors these helpers reach (wasm, cpu). */
export function hasHostMemory(b: KernelBackend): boolean {
  return isWasm(b) || typeof (b as unknown as Partial<CpuBackend>).makeTensorInfo === 'function';
}

/** A new float32 output of this shape. */
export function output(b: KernelBackend, shape: number[]): KernelOutput {
  if (isWasm(b)) {
    const info = b.makeOutput(shape, 'float32');
    return { values: () => b.typedArrayFromHeap(info), info: () => info };
  }
  const values = new Float32Array(shape.reduce((a, c) => a * c, 1));
  return { values: () => values, info: () => (b as unknown as CpuBackend).makeTensorInfo(shape, 'float32', values) };
}

/** The values of t, read-only (on wasm valid until the next allocation). */
export function valuesOf(b: KernelBackend, t: TensorInfo): Float32Array {
  return isWasm(b) ? b.typedArrayFromHeap(t) : (b.readSync(t.dataId) as Float32Array);
}
