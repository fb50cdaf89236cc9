// The SIMD loops of group-norm.wat, instantiated on tfjs-backend-wasm's own memory so they work on
// tensors in place. The app's JS cannot use SIMD itself, and a scalar JS loop over a large
// activation runs at about a quarter of the speed of these (bench/step-profile.ts).
import type { KernelBackend } from '@tensorflow/tfjs-core';
import { GROUP_NORM_SIMD } from './group-norm-simd.ts';

/** Byte offsets everywhere; see group-norm.wat. */
export interface GroupNormSimd {
  stats(x: number, s: number, c: number, shift: number, sum: number, sq: number): void;
  affine(x: number, y: number, s: number, c: number, mc: number, a: number, b: number, floor: number): void;
  gradSums(dy: number, x: number, y: number, keep: number, s: number, c: number, mc: number, s1: number, s2: number): void;
  gradInput(dy: number, x: number, y: number, keep: number, dx: number, s: number, c: number, mc: number, p: number, q: number, r: number): void;
  /** Float32 scratch of n values on the heap: its float index, and free(). Take heap views after this. */
  scratch(n: number): { at: number; free: () => void };
  heap(): Float32Array;
}

interface EmscriptenModule {
  asm?: { memory?: WebAssembly.Memory };
  _malloc(bytes: number): number;
  _free(ptr: number): void;
}

const instances = new WeakMap<object, GroupNormSimd>();

/** The SIMD kernels on this backend's memory, or undefined if it is not tfjs-backend-wasm. */
export function groupNormSimd(be: KernelBackend): GroupNormSimd | undefined {
  const m = (be as unknown as { wasm?: EmscriptenModule }).wasm;
  const memory = m?.asm?.memory;
  if (m == null || !(memory instanceof WebAssembly.Memory)) return undefined;
  let k = instances.get(m);
  if (k == null) {
    const bytes = Uint8Array.from(atob(GROUP_NORM_SIMD), (ch) => ch.charCodeAt(0));
    const e = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports as unknown as GroupNormSimd;
    k = {
      stats: e.stats,
      affine: e.affine,
      gradSums: e.gradSums,
      gradInput: e.gradInput,
      scratch: (n) => {
        const ptr = m._malloc(n * 4 + 12) >>> 0; // malloc aligns to 8; 16 suits the vector loads
        return { at: Math.ceil(ptr / 16) * 4, free: () => m._free(ptr) };
      },
      heap: () => new Float32Array(memory.buffer),
    };
    instances.set(m, k);
  }
  return k;
}
