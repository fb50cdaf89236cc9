// The trained network as files a collaborator can take away: TensorFlow.js's layout, a folder with
// model.json (topology, settings, weightsManifest) and weights.bin (float32 little-endian, in manifest
// order). tf.io reads the weights with decodeWeights; Astromorph rebuilds the encoder from the settings.
// Only the online encoder goes in, with the training set's embedding statistics when the run kept
// them (embeddings are standardised with them): all that embedding needs.
// Files from elsewhere are untrusted: every name, shape and byte count is checked before use, and only
// weights.bin beside model.json is ever read.
import fs from 'node:fs';
import path from 'node:path';
import { CheckpointError } from './errors.ts';
import { decodeCheckpoint, encodeCheckpoint, type CheckpointManifest } from './serialization.ts';
import { parseSettings, settingsAsTrained } from './settings.ts';

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';
const ENCODER_PREFIX = 'online/encoder/';
const STATISTICS = new Set(['embedding/mean', 'embedding/scale']);
const embeds = (name: string) => name.startsWith(ENCODER_PREFIX) || STATISTICS.has(name);
const MAX_WEIGHTS = 2 ** 31; // bytes

interface WeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32';
}

export interface ModelJson {
  format: 'astromorph-byol-encoder';
  generatedBy: string;
  convertedBy: null;
  modelTopology: { class_name: 'AstromorphEncoder'; config: CheckpointManifest['architecture']['encoder'] };
  weightsManifest: { paths: string[]; weights: WeightSpec[] }[];
  userDefinedMetadata: { astromorph: Omit<CheckpointManifest, 'tensors' | 'architecture'> };
}

/** model.json text and weights.bin bytes for a checkpoint's online encoder. */
export function encodeModelFiles(checkpoint: Uint8Array, generatedBy = 'Astromorph'): { modelJson: string; weights: Uint8Array } {
  const { manifest, tensors } = decodeCheckpoint(checkpoint, 'checkpoint');
  const specs: WeightSpec[] = [];
  const parts: Float32Array[] = [];
  for (const e of manifest.tensors) {
    if (!embeds(e.name)) continue;
    specs.push({ name: e.name, shape: e.shape, dtype: 'float32' });
    parts.push(tensors.get(e.name)!);
  }
  if (!specs.some((w) => w.name.startsWith(ENCODER_PREFIX))) throw new CheckpointError('checkpoint: it holds no online encoder weights');
  const total = parts.reduce((a, p) => a + p.length, 0);
  const weights = new Uint8Array(total * 4);
  const view = new DataView(weights.buffer);
  let at = 0;
  for (const p of parts) for (const v of p) view.setFloat32((at++) * 4, v, true);
  const { tensors: _t, architecture, ...rest } = manifest;
  const json: ModelJson = {
    format: 'astromorph-byol-encoder',
    generatedBy,
    convertedBy: null,
    modelTopology: { class_name: 'AstromorphEncoder', config: architecture.encoder },
    weightsManifest: [{ paths: [WEIGHTS_BIN], weights: specs }],
    userDefinedMetadata: { astromorph: rest },
  };
  return { modelJson: JSON.stringify(json, null, 1), weights };
}

/** Writes model.json and weights.bin into `folder` (created if needed); refuses to overwrite. */
export function writeModelFiles(folder: string, checkpoint: Uint8Array): { modelJson: string; weights: string } {
  const { modelJson, weights } = encodeModelFiles(checkpoint);
  fs.mkdirSync(folder, { recursive: true });
  const jsonPath = path.join(folder, MODEL_JSON);
  const binPath = path.join(folder, WEIGHTS_BIN);
  for (const p of [jsonPath, binPath]) if (fs.existsSync(p)) throw new CheckpointError(`${p} already exists; not overwriting it`);
  fs.writeFileSync(binPath, weights, { flag: 'wx' });
  fs.writeFileSync(jsonPath, modelJson, { flag: 'wx' });
  return { modelJson: jsonPath, weights: binPath };
}

/**
 * Reads a model folder (or its model.json) back into checkpoint bytes that loadEncoder and embed take.
 * `source` names the file in errors.
 */
