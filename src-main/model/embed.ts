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
  /**
   * An image that cannot be loaded (unreadable file, a plane too small to use) is passed here and
   * gets no vector, and the rest go on. Without it, the first such image stops the embedding.
   */
  onUnreadable?: (index: number, error: unknown) => void;
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
      const end = Math.min(start + batchSize, source.length);
      const loaded: number[] = [];
      for (let index = start; index < end; index++) {
        let sample: EmbeddableSample;
        try {
          sample = source.get(index);
        } catch (e) {
          if (!opts.onUnreadable) throw e;
          opts.onUnreadable(index, e);
          continue;
        }
        if (sample.height !== s || sample.width !== s || sample.channels !== c) {
          throw new ModelError(`image ${index} is ${sample.height}x${sample.width}x${sample.channels}, the model takes ${s}x${s}x${c}`);
        }
        input.set(sample.data, loaded.length * pixels);
        loaded.push(index);
      }
      const n = loaded.length;
      if (n > 0) {
        const out = tf.tidy(() => encoder.call(tf.tensor4d(input.subarray(0, n * pixels), [n, s, s, c])));
        const values = (await out.data()) as Float32Array;
        out.dispose();
        const d = values.length / n;
        for (let i = 0; i < n; i++) yield { index: loaded[i]!, vector: values.slice(i * d, (i + 1) * d) };
      }
      opts.onProgress?.(end, source.length);
      // Let other work (progress events, cancellation) run between batches.
      await new Promise((r) => setImmediate(r));
    }
  } finally {
    encoder.dispose();
  }
}
