// The training loop in-thread: resume from a checkpoint continues exactly; cancel writes a checkpoint.
import { describe, it, expect, beforeAll } from 'vitest';
import { selectBackend } from '../../../src-main/model/backend.ts';
import { runTraining } from '../../../src-main/model/training-loop.ts';
import { parseSettings } from '../../../src-main/model/settings.ts';
import { decodeCheckpoint, type EpochRank } from '../../../src-main/model/serialization.ts';
import { BlobPairs } from './blob-pairs.ts';

const settings = (extra: Record<string, unknown> = {}) =>
  parseSettings({ encoder: 'small-cnn', width: 4, depth: 2, image_size: 16, coordinates: 'cartesian', embed_profile: false, batch_size: 6, projection_size: 8, projection_hidden_size: 16, learning_rate: 3e-3, epochs: 2, warmup_epochs: 0.5, seed: 3, ...extra });
const loader = () => new BlobPairs({ steps: 3, size: 16, batchSize: 6, seed: 5 });

describe('training loop', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('a run resumed from the epoch-1 checkpoint gives the same losses as an uninterrupted run', async () => {
    const checkpoints: Uint8Array[] = [];
    const ranks: (EpochRank | null)[] = [];
    const straight = await runTraining({ settings: settings(), loader: loader(), backend: 'wasm', onEpochEnd: (e) => { checkpoints.push(e.checkpoint); ranks.push(e.rank); } });
    // Every epoch measures the effective rank over its last steps' rows (all 3 steps of 6 here: 18 rows),
    // of the 8-value representation and projection, and the checkpoint keeps them.
    expect(ranks.map((r) => r?.rows)).toEqual([18, 18]);
    for (const r of ranks) {
      expect(r!.representation).toBeGreaterThan(1);
      expect(r!.representation).toBeLessThanOrEqual(8);
      expect(r!.projection).toBeGreaterThan(1);
      expect(r!.projection).toBeLessThanOrEqual(8);
    }
    expect(decodeCheckpoint(checkpoints[1]!).manifest.epochRanks).toEqual(ranks);
    expect(straight.status).toBe('completed');
    expect(straight.stepLosses).toHaveLength(6);
    expect(checkpoints).toHaveLength(2);
    const m = decodeCheckpoint(checkpoints[0]!).manifest;
    expect([m.epoch, m.step, m.globalStep]).toEqual([1, 0, 3]);

    const resumed = await runTraining({ settings: settings(), loader: loader(), backend: 'wasm', resumeFrom: checkpoints[0]! });
    expect(resumed.stepLosses).toHaveLength(3);
    for (let i = 0; i < 3; i++) expect(Math.abs(resumed.stepLosses[i]! - straight.stepLosses[i + 3]!)).toBeLessThan(1e-6);
    expect(resumed.epochLosses[1]).toBeCloseTo(straight.epochLosses[1]!, 6);
    // Final weights agree too.
    const a = decodeCheckpoint(straight.checkpoint).tensors;
    const b = decodeCheckpoint(resumed.checkpoint).tensors;
    expect(b.size).toBe(a.size);
    for (const [name, va] of a) {
      const vb = b.get(name)!;
      let d = 0;
      for (let i = 0; i < va.length; i++) d = Math.max(d, Math.abs(va[i]! - vb[i]!));
      expect(d, name).toBeLessThan(1e-5);
    }
  });

  it('cancel stops between steps and writes a checkpoint there; pause holds the loop', async () => {
    let steps = 0;
    let paused = false;
    let release: (() => void) | undefined;
    const control = {
      cancelled: false,
      waitWhilePaused: () => (paused ? new Promise<void>((r) => (release = r)) : Promise.resolve()),
    };
    const progress: number[] = [];
    const run = runTraining({
      settings: settings(),
      loader: loader(),
      backend: 'wasm',
      control,
      onProgress: (p) => {
        progress.push(p.globalStep);
        expect(p.backend).toBe('wasm');
        expect(p.imagesPerSecond).toBeGreaterThan(0);
        expect(p.dataWaitShare).toBeGreaterThanOrEqual(0);
        if (++steps === 2) paused = true;
      },
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(progress).toEqual([1, 2]); // paused after step 2
    control.cancelled = true;
    paused = false;
    release!();
    const result = await run;
    expect(result.status).toBe('cancelled');
    const m = decodeCheckpoint(result.checkpoint).manifest;
    expect([m.epoch, m.step, m.globalStep]).toEqual([0, 2, 2]);
    // Resuming from the cancel point finishes the run with the uninterrupted losses.
    const rest = await runTraining({ settings: settings(), loader: loader(), backend: 'wasm', resumeFrom: result.checkpoint });
    const straight = await runTraining({ settings: settings(), loader: loader(), backend: 'wasm' });
    expect(rest.stepLosses).toHaveLength(4);
    rest.stepLosses.forEach((l, i) => expect(Math.abs(l - straight.stepLosses[i + 2]!)).toBeLessThan(1e-6));
    expect(rest.epochLosses[0]).toBeCloseTo(straight.epochLosses[0]!, 6);
  });

  it('refuses a checkpoint of another architecture', async () => {
    const first = await runTraining({ settings: settings({ epochs: 1 }), loader: loader(), backend: 'wasm' });
    await expect(runTraining({ settings: settings({ width: 8 }), loader: loader(), backend: 'wasm', resumeFrom: first.checkpoint })).rejects.toThrow(/width/);
    expect(() => decodeCheckpoint(new Uint8Array(20))).toThrow(/not an astromorph checkpoint/);
  });
});
