// Embeddings stream in index order, in batches, with the trained encoder's weights.
import { describe, it, expect, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../../src-main/model/backend.ts';
import { runTraining, type BatchLoader, type ViewBatch } from '../../../src-main/model/training-loop.ts';
import { embed, loadEncoder, quarterTurns, withQuarterTurns, type EmbedOptions } from '../../../src-main/model/embed.ts';
import { createByol } from '../../../src-main/model/byol.ts';
import { decodeCheckpoint, encodeCheckpoint } from '../../../src-main/model/serialization.ts';
import { AzimuthalPool } from '../../../src-main/model/layers/pooling.ts';
import { PROFILE_MODES, polarProfile } from '../../../src-main/model/data/polar.ts';
import { descriptorBlocks, STRUCTURE_FREQUENCIES, STRUCTURE_PEAKS } from '../../../src-main/model/data/descriptor.ts';
import { parseSettings, representationSize } from '../../../src-main/model/settings.ts';
import { Rng } from '../../../src-main/base/random.ts';

const settings = parseSettings({ encoder: 'small-cnn', width: 4, depth: 3, image_size: 16, batch_size: 4, projection_size: 8, projection_hidden_size: 16, epochs: 1, seed: 1, coordinates: 'cartesian', embed_profile: false });

/** Mean squared length per varying value of vectors[from, to) over the set. */
function blockEnergy(vectors: Float32Array[], from: number, to: number): number {
  const energy = vectors.reduce((a, v) => a + v.subarray(from, to).reduce((b, x) => b + x * x, 0), 0);
  const varied = Array.from({ length: to - from }, (_, j) => vectors.some((v) => Math.abs(v[from + j]!) > 1e-6)).filter(Boolean).length;
  return energy / varied;
}

class NoisePairs implements BatchLoader {
  readonly stepsPerEpoch = 2;
  waitMs = 0;
  async batch(epoch: number, step: number): Promise<ViewBatch> {
    const rng = new Rng(epoch * 10 + step);
    const n = 4 * 16 * 16;
    const view1 = Float32Array.from({ length: n }, () => rng.normal());
    const view2 = view1.map((v) => v + 0.1 * rng.normal());
    return { view1, view2, batchSize: 4, size: 16, channels: 1, indices: [0, 1, 2, 3] };
  }
  async close(): Promise<void> {}
}

function sourceOf(count: number) {
  let reads = 0;
  const samples = Array.from({ length: count }, (_, i) => {
    const rng = new Rng(100 + i);
    return { data: Float32Array.from({ length: 256 }, () => rng.normal()), height: 16, width: 16, channels: 1 };
  });
  return {
    length: count,
    get(i: number) {
      reads++;
      return samples[i]!;
    },
    get reads() {
      return reads;
    },
  };
}

describe('embed', () => {
  let weights: Uint8Array;
  beforeAll(async () => {
    await selectBackend('wasm');
    weights = (await runTraining({ settings, loader: new NoisePairs(), backend: 'wasm' })).checkpoint;
  });

  it('yields one vector of the representation size per image, in order, matching the encoder', async () => {
    const source = sourceOf(10);
    const progress: number[] = [];
    const got: { index: number; vector: Float32Array }[] = [];
    for await (const e of embed(weights, { ...settings, embed_rotations: 1 }, source, { batchSize: 4, onProgress: (d) => progress.push(d) })) got.push(e);
    expect(got.map((e) => e.index)).toEqual([...Array(10).keys()]);
    expect(got.every((e) => e.vector.length === 16)).toBe(true);
    expect(progress).toEqual([4, 8, 10]);
    const encoder = loadEncoder(weights, settings);
    const direct = tf.tidy(() => encoder.call(tf.tensor4d(source.get(7).data, [1, 16, 16, 1]))).dataSync();
    encoder.dispose();
    for (let k = 0; k < 16; k++) expect(got[7]!.vector[k]).toBeCloseTo(direct[k]!, 5);
    // the trained weights are used, not the seed's initial ones
    const untrained = createByol(settings);
    const initial = tf.tidy(() => untrained.embed(tf.tensor4d(source.get(7).data, [1, 16, 16, 1]))).dataSync();
    untrained.dispose();
    expect(Array.from(initial)).not.toEqual(Array.from(got[7]!.vector));
  });

  it('averages over the four quarter turns by default, so a turned image embeds the same', async () => {
    const source = sourceOf(3);
    const turned = {
      length: 3,
      get: (i: number) => ({ ...source.get(i), data: withQuarterTurns(source.get(i).data, 1, 16, 1).subarray(256, 512) }),
    };
    const plain: Float32Array[] = [], rotated: Float32Array[] = [];
    for await (const e of embed(weights, settings, source, { batchSize: 2 })) plain.push(e.vector);
    for await (const e of embed(weights, settings, turned, { batchSize: 2 })) rotated.push(e.vector);
    const encoder = loadEncoder(weights, settings);
    const four = tf.tidy(() => encoder.call(tf.tensor4d(withQuarterTurns(source.get(2).data, 1, 16, 1), [4, 16, 16, 1]))).dataSync();
    encoder.dispose();
    for (let k = 0; k < 16; k++) {
      expect(plain[2]![k]).toBeCloseTo((four[k]! + four[16 + k]! + four[32 + k]! + four[48 + k]!) / 4, 5);
      for (let i = 0; i < 3; i++) expect(rotated[i]![k]).toBeCloseTo(plain[i]![k]!, 5);
    }
    // The turns differ from one another, so the average is not a single view's vector.
    expect(Array.from(four.slice(0, 16))).not.toEqual(Array.from(four.slice(16, 32)));
  });

  it('quarter turns: four turns give the image back; one turn puts pixel (x, s-1-y) at (y, x)', () => {
    const s = 3, c = 2, img = Float32Array.from({ length: s * s * c }, (_, i) => i);
    const t = withQuarterTurns(img, 1, s, c);
    const back = withQuarterTurns(t.subarray(3 * s * s * c), 1, s, c).subarray(s * s * c, 2 * s * s * c);
    expect(Array.from(back)).toEqual(Array.from(img));
    const at = (a: Float32Array, y: number, x: number, k: number) => a[(y * s + x) * c + k];
    for (let y = 0; y < s; y++) for (let x = 0; x < s; x++) for (let k = 0; k < c; k++) {
      expect(at(t.subarray(s * s * c), y, x, k)).toBe(at(img, x, s - 1 - y, k));
    }
  });

  it('standardises with the training images\' statistics when the final checkpoint has them', async () => {
    const images = sourceOf(40);
    const trained = (await runTraining({ settings, loader: new NoisePairs(), backend: 'wasm', statistics: images })).checkpoint;
    const collect = async (config: typeof settings) => {
      const out: Float32Array[] = [];
      for await (const e of embed(trained, config, images, { batchSize: 16 })) out.push(e.vector);
      return out;
    };
    const standard = await collect(settings), raw = await collect({ ...settings, embed_standardise: false });
    const d = standard[0]!.length;
    let varied = 0;
    for (let j = 0; j < d; j++) {
      const col = standard.map((v) => v[j]!), rawCol = raw.map((v) => v[j]!);
      const mean = col.reduce((a, b) => a + b, 0) / col.length;
      const sd = Math.sqrt(col.reduce((a, b) => a + (b - mean) ** 2, 0) / col.length);
      expect(Math.abs(mean), `dimension ${j}`).toBeLessThan(1e-4);
      const rawSd = Math.sqrt(rawCol.reduce((a, b) => a + b * b, 0) / rawCol.length - (rawCol.reduce((a, b) => a + b, 0) / rawCol.length) ** 2);
      if (rawSd > 1e-5) { expect(sd).toBeCloseTo(1, 3); varied++; }
    }
    expect(varied).toBeGreaterThan(d / 2);
    // Without statistics (e.g. a cancelled run's checkpoint) embeddings are the pooled features.
    const plain: Float32Array[] = [];
    for await (const e of embed(weights, settings, images, { batchSize: 16 })) plain.push(e.vector);
    expect(plain.every((v) => v.every((x) => x >= 0))).toBe(true);
  });

  it("embed_profile 'radial' appends the deprojected polar profile, standardised, weighted like the network part", async () => {
    const images = sourceOf(24);
    const withProfile = { ...settings, embed_profile: 'radial' as const };
    const trained = (await runTraining({ settings: withProfile, loader: new NoisePairs(), backend: 'wasm', statistics: images })).checkpoint;
    const plain: Float32Array[] = [], joined: Float32Array[] = [];
    for await (const e of embed(trained, { ...withProfile, embed_profile: 'none', embed_standardise: false }, images)) plain.push(e.vector);
    for await (const e of embed(trained, withProfile, images)) joined.push(e.vector);
    const d = plain[0]!.length, p = 16 * (1 + PROFILE_MODES);
    expect(joined[0]!.length).toBe(d + p);
    // Each block's squared length over the set: the profile block, weighted by sqrt(d / p), carries as much as the network's.
    expect(blockEnergy(joined, d, d + p) * p / d).toBeCloseTo(blockEnergy(joined, 0, d), 2);
    // The profile part is the descriptor of the image, standardised: same ordering of items on its first value.
    const profiles = Array.from({ length: 24 }, (_, i) => polarProfile({ ...images.get(i), mask: new Uint8Array(256).fill(1) })[0]!);
    const order = (xs: number[]) => xs.map((x, i) => [x, i] as const).sort((a, b) => a[0] - b[0]).map(([, i]) => i);
    expect(order(joined.map((v) => v[d]!))).toEqual(order(profiles));
  });

  it("embed_profile 'morphology' (the default) appends the descriptor's blocks, each as heavy as the network part times its weight", async () => {
    const images = sourceOf(24);
    for (const version of [1, 2] as const) {
      const withDescriptor = { ...settings, embed_profile: 'morphology' as const, descriptor_version: version };
      const trained = (await runTraining({ settings: withDescriptor, loader: new NoisePairs(), backend: 'wasm', statistics: images })).checkpoint;
      const joined: Float32Array[] = [];
      for await (const e of embed(trained, withDescriptor, images)) joined.push(e.vector);
      const d = representationSize(settings);
      const blocks = descriptorBlocks({ ...images.get(0), mask: new Uint8Array(256).fill(1) }, 'morphology', false, version);
      const lengths = version === 1 ? [16 * (1 + PROFILE_MODES), STRUCTURE_FREQUENCIES + STRUCTURE_PEAKS] : [16, 16 * PROFILE_MODES, STRUCTURE_FREQUENCIES, STRUCTURE_PEAKS + 1, 4];
      expect(blocks.map((b) => b.values.length)).toEqual(lengths);
      expect(joined[0]!.length).toBe(d + lengths.reduce((a, b) => a + b, 0));
      const network = blockEnergy(joined, 0, d);
      let o = d;
      blocks.forEach((b) => {
        const len = b.values.length;
        const energy = blockEnergy(joined, o, o + len);
        expect(energy * len / d / b.weight ** 2).toBeCloseTo(network, 2);
        o += len;
      });
    }
  });

  it('reads the source lazily and stops on abort', async () => {
    const source = sourceOf(50);
    const ctl = new AbortController();
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const e of embed(weights, undefined, source, { batchSize: 5, signal: ctl.signal })) {
          seen.push(e.index);
          if (e.index === 6) ctl.abort();
        }
      })(),
    ).rejects.toThrow();
    expect(seen).toHaveLength(10);
    expect(source.reads).toBe(10);
  });

  it('rejects images of the wrong size, and a stored architecture the weights do not fit', async () => {
    const wrong = { length: 1, get: () => ({ data: new Float32Array(64), height: 8, width: 8, channels: 1 }) };
    await expect(embed(weights, settings, wrong).next()).rejects.toThrow(/8x8x1.*16x16x1/);
    const { manifest, tensors } = decodeCheckpoint(weights);
    const reshaped = (architecture: unknown) => encodeCheckpoint({ ...manifest, architecture: architecture as typeof manifest.architecture },
      new Map([...tensors].map(([name, values]) => [name, { shape: manifest.tensors.find((t) => t.name === name)!.shape, values }])));
    const encoder = manifest.architecture.encoder as unknown as { config: { layers: { config: Record<string, unknown> }[] } };
    const wider = structuredClone(encoder);
    wider.config.layers[0]!.config.filters = 8;
    await expect(embed(reshaped({ encoder: wider }), settings, sourceOf(1)).next()).rejects.toThrow(/stored architecture expects/);
    await expect(embed(reshaped({ encoder: { className: 'Lambda', config: { name: 'x' } } }), settings, sourceOf(1)).next()).rejects.toThrow(/Lambda.*not a layer/);
  });

  it('computes with onnxruntime on wasm by default: tfjs\'s vectors to float tolerance, tfjs when forced or as fallback', async () => {
    const source = sourceOf(10);
    const out = async (opts: EmbedOptions, w = weights) => {
      const v: Float32Array[] = [];
      for await (const e of embed(w, settings, source, { batchSize: 4, ...opts })) v.push(e.vector);
      return v;
    };
    const auto = await out({}), onnx = await out({ runtime: 'onnx' }), tfjs = await out({ runtime: 'tfjs' });
    expect(auto).toEqual(onnx);
    const difference = Math.max(...onnx.map((v, i) => Math.max(...v.map((x, k) => Math.abs(x - tfjs[i]![k]!)))));
    expect(difference).toBeLessThan(1e-5);
    // a layer with no ONNX form: 'auto' says why and keeps tfjs, forced 'onnx' is an error
    const { manifest, tensors } = decodeCheckpoint(weights);
    const encoder = structuredClone(manifest.architecture.encoder) as unknown as { config: { layers: unknown[] } };
    encoder.config.layers.push({ className: 'BatchNorm', config: { name: 'bn', epsilon: 1e-5 } });
    const d = auto[0]!.length;
    const withBn = encodeCheckpoint({ ...manifest, architecture: { ...manifest.architecture, encoder } as unknown as typeof manifest.architecture },
      new Map([...[...tensors].map(([name, values]) => [name, { shape: manifest.tensors.find((t) => t.name === name)!.shape, values }] as const),
        ['online/encoder/bn/gamma', { shape: [d], values: new Float32Array(d).fill(1) }], ['online/encoder/bn/beta', { shape: [d], values: new Float32Array(d) }]]));
    const warnings: string[] = [];
    expect(await out({ onWarning: (m) => warnings.push(m) }, withBn)).toHaveLength(10);
    expect(warnings).toEqual([expect.stringMatching(/tfjs \(wasm\), not onnxruntime: .*no ONNX form for layer bn \(BatchNorm\)/)]);
    await expect(out({ runtime: 'onnx' }, withBn)).rejects.toThrow(/embedding with onnxruntime: .*BatchNorm/);
    await expect(out({ runtime: 'gpu' as 'onnx' })).rejects.toThrow(/may be auto, onnx, tfjs/);
  });

  it('rebuilds the network from the checkpoint\'s stored architecture, whatever the settings say of it', async () => {
    const out = async (s: typeof settings) => {
      const v: Float32Array[] = [];
      for await (const e of embed(weights, s, sourceOf(3), { batchSize: 3 })) v.push(e.vector);
      return v;
    };
    expect(await out({ ...settings, width: 8, depth: 2 })).toEqual(await out(settings));
  });
});

