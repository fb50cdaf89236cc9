// Embeddings of a trained model: the pooled online-encoder output of each image, streamed batch by
// batch, so memory holds one batch of images and vectors however large the data set.
import * as tf from '@tensorflow/tfjs-core';
import { layerFromConfig } from './layers/deserialize.ts';
import type { Layer } from './layers/layer.ts';
import { decodeCheckpoint, type Checkpoint } from './serialization.ts';
import { parseSettings, settingsAsTrained, type TrainingSettings } from './settings.ts';
import { selectBackend } from './backend.ts';
import { Rng } from '../base/random.ts';
import { CheckpointError, ModelError } from './errors.ts';
import { openSampleSource, type SampleSourceSpec } from './data/index.ts';
import { descriptorBlocks, type DescriptorBlock } from './data/descriptor.ts';
import { gpuGuarded } from './webgpu/guard.ts';
import { encoderToOnnx, OnnxEncoder } from './onnx/index.ts';

/** One preprocessed image (model-data's ImageSample): S x S x C values, HWC order. */
export interface EmbeddableSample {
  data: Float32Array;
  height: number;
  width: number;
  channels: number;
  /** H*W, 1 = valid pixel (absent: all valid). */
  mask?: Uint8Array;
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
  /**
   * What computes the vectors: 'onnx' (the encoder exported to ONNX, run by onnxruntime-node on one
   * thread), 'tfjs' (the tfjs backend), or 'auto' (default; the ASTROMORPH_EMBED_RUNTIME environment
   * variable may name one): onnx when the tfjs backend is wasm or cpu and onnxruntime loads (about 3x
   * the images per core of tfjs-wasm, bench/onnx-embed.ts), else tfjs. Vectors agree to ~1e-5.
   */
  runtime?: EmbedRuntime;
  /** Told when 'auto' wanted onnx but fell back to tfjs, and why. */
  onWarning?: (message: string) => void;
}

export type EmbedRuntime = 'auto' | 'onnx' | 'tfjs';
const RUNTIMES: readonly EmbedRuntime[] = ['auto', 'onnx', 'tfjs'];

function runtimeOf(opts: EmbedOptions): EmbedRuntime {
  const asked = opts.runtime ?? process.env.ASTROMORPH_EMBED_RUNTIME ?? 'auto';
  if (!RUNTIMES.includes(asked as EmbedRuntime)) throw new ModelError(`embedding runtime '${asked}' (ASTROMORPH_EMBED_RUNTIME or the caller): it may be ${RUNTIMES.join(', ')}`);
  return asked as EmbedRuntime;
}

/**
 * The ONNX session embed computes with, or undefined for tfjs. Forced 'onnx' that cannot start is an
 * error; 'auto' falls back to tfjs, saying why.
 */
async function onnxSession(encoder: Layer, size: number, channels: number, opts: EmbedOptions): Promise<OnnxEncoder | undefined> {
  const runtime = runtimeOf(opts);
  if (runtime === 'tfjs' || (runtime === 'auto' && !['wasm', 'cpu'].includes(tf.getBackend()))) return undefined;
  try {
    return await OnnxEncoder.create(encoderToOnnx(encoder, size, channels), size, channels, 1);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    if (runtime === 'onnx') throw new ModelError(`embedding with onnxruntime: ${why}`);
    opts.onWarning?.(`embedding with tfjs (${tf.getBackend()}), not onnxruntime: ${why}`);
    return undefined;
  }
}

export interface Embedding {
  index: number;
  vector: Float32Array;
}

/** The online encoder of a checkpoint, ready to embed; dispose() when done. */
export function loadEncoder(weightsBytes: Uint8Array, settings: TrainingSettings): Layer {
  return encoderOf(decodeCheckpoint(weightsBytes, 'weights'), settings);
}

/**
 * The encoder rebuilt from the architecture the checkpoint stores (not from today's reading of the
 * settings), its weights loaded; the settings give only the input: image_size x image_size x channels.
 */
