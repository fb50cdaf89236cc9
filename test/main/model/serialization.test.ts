// The checkpoint blob: round trip, and typed errors for damaged bytes.
import { describe, it, expect } from 'vitest';
import {
  encodeCheckpoint, decodeCheckpoint, encoderOnlyCheckpoint, isResumableCheckpoint, type CheckpointManifest,
} from '../../../src-main/model/serialization.ts';
import { parseSettings } from '../../../src-main/model/settings.ts';
import { CheckpointError } from '../../../src-main/model/errors.ts';

const manifest: Omit<CheckpointManifest, 'tensors'> = {
  format: 'astromorph-byol',
  settings: parseSettings({ encoder: 'small-cnn' }),
  architecture: { encoder: { className: 'Sequential', config: { name: 'encoder' } } },
  epoch: 2,
  step: 1,
  globalStep: 9,
  stepsPerEpoch: 4,
  rngState: [1, 2, 3, 4],
  epochLosses: [3.5, 2.25],
  epochLossSum: 1.5,
  backend: 'wasm',
};

describe('checkpoint serialisation', () => {
  it('round-trips the manifest and every tensor bit for bit', () => {
    const a = Float32Array.from([1.5, -2, Math.PI, 1e-30, -0]);
    const b = Float32Array.from({ length: 7 * 3 }, (_, i) => i / 7);
    const bytes = encodeCheckpoint(manifest, new Map([['x/kernel', { shape: [5], values: a }], ['y/bias', { shape: [7, 3], values: b }]]));
    // manifest length 12 + N is padded so the float data start on a 4-byte boundary
    const back = decodeCheckpoint(bytes);
    expect(back.manifest).toMatchObject({ ...manifest, tensors: [{ name: 'x/kernel', shape: [5], offset: 0 }, { name: 'y/bias', shape: [7, 3], offset: 5 }] });
    expect(Array.from(back.tensors.get('x/kernel')!)).toEqual(Array.from(a));
    expect(Array.from(back.tensors.get('y/bias')!)).toEqual(Array.from(b));
    // also from an unaligned view into a larger buffer
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    expect(Array.from(decodeCheckpoint(shifted.subarray(3)).tensors.get('y/bias')!)).toEqual(Array.from(b));
  });

  it('names the problem with damaged bytes', () => {
    const bytes = encodeCheckpoint(manifest, new Map([['w', { shape: [4], values: new Float32Array(4) }]]));
    expect(() => decodeCheckpoint(bytes.subarray(0, bytes.length - 4), 'run.ckpt')).toThrow(/run\.ckpt: truncated data for tensor w/);
    expect(() => decodeCheckpoint(bytes.subarray(0, 30))).toThrow(CheckpointError);
    const wrongVersion = bytes.slice();
    wrongVersion[4] = 9;
    expect(() => decodeCheckpoint(wrongVersion)).toThrow(/format 9/);
    expect(() => encodeCheckpoint(manifest, new Map([['w', { shape: [3], values: new Float32Array(4) }]]))).toThrow(/shape \[3\]/);
  });

  it('encoder-only keeps what embedding reads (encoder, embedding statistics) and drops the rest', () => {
    const t = (n: number, v: number) => ({ shape: [n], values: new Float32Array(n).fill(v) });
    const full = encodeCheckpoint(
      { ...manifest, architecture: { ...manifest.architecture, projector: { className: 'Sequential', config: { name: 'projector' } } } },
      new Map([
        ['online/encoder/conv/kernel', t(6, 1)], ['online/projector/dense/kernel', t(50, 2)], ['online/predictor/dense/kernel', t(50, 3)],
        ['target/encoder/conv/kernel', t(6, 4)], ['optimizer/m/0', t(100, 5)], ['optimizer/v/0', t(100, 6)],
        ['embedding/mean', t(3, 7)], ['embedding/scale', t(3, 8)],
      ]));
    expect(isResumableCheckpoint(full)).toBe(true);
    const small = encoderOnlyCheckpoint(full);
    expect(isResumableCheckpoint(small)).toBe(false);
    expect(full.length - small.length).toBeGreaterThanOrEqual(4 * (50 + 50 + 6 + 100 + 100)); // the dropped tensors' bytes
    const back = decodeCheckpoint(small);
    expect([...back.tensors.keys()]).toEqual(['online/encoder/conv/kernel', 'embedding/mean', 'embedding/scale']);
    expect(Array.from(back.tensors.get('embedding/scale')!)).toEqual([8, 8, 8]);
    expect(back.manifest.architecture).toEqual(manifest.architecture);
    expect(back.manifest).toMatchObject({ epoch: 2, globalStep: 9, epochLosses: [3.5, 2.25], settings: manifest.settings });
    expect(() => encoderOnlyCheckpoint(encodeCheckpoint(manifest, new Map([['target/x', t(2, 0)]])), 'c')).toThrow(/c: it holds no online encoder weights/);
  });
});
