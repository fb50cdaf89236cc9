// One batch of two augmented views, computed the same way in the main thread or in a worker:
// which items (a per-epoch permutation) and every random draw come from (seed, epoch, step, slot),
// so the batch does not depend on which thread made it or when.
import { deriveSeed } from '../../base/derive-seed.ts';
import { Rng } from '../../base/random.ts';
import type { Augmentation } from './augmentations/augmentation.ts';
import { finishStretch } from './normalise.ts';
import type { SampleSource } from './sample-source.ts';

export interface Batch {
  view1: Float32Array;
  view2: Float32Array;
  batchSize: number;
  size: number;
  channels: number;
  indices: number[];
}

const PERMUTATION = 0x9e71;

/** Item order of an epoch: a seeded permutation of 0..n-1. */
export function epochPermutation(seed: number, epoch: number, n: number): Int32Array {
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const rng = new Rng(deriveSeed(seed, epoch, PERMUTATION));
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = order[i]!; order[i] = order[j]!; order[j] = t;
  }
  return order;
}

export function stepsPerEpoch(n: number, batchSize: number): number {
  // Drop the last partial batch; a dataset smaller than one batch still gives one (items repeat).
  return Math.max(1, Math.floor(n / batchSize));
}

export function batchIndices(order: Int32Array, step: number, batchSize: number): number[] {
  return Array.from({ length: batchSize }, (_, j) => order[(step * batchSize + j) % order.length]!);
}

export interface SlotViews { slots: number[]; view1: Float32Array; view2: Float32Array; size: number; channels: number }

/** The two views of some slots of batch (epoch, step): slot j holds item indices[j] of the batch. */
export function makeViews(source: SampleSource, augment: Augmentation, seed: number, epoch: number, step: number,
  slots: number[], indices: number[]): SlotViews {
  let view1 = new Float32Array(0), view2 = new Float32Array(0);
  let size = 0, channels = 0;
  slots.forEach((slot, j) => {
    const index = indices[j]!;
    const sample = source.get(index);
    if (j === 0) {
      size = sample.height; channels = sample.channels;
      view1 = new Float32Array(slots.length * size * size * channels);
      view2 = new Float32Array(slots.length * size * size * channels);
    } else if (sample.height !== size || sample.width !== size || sample.channels !== channels) {
      throw new RangeError(`sample ${index} is ${sample.height}x${sample.width}x${sample.channels}, batch is ${size}x${size}x${channels}`);
    }
    const n = size * size * channels;
    view1.set(finishStretch(augment.apply(sample, new Rng(deriveSeed(seed, epoch, step, slot, 1)))).data, j * n);
    view2.set(finishStretch(augment.apply(sample, new Rng(deriveSeed(seed, epoch, step, slot, 2)))).data, j * n);
  });
  return { slots, view1, view2, size, channels };
}

/** Puts the slot views of one or more parts together into the batch. */
export function assembleBatch(parts: SlotViews[], indices: number[]): Batch {
  const withData = parts.filter((p) => p.slots.length > 0);
  const { size, channels } = withData[0]!;
  const n = size * size * channels, B = indices.length;
  const view1 = new Float32Array(B * n), view2 = new Float32Array(B * n);
  for (const p of withData) {
    if (p.size !== size || p.channels !== channels) throw new RangeError(`batch parts disagree: ${p.size}x${p.channels} vs ${size}x${channels}`);
    p.slots.forEach((slot, j) => {
      view1.set(p.view1.subarray(j * n, (j + 1) * n), slot * n);
      view2.set(p.view2.subarray(j * n, (j + 1) * n), slot * n);
    });
  }
  return { view1, view2, batchSize: B, size, channels, indices };
}

export function makeBatch(source: SampleSource, augment: Augmentation, seed: number, epoch: number, step: number, indices: number[]): Batch {
  const v = makeViews(source, augment, seed, epoch, step, indices.map((_, j) => j), indices);
  return { view1: v.view1, view2: v.view2, batchSize: indices.length, size: v.size, channels: v.channels, indices };
}
