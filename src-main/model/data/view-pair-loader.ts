// Serves batches of two augmented views to the trainer, prefetching ahead on worker threads.
// Deterministic: the batch at (epoch, step) depends only on (seed, epoch, step) — the item order is a
// seeded per-epoch permutation and each view's draws come from a hash of (seed, epoch, step, slot,
// view) — so any worker count, any timing and a run resumed at (epoch, step) see the same batches.
// With workers, each batch is split among them by item index (index mod workers): an item is always
// read by the same worker, so the per-worker caches hold disjoint items and nothing is loaded twice.
import { Worker } from 'node:worker_threads';
import { WorkerPool } from '../../base/worker-pool.ts';
import { buildAugmentations, type AugmentationSpec } from './augmentations/index.ts';
import type { AugmentationSequence } from './augmentations/augmentation-sequence.ts';
import { openSampleSource, parseSourceSpec, sourceLength, type SampleSource, type SampleSourceSpec } from './sample-source.ts';
import { assembleBatch, batchIndices, epochPermutation, makeBatch, stepsPerEpoch, type Batch, type SlotViews } from './view-batch.ts';
import type { ViewPairJob, ViewPairReply, ViewPairWorkerData } from './view-pair-worker.ts';

export interface ViewPairLoaderOptions {
  batchSize: number;
  augmentations: AugmentationSpec[];
  seed: number;
  /** Worker threads doing the reading, preprocessing and augmentation; 0 (default) works in the calling thread. */
  workers?: number;
  /** Batches computed ahead of the one asked for (default 2 per worker; none without workers). */
  prefetch?: number;
  /** Bound of each thread's cache of preprocessed samples. */
  cacheBytes?: number;
}

export class ViewPairLoaderError extends Error {
  override readonly name = 'ViewPairLoaderError';
}

export class ViewPairLoader {
  readonly stepsPerEpoch: number;
  readonly length: number;
  readonly batchSize: number;
  readonly seed: number;
  readonly #prefetch: number;
  readonly #source: SampleSource | undefined;
  readonly #augment: AugmentationSequence;
  readonly #pool: WorkerPool<ViewPairReply> | null = null;
  readonly #workers: number;
  readonly #ahead = new Map<number, Promise<Batch>>(); // global step -> batch in preparation
  readonly #orders = new Map<number, Int32Array>();
  #waitMs = 0;
  #closed = false;

  constructor(source: SampleSourceSpec, opts: ViewPairLoaderOptions) {
    const spec = parseSourceSpec(source);
    if (!Number.isInteger(opts.batchSize) || opts.batchSize < 1) throw new ViewPairLoaderError(`batchSize must be a positive integer, got ${opts.batchSize}`);
    if (!Number.isInteger(opts.seed)) throw new ViewPairLoaderError(`seed must be an integer, got ${opts.seed}`);
    const workers = opts.workers ?? 0;
    if (!Number.isInteger(workers) || workers < 0) throw new ViewPairLoaderError(`workers must be a non-negative integer, got ${workers}`);
    this.#augment = buildAugmentations(opts.augmentations); // names bad augmentations here, before any worker starts
    this.length = sourceLength(spec);
    this.batchSize = opts.batchSize;
    this.seed = opts.seed;
    this.stepsPerEpoch = stepsPerEpoch(this.length, this.batchSize);
    this.#prefetch = workers > 0 ? Math.max(0, opts.prefetch ?? 2 * workers) : 0;
    this.#workers = workers;
    if (workers === 0) {
      this.#source = openSampleSource(spec, { cacheBytes: opts.cacheBytes, deferStretch: true });
      return;
    }
    const workerData: ViewPairWorkerData = { source: spec, augmentations: opts.augmentations, cacheBytes: opts.cacheBytes };
    // A worker holds the items it reads in its cache, so every item goes to the same one (no respawn:
    // a dead worker fails the loader); idle workers must not keep the process alive.
    this.#pool = new WorkerPool<ViewPairReply>({
      size: workers, perWorker: Number.MAX_SAFE_INTEGER, unrefIdle: true,
      spawn: () => new Worker(new URL('./view-pair-worker.ts', import.meta.url), { workerData }),
      died: (why) => new ViewPairLoaderError(`loader worker failed: ${why}`),
    });
  }

  /** Cumulative milliseconds the consumer spent waiting in batch() (the data-wait share's numerator). */
  get waitMs(): number { return this.#waitMs; }

  async batch(epoch: number, step: number): Promise<Batch> {
    if (this.#closed) throw new ViewPairLoaderError('loader is closed');
    if (!Number.isInteger(epoch) || epoch < 0) throw new ViewPairLoaderError(`epoch must be a non-negative integer, got ${epoch}`);
    if (!Number.isInteger(step) || step < 0 || step >= this.stepsPerEpoch) {
      throw new ViewPairLoaderError(`step ${step} outside 0..${this.stepsPerEpoch - 1}`);
    }
    const t0 = performance.now();
    const g = epoch * this.stepsPerEpoch + step;
    // Forget batches prepared for another position (a resume or a jump): they are simply recomputed.
    for (const k of this.#ahead.keys()) if (k < g || k > g + this.#prefetch) this.#ahead.delete(k);
    const wanted = this.#ahead.get(g) ?? this.#start(g);
    this.#ahead.delete(g);
    for (let k = g + 1; k <= g + this.#prefetch; k++) {
      if (this.#ahead.has(k)) continue;
      const p = this.#start(k);
      p.catch(() => {}); // a failure is reported when that batch is asked for
      this.#ahead.set(k, p);
    }
    try {
      return await wanted;
    } finally {
      this.#waitMs += performance.now() - t0;
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#ahead.clear();
    await this.#pool?.close(new ViewPairLoaderError('loader closed'));
  }

  #order(epoch: number): Int32Array {
    let o = this.#orders.get(epoch);
    if (o === undefined) {
      o = epochPermutation(this.seed, epoch, this.length);
      this.#orders.set(epoch, o);
      if (this.#orders.size > 3) this.#orders.delete(this.#orders.keys().next().value!);
    }
    return o;
  }

  #start(g: number): Promise<Batch> {
    const epoch = Math.floor(g / this.stepsPerEpoch), step = g % this.stepsPerEpoch;
    const indices = batchIndices(this.#order(epoch), step, this.batchSize);
    if (this.#pool?.failure) return Promise.reject(this.#pool.failure);
    if (this.#source !== undefined) {
      try {
        return Promise.resolve(makeBatch(this.#source, this.#augment, this.seed, epoch, step, indices));
      } catch (e) {
        return Promise.reject(e);
      }
    }
    const W = this.#workers;
    const parts = Array.from({ length: W }, (_, w) => {
      const slots = indices.map((index, j) => (index % W === w ? j : -1)).filter((j) => j >= 0);
      if (slots.length === 0) return Promise.resolve<SlotViews>({ slots, view1: new Float32Array(0), view2: new Float32Array(0), size: 0, channels: 0 });
      const job: Omit<ViewPairJob, 'id'> = { seed: this.seed, epoch, step, slots, indices: slots.map((j) => indices[j]!) };
      return this.#pool!.request({ ...job }, { worker: w }).then((m): SlotViews => {
        if (m.ok) return { slots: m.slots, view1: m.view1, view2: m.view2, size: m.size, channels: m.channels };
        const e = new Error(m.message);
        e.name = m.name;
        throw e;
      });
    });
    return Promise.all(parts).then((p) => assembleBatch(p, indices));
  }
}

export type { Batch, SampleSource, SampleSourceSpec };
