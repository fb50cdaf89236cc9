// The SIMD loops of simd.wat, instantiated on tfjs-backend-wasm's own memory so they work on
// tensors in place. JS itself has no SIMD: a scalar JS loop over a large activation ran 5-7 times
// slower than these (group normalisation of [64,64,64,32]).
import type { KernelBackend } from '@tensorflow/tfjs-core';
import { SIMD_MODULE, SIMD_MODULE_FMA } from './simd-bytes.ts';

/** Byte offsets everywhere; see simd.wat. */
export interface SimdKernels {
  stats(x: number, s: number, c: number, shift: number, sum: number, sq: number): void;
  affine(x: number, y: number, s: number, c: number, mc: number, a: number, b: number, floor: number): void;
  gradSums(dy: number, x: number, y: number, keep: number, s: number, c: number, mc: number, s1: number, s2: number): void;
  gradInput(dy: number, x: number, y: number, keep: number, dx: number, s: number, c: number, mc: number, p: number, q: number, r: number): void;
  copyRows(src: number, dst: number, rows: number, len: number, srcStride: number, dstStride: number): void;
  transposeBlock(src: number, srcStride: number, dst: number, dstStride: number, rows: number, cols: number): void;
  adamw(w: number, g: number, m: number, v: number, wo: number, mo: number, vo: number, n: number, b1: number, c1: number, b2: number, c2: number, step: number, ic2: number, eps: number, keep: number): void;
  lerp(a: number, b: number, out: number, n: number, tau: number, rest: number): void;
  maxPoolGradPixel(dy: number, y: number, x: number, dx: number, c: number, rows: number, cols: number, rowStride: number, open: number): void;
  filterGradTap(rows: number, m: number, dy: number, dw: number, ci: number, co: number): void;
  convOneChannel(rows: number, m: number, w: number, out: number, kh: number, kw: number, rowStride: number, co: number): void;
  convGather4(xs: number, ws: number, taps: number, out: number, ci: number, co: number, groups: number, xImage: number, outImage: number): void;
  /** Float32 scratch of n values on the heap: its float index, and free(). Take heap views after this. */
  scratch(n: number): { at: number; free: () => void };
  heap(): Float32Array;
  heapI32(): Int32Array;
}

interface EmscriptenModule {
  asm?: { memory?: WebAssembly.Memory };
  _malloc(bytes: number): number;
  _free(ptr: number): void;
}

const instances = new WeakMap<object, SimdKernels>();
let compiled: WebAssembly.Module | undefined;

/**
 * The module with fused multiply-adds where the engine has relaxed SIMD (V8 since 2023: Node 20+,
 * Electron 25+; 10-20% faster convolutions), else the plain one. Fused or not is the engine's
 * choice per machine, so results agree across machines to float rounding, not bit for bit.
 */
function simdModule(): WebAssembly.Module {
  if (compiled == null) {
    const bytes = (b64: string) => Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
    try {
      compiled = new WebAssembly.Module(bytes(SIMD_MODULE_FMA));
    } catch {
      compiled = new WebAssembly.Module(bytes(SIMD_MODULE)); // no relaxed SIMD here
    }
  }
  return compiled;
}

/** The SIMD kernels on this backend's memory, or undefined if it is not tfjs-backend-wasm. */
export function simdKernels(be: KernelBackend): SimdKernels | undefined {
  const m = (be as unknown as { wasm?: EmscriptenModule }).wasm;
  const memory = m?.asm?.memory;
  if (m == null || !(memory instanceof WebAssembly.Memory)) return undefined;
  let k = instances.get(m);
  if (k == null) {
    const e = new WebAssembly.Instance(simdModule(), { env: { memory } }).exports as unknown as SimdKernels;
    k = {
      stats: e.stats,
      affine: e.affine,
      gradSums: e.gradSums,
      gradInput: e.gradInput,
      copyRows: e.copyRows,
      transposeBlock: e.transposeBlock,
      adamw: e.adamw,
      lerp: e.lerp,
      maxPoolGradPixel: e.maxPoolGradPixel,
      filterGradTap: e.filterGradTap,
      convOneChannel: e.convOneChannel,
      convGather4: e.convGather4,
      scratch: (n) => {
        const ptr = m._malloc(n * 4 + 12) >>> 0; // malloc aligns to 8; 16 suits the vector loads
        return { at: Math.ceil(ptr / 16) * 4, free: () => m._free(ptr) };
      },
      heap: () => new Float32Array(memory.buffer),
      heapI32: () => new Int32Array(memory.buffer),
    };
    instances.set(m, k);
  }
  return k;
}
