// The exported encoder run by onnxruntime-node (its CPU binaries ship in the npm package). Loaded on
// demand: where the package or its native library is missing, available() says why and callers keep tfjs.
import type { InferenceSession } from 'onnxruntime-node';
import { ONNX_INPUT, ONNX_OUTPUT } from './export.ts';

type Ort = typeof import('onnxruntime-node');
let ort: Promise<Ort | string> | undefined;

/** onnxruntime-node, or the reason it cannot be loaded. */
export function onnxRuntime(): Promise<Ort | string> {
  ort ??= import('onnxruntime-node').then((m) => m, (e: unknown) => `onnxruntime-node could not be loaded: ${e instanceof Error ? e.message : String(e)}`);
  return ort;
}

export class OnnxEncoder {
  readonly #session: InferenceSession;
  readonly #ort: Ort;
  readonly #size: number;
  readonly #channels: number;

  private constructor(ortModule: Ort, session: InferenceSession, size: number, channels: number) {
    this.#ort = ortModule;
    this.#session = session;
    this.#size = size;
    this.#channels = channels;
  }

  /** A session of the model on `threads` intra-op threads (1: one core, as embed workers use). */
  static async create(model: Uint8Array, size: number, channels: number, threads = 1): Promise<OnnxEncoder> {
    const m = await onnxRuntime();
    if (typeof m === 'string') throw new Error(m);
    const session = await m.InferenceSession.create(model, { intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all' });
    return new OnnxEncoder(m, session, size, channels);
  }

  /** Vectors of n NHWC images, row after row. */
  async run(images: Float32Array, n: number): Promise<Float32Array> {
    const s = this.#size, c = this.#channels;
    const input = new this.#ort.Tensor('float32', images.subarray(0, n * s * s * c), [n, s, s, c]);
    const out = await this.#session.run({ [ONNX_INPUT]: input });
    return out[ONNX_OUTPUT]!.data as Float32Array;
  }

  async dispose(): Promise<void> {
    await this.#session.release();
  }
}