export function readModelFiles(folderOrJson: string): Uint8Array {
  const jsonPath = fs.statSync(folderOrJson, { throwIfNoEntry: false })?.isDirectory() ? path.join(folderOrJson, MODEL_JSON) : folderOrJson;
  let text: string;
  try {
    text = fs.readFileSync(jsonPath, 'utf8');
  } catch (e) {
    throw new CheckpointError(`${jsonPath}: cannot read the model file: ${(e as Error).message}`);
  }
  const binName = weightsFileName(text, jsonPath);
  const binPath = path.join(path.dirname(jsonPath), binName);
  let bin: Uint8Array;
  try {
    const size = fs.statSync(binPath).size;
    if (size > MAX_WEIGHTS) throw new Error(`${size} bytes is more than a model can hold`);
    bin = fs.readFileSync(binPath);
  } catch (e) {
    throw new CheckpointError(`${binPath}: cannot read the weights: ${(e as Error).message}`);
  }
  return decodeModelFiles(text, bin, jsonPath);
}

function weightsFileName(text: string, source: string): string {
  const json = parseJson(text, source);
  const groups = (json as { weightsManifest?: unknown }).weightsManifest;
  if (!Array.isArray(groups) || groups.length !== 1 || !Array.isArray(groups[0]?.paths) || groups[0].paths.length !== 1) {
    throw new CheckpointError(`${source}: weightsManifest must name exactly one weights file`);
  }
  const name = groups[0].paths[0];
  // Only a plain file name beside model.json: never a path that climbs out or points elsewhere.
  if (typeof name !== 'string' || name === '' || name === '.' || name === '..' || /[/\\\0]/.test(name) || /^[A-Za-z]:/.test(name)) {
    throw new CheckpointError(`${source}: the weights file ${JSON.stringify(name)} is not a plain file name beside model.json`);
  }
  return name;
}

function parseJson(text: string, source: string): Record<string, unknown> {
  try {
    const v = JSON.parse(text) as unknown;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new CheckpointError(`${source}: not a JSON model file`);
}

/** Checks model.json and the weights bytes against each other and returns checkpoint bytes. */
export function decodeModelFiles(text: string, bin: Uint8Array, source = MODEL_JSON): Uint8Array {
  const json = parseJson(text, source) as Partial<ModelJson>;
  if (json.format !== 'astromorph-byol-encoder') throw new CheckpointError(`${source}: not an Astromorph encoder (format ${JSON.stringify(json.format)})`);
  weightsFileName(text, source);
  const meta = json.userDefinedMetadata?.astromorph;
  if (meta === undefined || meta === null || typeof meta !== 'object') throw new CheckpointError(`${source}: no astromorph metadata`);
  let settings;
  try {
    settings = parseSettings(settingsAsTrained(meta.settings as unknown));
  } catch (e) {
    throw new CheckpointError(`${source}: the training settings are invalid: ${(e as Error).message}`);
  }
  const specs = json.weightsManifest![0]!.weights;
  if (!Array.isArray(specs) || specs.length === 0 || specs.length > 10_000) throw new CheckpointError(`${source}: weightsManifest lists no weights`);
  const tensors = new Map<string, { shape: number[]; values: Float32Array }>();
  let offset = 0;
  const view = new DataView(bin.buffer, bin.byteOffset, bin.byteLength);
  for (const s of specs) {
    if (typeof s?.name !== 'string' || !embeds(s.name) || s.name.length > 512 || tensors.has(s.name)) {
      throw new CheckpointError(`${source}: bad or repeated weight name ${JSON.stringify(s?.name)}`);
    }
    if (s.dtype !== 'float32') throw new CheckpointError(`${source}: weight ${s.name} has dtype ${String(s.dtype)}, only float32 is supported`);
    if (!Array.isArray(s.shape) || s.shape.length > 8 || !s.shape.every((n) => Number.isInteger(n) && n >= 1 && n <= 2 ** 24)) {
      throw new CheckpointError(`${source}: weight ${s.name} has a bad shape ${JSON.stringify(s.shape)}`);
    }
    const count = s.shape.reduce((a, b) => a * b, 1);
    if ((offset + count) * 4 > bin.byteLength) {
      throw new CheckpointError(`${source}: weights.bin is ${bin.byteLength} bytes, too short for weight ${s.name}`);
    }
    const values = new Float32Array(count);
    for (let k = 0; k < count; k++) values[k] = view.getFloat32((offset + k) * 4, true);
    tensors.set(s.name, { shape: s.shape, values });
    offset += count;
  }
  if (offset * 4 !== bin.byteLength) throw new CheckpointError(`${source}: weights.bin is ${bin.byteLength} bytes, the manifest describes ${offset * 4}`);
  const topology = json.modelTopology?.config;
  if (topology === undefined || topology === null || typeof topology !== 'object') throw new CheckpointError(`${source}: no modelTopology config`);
  const manifest = { ...(meta as Omit<CheckpointManifest, 'tensors' | 'architecture'>), settings, architecture: { encoder: topology } };
  return encodeCheckpoint(manifest as Omit<CheckpointManifest, 'tensors'>, tensors);
}
