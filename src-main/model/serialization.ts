// The saved form of a model: one binary blob = a JSON manifest (architecture, settings, training
// position, RNG and optimiser step, and a table of tensors) followed by the float32 data.
//   bytes 0..3  'AMCK'   4..7 format version (u32 LE)   8..11 manifest length N (u32 LE)
//   12..12+N    manifest, UTF-8 JSON, then zero padding to a multiple of 4
//   then        every tensor's float32 values, little-endian, at the offsets the manifest gives
// Only this file maps between live weights and bytes.
import { CheckpointError } from './errors.ts';
import type { LayerConfig } from './layers/layer.ts';
import type { RngState } from '../base/random.ts';
import type { TrainingSettings } from './settings.ts';

const MAGIC = 0x4b434d41; // 'AMCK' read as u32 LE
export const FORMAT_VERSION = 1;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export interface TensorEntry {
  name: string;
  shape: number[];
  /** Offset in float32 elements from the start of the data section. */
  offset: number;
}

export interface CheckpointManifest {
  format: 'astromorph-byol';
  settings: TrainingSettings;
  architecture: { encoder: LayerConfig; projector?: LayerConfig; predictor?: LayerConfig };
  /** Position: the next batch to train is (epoch, step); epoch counts from 0. */
  epoch: number;
  step: number;
  globalStep: number;
  stepsPerEpoch: number;
  rngState: RngState;
  /** Mean loss of each completed epoch. */
  epochLosses: number[];
  /**
   * Effective rank of the target's representation and projection over the last rows of each
   * completed epoch (absent in older checkpoints, null where not tracked, e.g. gradient workers).
   */
  epochRanks?: (EpochRank | null)[];
  /** Sum of the losses of the steps already run in the current epoch (so a resumed epoch's mean is exact). */
  epochLossSum: number;
  backend: string;
  tensors: TensorEntry[];
}

export interface EpochRank { representation: number; projection: number; rows: number }

export interface Checkpoint {
  manifest: CheckpointManifest;
  tensors: Map<string, Float32Array>;
}

export function encodeCheckpoint(manifest: Omit<CheckpointManifest, 'tensors'>, tensors: Map<string, { shape: number[]; values: Float32Array }>): Uint8Array {
  const entries: TensorEntry[] = [];
  let total = 0;
  for (const [name, t] of tensors) {
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (n !== t.values.length) throw new CheckpointError(`tensor ${name}: shape [${t.shape}] does not hold ${t.values.length} values`);
    entries.push({ name, shape: t.shape, offset: total });
    total += n;
  }
  const json = new TextEncoder().encode(JSON.stringify({ ...manifest, tensors: entries }));
  const headerLen = 12 + json.length;
  const dataStart = Math.ceil(headerLen / 4) * 4;
  const out = new Uint8Array(dataStart + total * 4);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, FORMAT_VERSION, true);
  view.setUint32(8, json.length, true);
  out.set(json, 12);
  const data = new Float32Array(out.buffer, dataStart, total);
  let i = 0;
  for (const t of tensors.values()) {
    if (LITTLE_ENDIAN) data.set(t.values, entries[i]!.offset);
    else for (let k = 0; k < t.values.length; k++) view.setFloat32(dataStart + (entries[i]!.offset + k) * 4, t.values[k]!, true);
    i++;
  }
  return out;
}

export function decodeCheckpoint(bytes: Uint8Array, source = 'checkpoint'): Checkpoint {
  if (bytes.length < 12) throw new CheckpointError(`${source}: too short to be a checkpoint (${bytes.length} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== MAGIC) throw new CheckpointError(`${source}: not an astromorph checkpoint (bad magic)`);
  const version = view.getUint32(4, true);
  if (version !== FORMAT_VERSION) throw new CheckpointError(`${source}: checkpoint format ${version} is not supported (expected ${FORMAT_VERSION})`);
  const n = view.getUint32(8, true);
  if (12 + n > bytes.length) throw new CheckpointError(`${source}: truncated manifest`);
  let manifest: CheckpointManifest;
  try {
    manifest = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + n))) as CheckpointManifest;
  } catch {
    throw new CheckpointError(`${source}: manifest is not valid JSON`);
  }
  if (manifest.format !== 'astromorph-byol' || !Array.isArray(manifest.tensors)) throw new CheckpointError(`${source}: manifest is not an astromorph BYOL manifest`);
  const dataStart = Math.ceil((12 + n) / 4) * 4;
  const tensors = new Map<string, Float32Array>();
  for (const e of manifest.tensors) {
    // The bytes may come from a project file or model file made elsewhere: check each entry before sizing anything.
    if (e === null || typeof e !== 'object' || typeof e.name !== 'string' || !Array.isArray(e.shape) || e.shape.length > 8
      || !e.shape.every((d) => Number.isInteger(d) && d >= 1 && d <= 2 ** 31) || !Number.isInteger(e.offset) || e.offset < 0) {
      throw new CheckpointError(`${source}: tensor entry ${JSON.stringify(e).slice(0, 120)} is malformed`);
    }
    const count = e.shape.reduce((a, b) => a * b, 1);
    if (count > 2 ** 31) throw new CheckpointError(`${source}: tensor ${e.name} of ${count} values is too large`);
    const start = dataStart + e.offset * 4;
    if (start + count * 4 > bytes.length) throw new CheckpointError(`${source}: truncated data for tensor ${e.name}`);
    let values: Float32Array;
    if (LITTLE_ENDIAN) {
      values = new Float32Array(bytes.buffer.slice(bytes.byteOffset + start, bytes.byteOffset + start + count * 4));
    } else {
      values = new Float32Array(count);
      for (let k = 0; k < count; k++) values[k] = view.getFloat32(start + k * 4, true);
    }
    tensors.set(e.name, values);
  }
  return { manifest, tensors };
}

// What embedding reads: the online encoder and the training set's embedding statistics (embed.ts).
const EMBEDDING_PREFIXES = ['online/encoder/', 'embedding/'];
const embeds = (name: string) => EMBEDDING_PREFIXES.some((p) => name.startsWith(p));

/**
 * The checkpoint cut down to what embedding needs: the online encoder's tensors and architecture and
 * the embedding statistics, with the manifest's position, losses and ranks. The projector, predictor,
 * target network and optimiser moments (about nine tenths of the bytes) are dropped, so training
 * cannot resume from it.
 */
export function encoderOnlyCheckpoint(bytes: Uint8Array, source = 'checkpoint'): Uint8Array {
  const { manifest, tensors } = decodeCheckpoint(bytes, source);
  const kept = new Map<string, { shape: number[]; values: Float32Array }>();
  for (const e of manifest.tensors) if (embeds(e.name)) kept.set(e.name, { shape: e.shape, values: tensors.get(e.name)! });
  if (![...kept.keys()].some((n) => n.startsWith(EMBEDDING_PREFIXES[0]!))) throw new CheckpointError(`${source}: it holds no online encoder weights`);
  const { tensors: _all, architecture, ...rest } = manifest;
  return encodeCheckpoint({ ...rest, architecture: { encoder: architecture.encoder } }, kept);
}

/** True when the checkpoint holds more than embedding needs (training can resume from it). */
export function isResumableCheckpoint(bytes: Uint8Array, source = 'checkpoint'): boolean {
  return decodeCheckpoint(bytes, source).manifest.tensors.some((e) => !embeds(e.name));
}
