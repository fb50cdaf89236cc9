// Embeddings of a trained model: the pooled online-encoder output of each image, streamed batch by
// batch, so memory holds one batch of images and vectors however large the data set.
import * as tf from '@tensorflow/tfjs-core';
import { buildEncoder } from './encoders.ts';
import type { Sequential } from './layers/sequential.ts';
import { decodeCheckpoint, type Checkpoint } from './serialization.ts';
import { parseSettings, type TrainingSettings, type TrainingSettingsInput } from './settings.ts';
import { selectBackend } from './backend.ts';
import { Rng } from './rng.ts';
import { CheckpointError, ModelError } from './errors.ts';
import { openSampleSource, type SampleSourceSpec } from './data/index.ts';
import { gpuGuarded } from './webgpu/guard.ts';

/** One preprocessed image (model-data's ImageSample): S x S x C values, HWC order. */
export interface EmbeddableSample {
  data: Float32Array;
  height: number;
  width: number;
  channels: number;
}

/** Random access to preprocessed images (model-data's SampleSource). */
export interface EmbeddableSource {
  readonly length: number;
  get(index: number): EmbeddableSample;
}

export interface EmbedOptions {
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
  /** Overrides the settings' backend. */
  backend?: string;
}

export interface Embedding {
  index: number;
  vector: Float32Array;
}

/** The online encoder of a checkpoint, ready to embed; dispose() when done. */
export function loadEncoder(weightsBytes: Uint8Array, settings: TrainingSettings): Sequential {
  return encoderOf(decodeCheckpoint(weightsBytes, 'weights'), settings);
}

function encoderOf(ck: Checkpoint, settings: TrainingSettings): Sequential {
  const encoder = buildEncoder(settings);
  encoder.build([-1, settings.image_size, settings.image_size, settings.channels], new Rng(settings.seed));
  try {
    tf.tidy(() => {
      for (const w of encoder.weights()) {
        const name = `online/encoder/${w.path}`;
        const v = ck.tensors.get(name);
        if (v == null) throw new CheckpointError(`weights: no tensor ${name} (the settings do not match the trained architecture?)`);
        if (v.length !== w.variable.size) throw new CheckpointError(`weights: tensor ${name} has ${v.length} values, the settings' encoder expects ${w.variable.size}`);
        w.variable.assign(tf.tensor(v, w.variable.shape));
      }
    });
  } catch (e) {
    encoder.dispose();
    throw e;
  }
  return encoder;
}

/**
 * Settings and encoder, decoding the checkpoint once (decoding copies every tensor, optimiser moments
 * and target network included) and not holding on to it while embedding.
 */
async function prepareEncoder(weightsBytes: Uint8Array, config: TrainingSettingsInput | undefined, backend: string | undefined) {
  const given = config != null ? parseSettings(config) : undefined;
  const ck = decodeCheckpoint(weightsBytes, 'weights');
  const settings = given ?? parseSettings(ck.manifest.settings);
  await selectBackend(backend ?? settings.backend, () => {});
  return { settings, encoder: encoderOf(ck, settings) };
}

/**
 * Streams the embedding of every image of the source (a SampleSource, or a spec that model-data
 * opens), in index order. `config` defaults to the settings stored in the checkpoint.
 */
export async function* embed(
  weightsBytes: Uint8Array,
  config: TrainingSettingsInput | undefined,
  sourceOrSpec: EmbeddableSource | SampleSourceSpec,
  opts: EmbedOptions = {},
): AsyncGenerator<Embedding> {
  const source: EmbeddableSource = 'kind' in sourceOrSpec ? openSampleSource(sourceOrSpec) : sourceOrSpec;
  const { settings, encoder } = await prepareEncoder(weightsBytes, config, opts.backend);
  const { image_size: s, channels: c } = settings;
  const batchSize = Math.max(1, opts.batchSize ?? 64);
  const pixels = s * s * c;
  const input = new Float32Array(batchSize * pixels);
  try {
    for (let start = 0; start < source.length; start += batchSize) {
      opts.signal?.throwIfAborted();
      const n = Math.min(batchSize, source.length - start);
      for (let i = 0; i < n; i++) {
        const sample = source.get(start + i);
        if (sample.height !== s || sample.width !== s || sample.channels !== c) {
          throw new ModelError(`image ${start + i} is ${sample.height}x${sample.width}x${sample.channels}, the model takes ${s}x${s}x${c}`);
        }
        input.set(sample.data, i * pixels);
      }
      const turns = settings.embed_rotations;
      const batch = turns > 1 ? withQuarterTurns(input.subarray(0, n * pixels), n, s, c) : input.subarray(0, n * pixels);
      const values = await gpuGuarded(async () => {
        const out = tf.tidy(() => encoder.call(tf.tensor4d(batch, [n * turns, s, s, c])));
        try {
          return (await out.data()) as Float32Array;
        } finally {
          out.dispose();
        }
      }, { batchSize, size: s, channels: c, what: 'embedding batch', setting: 'embedding batch size (--batch-size)' });
      const d = values.length / (n * turns);
      for (let i = 0; i < n; i++) {
        // The mean over the image's quarter turns (rows t*n + i): exact rotations, no resampling.
        const vector = new Float32Array(d);
        for (let t = 0; t < turns; t++) {
          const row = values.subarray((t * n + i) * d, (t * n + i + 1) * d);
          for (let j = 0; j < d; j++) vector[j]! += row[j]! / turns;
        }
        yield { index: start + i, vector };
      }
      opts.onProgress?.(start + n, source.length);
      // Let other work (progress events, cancellation) run between batches.
      await new Promise((r) => setImmediate(r));
    }
  } finally {
    encoder.dispose();
  }
}

/**
 * n images (HWC, s x s x c) followed by the same images turned by 90, 180 and 270 degrees: the
 * morphologies we embed have no preferred orientation on the sky, so an embedding averaged over
 * the exact quarter turns does not depend on how the image happens to be oriented.
 */
export function withQuarterTurns(images: Float32Array, n: number, s: number, c: number): Float32Array {
  const px = s * s * c;
  const out = new Float32Array(4 * n * px);
  out.set(images.subarray(0, n * px), 0);
  for (let t = 1; t < 4; t++) {
    for (let i = 0; i < n; i++) {
      const src = (t - 1) * n * px + i * px, dst = t * n * px + i * px;
      // Turn the previous turn by 90 degrees: out(y, x) = in(x, s - 1 - y).
      for (let y = 0; y < s; y++) {
        for (let x = 0; x < s; x++) {
          const from = src + (x * s + (s - 1 - y)) * c, to = dst + (y * s + x) * c;
          for (let k = 0; k < c; k++) out[to + k] = out[from + k]!;
        }
      }
    }
  }
  return out;
}
