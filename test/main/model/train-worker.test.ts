// A real training run in a worker thread on synthetic images through model-data's ViewPairLoader.
import { describe, it, expect } from 'vitest';
import { startTraining } from '../../../src-main/model/train.ts';
import { parseSettings } from '../../../src-main/model/settings.ts';
import { decodeCheckpoint } from '../../../src-main/model/serialization.ts';
import { embed } from '../../../src-main/model/embed.ts';
import type { TrainingProgress } from '../../../src-main/model/training-loop.ts';

const config = {
  encoder: 'small-cnn' as const, width: 4, depth: 2, image_size: 16, batch_size: 8, projection_size: 8, projection_hidden_size: 16,
  epochs: 2, learning_rate: 3e-3, seed: 9, backend: 'wasm' as const, core_limit: 2, coordinates: 'cartesian' as const, embed_profile: false,
};
const settings = parseSettings(config);
const source = { kind: 'synthetic' as const, n: 24, seed: 4, size: 16 };

describe('startTraining (worker thread)', () => {
  it('reports progress and epoch checkpoints, and the checkpoint embeds the source', async () => {
    const run = startTraining({ settings, source });
    const progress: TrainingProgress[] = [];
    const epochs: number[] = [];
    run.on('progress', (p) => progress.push(p));
    run.on('epochEnd', (e) => {
      epochs.push(e.epoch);
      expect(decodeCheckpoint(e.checkpoint).manifest.epoch).toBe(e.epoch);
    });
    const result = await run.done;
    expect(result.status).toBe('completed');
    expect(epochs).toEqual([1, 2]);
    expect(progress).toHaveLength(6); // 24 images / batch 8 = 3 steps, 2 epochs
    expect(progress.at(-1)).toMatchObject({ epoch: 2, step: 3, globalStep: 6, totalSteps: 6, backend: 'wasm' });
    expect(progress.every((p) => p.imagesPerSecond > 0 && p.dataWaitShare >= 0 && p.dataWaitShare <= 1 && Number.isFinite(p.loss))).toBe(true);
    expect(progress.at(-1)!.etaSeconds).toBe(0);
    const vectors: Float32Array[] = [];
    for await (const e of embed(result.checkpoint, undefined, source, { batchSize: 10 })) vectors.push(e.vector);
    expect(vectors).toHaveLength(24);
    expect(vectors.every((v) => v.length === 8 && v.every(Number.isFinite))).toBe(true);
  });

  it('cancel writes a checkpoint at the cancel point and a resumed run finishes with the uninterrupted losses', async () => {
    const straight = await startTraining({ settings, source }).done;
    const run = startTraining({ settings, source });
    run.on('progress', (p) => {
      if (p.globalStep === 2) run.cancel();
    });
    const cut = await run.done;
    expect(cut.status).toBe('cancelled');
    const m = decodeCheckpoint(cut.checkpoint).manifest;
    expect(m.globalStep).toBeGreaterThanOrEqual(2);
    expect(m.globalStep).toBeLessThan(6);
    const rest = await startTraining({ settings, source, resumeFrom: cut.checkpoint }).done;
    expect(rest.status).toBe('completed');
    expect(rest.stepLosses).toHaveLength(6 - m.globalStep);
    rest.stepLosses.forEach((l, i) => expect(Math.abs(l - straight.stepLosses[m.globalStep + i]!)).toBeLessThan(1e-6));
  });

  it('pause holds the run until resume', async () => {
    const run = startTraining({ settings: { ...settings, epochs: 1 }, source });
    let steps = 0;
    const pausedAt = new Promise<void>((resolve) => {
      run.on('progress', () => {
        steps++;
        if (steps === 1) {
          run.pause();
          resolve();
        }
      });
    });
    await pausedAt;
    await new Promise((r) => setTimeout(r, 1000));
    expect(steps).toBeLessThanOrEqual(2); // at most the step already under way when the pause arrived
    run.resume();
    const result = await run.done;
    expect(result.status).toBe('completed');
    expect(steps).toBe(3);
  });

  it('rejects a source whose size disagrees with the settings, from the worker', async () => {
    await expect(startTraining({ settings: parseSettings({ ...config, image_size: 32 }), source }).done).rejects.toThrow(/16x16x1.*image_size 32/);
  });
});
