// A deterministic in-thread batch loader for training-loop tests (no workers, no files).
import type { BatchLoader, ViewBatch } from '../../../src-main/model/training-loop.ts';
import { Rng } from '../../../src-main/base/random.ts';

/** View pairs that depend only on (seed, epoch, step): blobs at random places, the second view noisier. */
export class BlobPairs implements BatchLoader {
  readonly stepsPerEpoch: number;
  waitMs = 0;
  readonly size: number;
  readonly batchSize: number;
  readonly seed: number;
  constructor(opts: { steps: number; size: number; batchSize: number; seed: number }) {
    this.stepsPerEpoch = opts.steps;
    this.size = opts.size;
    this.batchSize = opts.batchSize;
    this.seed = opts.seed;
  }
  async batch(epoch: number, step: number): Promise<ViewBatch> {
    const rng = new Rng(this.seed * 1000003 + epoch * 1009 + step);
    const { size: s, batchSize: b } = this;
    const view1 = new Float32Array(b * s * s);
    const view2 = new Float32Array(b * s * s);
    for (let i = 0; i < b; i++) {
      const cx = rng.uniform(3, s - 3);
      const cy = rng.uniform(3, s - 3);
      const r = rng.uniform(1, 4);
      for (let y = 0; y < s; y++) {
        for (let x = 0; x < s; x++) {
          const v = Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * r * r));
          view1[i * s * s + y * s + x] = v + 0.05 * rng.normal();
          view2[i * s * s + y * s + (s - 1 - x)] = v + 0.05 * rng.normal();
        }
      }
    }
    return { view1, view2, batchSize: b, size: s, channels: 1, indices: [...Array(b).keys()] };
  }
  async close(): Promise<void> {}
}