function encoderOf(ck: Checkpoint, settings: TrainingSettings): Layer {
  const encoder = layerFromConfig(ck.manifest.architecture?.encoder, 'weights: the stored architecture');
  encoder.build([-1, settings.image_size, settings.image_size, settings.channels], new Rng(settings.seed));
  try {
    tf.tidy(() => {
      for (const w of encoder.weights()) {
        const name = `online/encoder/${w.path}`;
        const v = ck.tensors.get(name);
        if (v == null) throw new CheckpointError(`weights: no tensor ${name}, which the stored architecture has`);
        if (v.length !== w.variable.size) throw new CheckpointError(`weights: tensor ${name} has ${v.length} values, the stored architecture expects ${w.variable.size}`);
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
async function prepareEncoder(weightsBytes: Uint8Array, given: TrainingSettings | undefined, backend: string | undefined) {
  const ck = decodeCheckpoint(weightsBytes, 'weights');
  const settings = given ?? parseSettings(settingsAsTrained(ck.manifest.settings), 'the checkpoint\'s settings');
  await selectBackend(backend ?? settings.backend, () => {});
  const mean = ck.tensors.get(STATISTICS.mean), scale = ck.tensors.get(STATISTICS.scale);
  const standard = settings.embed_standardise && mean && scale ? { mean, scale } : undefined;
  return { settings, encoder: encoderOf(ck, settings), standard };
}

/**
 * Streams the embedding of every image of the source (a SampleSource, or a spec that model-data
 * opens), in index order. `settings` (validated: the run's stored ones) give the input size and how
 * embeddings are made; without them, those stored in the checkpoint. The network is the checkpoint's.
 */
export async function* embed(
  weightsBytes: Uint8Array,
  settings: TrainingSettings | undefined,
  sourceOrSpec: EmbeddableSource | SampleSourceSpec,
  opts: EmbedOptions = {},
): AsyncGenerator<Embedding> {
  const source: EmbeddableSource = 'kind' in sourceOrSpec ? openSampleSource(sourceOrSpec) : sourceOrSpec;
  const prepared = await prepareEncoder(weightsBytes, settings, opts.backend);
  const { encoder, standard } = prepared;
  const { image_size: s, channels: c } = prepared.settings;
  const turns = quarterTurns(prepared.settings);
  const batchSize = Math.max(1, opts.batchSize ?? 64);
  const pixels = s * s * c;
  const input = new Float32Array(batchSize * pixels);
  let onnx: OnnxEncoder | undefined;
  try {
    onnx = await onnxSession(encoder, s, c, opts);
    for (let start = 0; start < source.length; start += batchSize) {
      opts.signal?.throwIfAborted();
      const end = Math.min(start + batchSize, source.length);
      const loaded: number[] = [];
      const samples: EmbeddableSample[] = [];
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
        samples.push(sample);
      }
      const n = loaded.length;
      if (n > 0) {
        const batch = turns > 1 ? withQuarterTurns(input.subarray(0, n * pixels), n, s, c) : input.subarray(0, n * pixels);
        const values = onnx ? await onnx.run(batch, n * turns) : await gpuGuarded(async () => {
          const out = tf.tidy(() => encoder.call(tf.tensor4d(batch, [n * turns, s, s, c])));
          try {
            return (await out.data()) as Float32Array;
          } finally {
            out.dispose();
          }
        }, { batchSize, size: s, channels: c, what: 'embedding batch', setting: 'embedding batch size (--batch-size)' });
        const d = values.length / (n * turns);
        for (let i = 0; i < n; i++) {
          const vector = finishVector(meanOverTurns(values, n, turns, i, d), prepared.settings, () => samples[i]!, standard);
          yield { index: loaded[i]!, vector };
        }
      }
      opts.onProgress?.(end, source.length);
      // Let other work (progress events, cancellation) run between batches.
      await new Promise((r) => setImmediate(r));
    }
  } finally {
    await onnx?.dispose();
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

/**
 * How many quarter turns an embedding averages over. Only images on the sky's axes are turned: a
 * polar image turned by 90 degrees would swap radius and azimuth (a turn on the sky is a shift of
 * its columns there, which azimuthal pooling, and the azimuth counted from the major axis, absorb).
 */
export function quarterTurns(settings: Pick<TrainingSettings, 'embed_rotations' | 'coordinates'>): number {
  return settings.coordinates === 'polar' ? 1 : settings.embed_rotations;
}

/** Row i's mean over its quarter turns (rows t*n + i of values): exact rotations, no resampling. */
function meanOverTurns(values: Float32Array, n: number, turns: number, i: number, d: number): Float32Array {
  const vector = new Float32Array(d);
  for (let t = 0; t < turns; t++) {
    const row = values.subarray((t * n + i) * d, (t * n + i + 1) * d);
    for (let j = 0; j < d; j++) vector[j]! += row[j]! / turns;
  }
  return vector;
}

/** Checkpoint tensors of the training embeddings' mean and spread (absent: embeddings as pooled). */
export const STATISTICS = { mean: 'embedding/mean', scale: 'embedding/scale' } as const;
/** Training images whose embeddings the statistics are taken over, at most (spread evenly). */
export const STATISTICS_ITEMS = 1024;

/**
 * Mean and standard deviation per dimension of the training images' embeddings. Pooled ReLU
 * features are all positive and share a large common part, so raw cosine similarities crowd
 * near 1 (0.995 for every neighbour) and the common part dominates kNN; standardised with the
 * training set's statistics (as batch normalisation does at inference), similarities spread over
 * [-1, 1] and every dimension counts by what it varies. A dimension that never varies keeps scale 1.
 */
export async function embeddingStatistics(encoder: Layer, source: EmbeddableSource, settings: TrainingSettings): Promise<Map<string, { shape: number[]; values: Float32Array }>> {
  const { image_size: s, channels: c } = settings;
  const turns = quarterTurns(settings);
  const count = Math.min(source.length, STATISTICS_ITEMS);
  const pixels = s * s * c, batchSize = 32;
  let sum: Float64Array | undefined, sumSq: Float64Array | undefined;
  for (let start = 0; start < count; start += batchSize) {
    const n = Math.min(batchSize, count - start);
    const input = new Float32Array(n * pixels);
    const samples = Array.from({ length: n }, (_, i) => source.get(Math.floor(((start + i) * source.length) / count)));
    samples.forEach((sample, i) => input.set(sample.data, i * pixels));
    const batch = turns > 1 ? withQuarterTurns(input, n, s, c) : input;
    const out = tf.tidy(() => encoder.call(tf.tensor4d(batch, [n * turns, s, s, c])));
    const values = (await out.data()) as Float32Array; // no synchronous read on webgpu
    out.dispose();
    const d = values.length / (n * turns);
    for (let i = 0; i < n; i++) {
      const v = finishVector(meanOverTurns(values, n, turns, i, d), settings, () => samples[i]!, undefined);
      sum ??= new Float64Array(v.length); sumSq ??= new Float64Array(v.length);
      for (let j = 0; j < v.length; j++) { sum[j]! += v[j]!; sumSq[j]! += v[j]! * v[j]!; }
    }
  }
  const d = sum!.length;
  const mean = Float32Array.from(sum!, (x) => x / count);
  const scale = Float32Array.from({ length: d }, (_, j) => {
    const sd = Math.sqrt(Math.max(0, sumSq![j]! / count - mean[j]! ** 2));
    return sd > 1e-6 ? sd : 1;
  });
  return new Map([[STATISTICS.mean, { shape: [d], values: mean }], [STATISTICS.scale, { shape: [d], values: scale }]]);
}

/**
 * The embedding of one image from its pooled features: the descriptor's blocks appended when the
 * settings ask (embed_profile), then standardised with the training statistics when given; each
 * descriptor block is then scaled to weigh as much as the network's part in a cosine similarity,
 * whatever their lengths, times its own weight (descriptor.ts). Tuning seed 101, disks, kNN: network
 * alone 77.9 %, descriptor alone 87.9 %, network and each block alike 87.7 %, network as heavy as
 * the two blocks together 86.3 % (descriptor version 1).
 */
function finishVector(features: Float32Array, settings: TrainingSettings, sample: () => EmbeddableSample,
  standard: { mean: Float32Array; scale: Float32Array } | undefined): Float32Array {
  let v = features;
  let blocks: DescriptorBlock[] = [];
  if (settings.embed_profile !== 'none') {
    const s = sample();
    blocks = descriptorBlocks({ ...s, mask: s.mask ?? new Uint8Array(s.width * s.height).fill(1) }, settings.embed_profile,
      settings.coordinates === 'polar', settings.descriptor_version);
    v = new Float32Array(features.length + blocks.reduce((n, b) => n + b.values.length, 0));
    v.set(features);
    let o = features.length;
    for (const b of blocks) { v.set(b.values, o); o += b.values.length; }
  }
  if (standard) {
    if (standard.mean.length !== v.length) throw new ModelError(`the run's embedding statistics have ${standard.mean.length} values, its embeddings ${v.length}`);
    for (let j = 0; j < v.length; j++) v[j] = (v[j]! - standard.mean[j]!) / standard.scale[j]!;
    let o = features.length;
    for (const b of blocks) {
      const weight = b.weight * Math.sqrt(features.length / b.values.length);
      for (let j = o; j < o + b.values.length; j++) v[j]! *= weight;
      o += b.values.length;
    }
  }
  return v;
}