describe('azimuthal pooling', () => {
  it('keeps one set of features per final row: the representation is rows x channels, and a run trains and embeds with it', async () => {
    const polar = parseSettings({ ...settings, coordinates: 'polar', pooling: 'azimuthal' });
    // 16 px, depth 3: two stride-2 steps leave 4 rows of 16 channels.
    expect(representationSize(polar)).toBe(64);
    expect(() => parseSettings({ ...settings, pooling: 'azimuthal' })).toThrow(/polar/);
    const trained = (await runTraining({ settings: polar, loader: new NoisePairs(), backend: 'wasm' })).checkpoint;
    const out: Float32Array[] = [];
    for await (const e of embed(trained, polar, sourceOf(3))) out.push(e.vector);
    expect(out.map((v) => v.length)).toEqual([64, 64, 64]);
    // A polar image is not turned (that would swap radius and azimuth): the vector is the encoder's own.
    expect(quarterTurns(polar)).toBe(1);
    expect(quarterTurns({ ...polar, coordinates: 'cartesian' })).toBe(4);
    const direct = loadEncoder(trained, polar);
    const one = tf.tidy(() => direct.call(tf.tensor4d(sourceOf(3).get(1).data, [1, 16, 16, 1]))).dataSync();
    direct.dispose();
    for (let k = 0; k < 64; k++) expect(out[1]![k]).toBeCloseTo(one[k]!, 5);
    // The layer itself: the mean of each row over its columns, rows kept in order, channels fastest.
    const x = tf.tensor4d(Float32Array.from({ length: 2 * 3 * 2 }, (_, k) => k), [1, 2, 3, 2]); // rows 2, columns 3, channels 2
    const pooled = new AzimuthalPool('p').call(x).dataSync();
    x.dispose();
    expect(Array.from(pooled)).toEqual([2, 3, 8, 9]); // row 0: columns (0,1)(2,3)(4,5) -> 2, 3; row 1: (6,7)(8,9)(10,11) -> 8, 9
  });
});
