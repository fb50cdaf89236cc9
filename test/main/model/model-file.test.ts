// The trained encoder as tfjs-format files: tf.io decodes the weights, a re-imported model embeds
// exactly as the original, and crafted model files are refused before anything is read or sized.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckpointError, decodeCheckpoint, embed, encodeCheckpoint, parseSettings, readModelFiles, runTraining, selectBackend, writeModelFiles } from '../../../src-main/model/index.ts';
import { Rng } from '../../../src-main/base/random.ts';
import type { BatchLoader, ViewBatch } from '../../../src-main/model/index.ts';

const settings = parseSettings({ encoder: 'small-cnn', width: 4, depth: 3, image_size: 16, batch_size: 4, projection_size: 8, projection_hidden_size: 16, epochs: 1, seed: 3 });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'am-model-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

class NoisePairs implements BatchLoader {
  readonly stepsPerEpoch = 2;
  waitMs = 0;
  async batch(epoch: number, step: number): Promise<ViewBatch> {
    const rng = new Rng(epoch * 10 + step);
    const view1 = Float32Array.from({ length: 4 * 256 }, () => rng.normal());
    return { view1, view2: view1.map((v) => v + 0.1 * rng.normal()), batchSize: 4, size: 16, channels: 1, indices: [0, 1, 2, 3] };
  }
  async close(): Promise<void> {}
}

const source = {
  length: 5,
  get(i: number) {
    const rng = new Rng(50 + i);
    return { data: Float32Array.from({ length: 256 }, () => rng.normal()), height: 16, width: 16, channels: 1 };
  },
};

async function vectors(weights: Uint8Array): Promise<number[][]> {
  const out: number[][] = [];
  for await (const e of embed(weights, undefined, source, { batchSize: 2, backend: 'wasm' })) out.push(Array.from(e.vector));
  return out;
}

let checkpoint: Uint8Array;
beforeAll(async () => {
  await selectBackend('wasm');
  checkpoint = (await runTraining({ settings, loader: new NoisePairs(), backend: 'wasm' })).checkpoint;
}, 120_000);

describe('model files', () => {
  it('writes model.json + weights.bin that tf.io decodes, and reads back a model that embeds identically', async () => {
    const folder = path.join(dir, 'shared-model');
    writeModelFiles(folder, checkpoint);
    expect(fs.readdirSync(folder).sort()).toEqual(['model.json', 'weights.bin']);
    const json = JSON.parse(fs.readFileSync(path.join(folder, 'model.json'), 'utf8'));
    expect(json.weightsManifest[0].paths).toEqual(['weights.bin']);
    const bin = fs.readFileSync(path.join(folder, 'weights.bin'));
    const decoded = tf.io.decodeWeights(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength), json.weightsManifest[0].weights);
    const original = decodeCheckpoint(checkpoint).tensors;
    const names = Object.keys(decoded);
    expect(names.length).toBeGreaterThan(2);
    expect(names.every((n) => n.startsWith('online/encoder/'))).toBe(true);
    for (const n of names) expect(Array.from(decoded[n]!.dataSync())).toEqual(Array.from(original.get(n)!));
    tf.dispose(Object.values(decoded));

    const imported = readModelFiles(folder);
    expect(decodeCheckpoint(imported).manifest.settings).toEqual(settings);
    expect(await vectors(imported)).toEqual(await vectors(checkpoint));
    expect(() => writeModelFiles(folder, checkpoint)).toThrow(/already exists/);
  });

  it('carries the embedding statistics a finished run keeps, so the imported model embeds as the original', async () => {
    const dim = (await vectors(checkpoint))[0]!.length;
    const { manifest, tensors } = decodeCheckpoint(checkpoint);
    const all = new Map([...tensors].map(([name, values]) => [name, { shape: manifest.tensors.find((e) => e.name === name)!.shape, values }]));
    all.set('embedding/mean', { shape: [dim], values: Float32Array.from({ length: dim }, (_, j) => 0.01 * j) });
    all.set('embedding/scale', { shape: [dim], values: new Float32Array(dim).fill(2) });
    const { tensors: _t, ...rest } = manifest;
    const withStats = encodeCheckpoint(rest, all);
    const folder = path.join(dir, 'with-statistics');
    writeModelFiles(folder, withStats);
    const imported = readModelFiles(folder);
    expect(Array.from(decodeCheckpoint(imported).tensors.get('embedding/scale')!)).toEqual(new Array(dim).fill(2));
    const original = await vectors(withStats);
    expect(await vectors(imported)).toEqual(original);
    expect(original).not.toEqual(await vectors(checkpoint)); // the statistics do change the vectors
  });

  it('reads a model written before descriptor_version and spectral_window as it was trained', () => {
    const folder = path.join(dir, 'older');
    writeModelFiles(folder, checkpoint);
    const jsonPath = path.join(folder, 'model.json');
    const j = JSON.parse(fs.readFileSync(jsonPath, 'utf8'));
    const written = j.userDefinedMetadata.astromorph.settings;
    expect([written.descriptor_version, written.spectral_window]).toEqual([2, 'line']);
    const read = () => decodeCheckpoint(readModelFiles(folder)).manifest.settings;
    expect([read().descriptor_version, read().spectral_window]).toEqual([2, 'line']);
    delete written.descriptor_version;
    delete written.spectral_window;
    fs.writeFileSync(jsonPath, JSON.stringify(j));
    expect([read().descriptor_version, read().spectral_window]).toEqual([1, 'peak']);
  });

  it('refuses crafted model files: escaping weight paths, wrong lengths, bad shapes', () => {
    const folder = path.join(dir, 'crafted');
    writeModelFiles(folder, checkpoint);
    const jsonPath = path.join(folder, 'model.json');
    const good = fs.readFileSync(jsonPath, 'utf8');
    const edit = (fn: (j: any) => void) => {
      const j = JSON.parse(good);
      fn(j);
      fs.writeFileSync(jsonPath, JSON.stringify(j));
    };
    for (const bad of ['../../etc/passwd', '/etc/passwd', 'sub/weights.bin', 'w\0.bin']) {
      edit((j) => { j.weightsManifest[0].paths = [bad]; });
      expect(() => readModelFiles(folder)).toThrow(/is not a plain file name beside model.json/);
    }
    edit((j) => { j.weightsManifest[0].weights[0].shape = [2 ** 20, 2 ** 20]; });
    expect(() => readModelFiles(folder)).toThrow(CheckpointError);
    edit((j) => { j.weightsManifest[0].weights[0].shape = [-1]; });
    expect(() => readModelFiles(folder)).toThrow(/bad shape/);
    edit((j) => { j.weightsManifest[0].weights[0].dtype = 'int32'; });
    expect(() => readModelFiles(folder)).toThrow(/only float32/);
    edit((j) => { j.format = 'something-else'; });
    expect(() => readModelFiles(folder)).toThrow(/not an Astromorph encoder/);
    fs.writeFileSync(jsonPath, good);
    const bin = fs.readFileSync(path.join(folder, 'weights.bin'));
    fs.writeFileSync(path.join(folder, 'weights.bin'), bin.subarray(0, bin.length - 4));
    expect(() => readModelFiles(folder)).toThrow(/too short/);
    fs.writeFileSync(path.join(folder, 'weights.bin'), Buffer.concat([bin, Buffer.alloc(8)]));
    expect(() => readModelFiles(folder)).toThrow(/the manifest describes/);
  });
});
