// The desktop app's webgpu path, run with plain Node: in Electron's main process the Dawn addon does
// not load, so selectBackend asks a child Node process for the adapter and training runs in a child
// Node process (the training worker's entry over IPC). ASTROMORPH_WEBGPU_CHILD=1 makes this test
// process behave like Electron's main process in that respect.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../../src-main/model/backend.ts';
import { startTraining } from '../../../src-main/model/train.ts';
import { parseSettings } from '../../../src-main/model/settings.ts';
import { decodeCheckpoint } from '../../../src-main/model/serialization.ts';
import type { TrainingProgress } from '../../../src-main/model/training-loop.ts';
import { haveSwiftShader } from './webgpu-support.ts';

const swiftShader = haveSwiftShader();

const config = {
  encoder: 'small-cnn' as const, width: 4, depth: 2, image_size: 16, coordinates: 'cartesian' as const, embed_profile: false, batch_size: 4, projection_size: 8, projection_hidden_size: 16,
  epochs: 1, learning_rate: 3e-3, seed: 9, backend: 'webgpu' as const, core_limit: 2,
};
const settings = parseSettings(config);
const source = { kind: 'synthetic' as const, n: 12, seed: 4, size: 16 };

describe.skipIf(!swiftShader)('webgpu where Dawn cannot load in-process (Electron main): a child Node process', () => {
  beforeAll(() => {
    process.env.ASTROMORPH_WEBGPU_CHILD = '1';
  });
  afterAll(() => {
    delete process.env.ASTROMORPH_WEBGPU_CHILD;
  });

  it('selects webgpu on the adapter a child process finds, computing on wasm here; auto skips the software adapter', async () => {
    const warnings: string[] = [];
    const name = await selectBackend('webgpu', (m) => warnings.push(m));
    expect(name).toMatch(/^webgpu \(.*SwiftShader.*, software\)$/);
    expect(tf.getBackend()).toBe('wasm');
    expect(warnings.join('\n')).toMatch(/child Node process/);
    expect(await selectBackend('auto', () => {})).toBe('wasm');
  });

  it('trains in a child Node process on webgpu: progress, checkpoints, pause/cancel messages and the result over IPC', async () => {
    const run = startTraining({ settings, source });
    const progress: TrainingProgress[] = [];
    const epochs: number[] = [];
    run.on('progress', (p) => progress.push(p));
    run.on('epochEnd', (e) => {
      epochs.push(e.epoch);
      expect(decodeCheckpoint(e.checkpoint).manifest.backend).toMatch(/^webgpu \(/);
    });
    const result = await run.done;
    expect(result.status).toBe('completed');
    expect(epochs).toEqual([1]);
    expect(progress).toHaveLength(3);
    expect(progress.every((p) => /^webgpu \(.*SwiftShader/.test(p.backend) && Number.isFinite(p.loss))).toBe(true);
    expect(decodeCheckpoint(result.checkpoint).manifest.globalStep).toBe(3);
  });

  it('a cancel reaches the child and it stops with a checkpoint', async () => {
    const run = startTraining({ settings: { ...settings, epochs: 2 }, source });
    run.on('progress', (p) => {
      if (p.globalStep === 1) run.cancel();
    });
    const cut = await run.done;
    expect(cut.status).toBe('cancelled');
    expect(decodeCheckpoint(cut.checkpoint).manifest.globalStep).toBeLessThan(6);
  });
});
