// Data-parallel gradients over worker threads. The wasm backend runs one thread per process in
// Node, so on a multi-core machine each step's batch is split into shards: this thread computes
// one shard, each helper thread (gradient-worker.ts, holding a replica of the model) another. The
// current weights travel to the helpers, and their gradients back, through SharedArrayBuffers
// (no per-step copies through the message channel). Group normalisation makes each sample's
// gradient independent of the others, so the size-weighted mean of the shard gradients equals the
// full-batch gradient. That holds for head_norm 'layer' only: with the default 'batch' each shard's
// projector/predictor normalise over the shard's rows, so the step is close to, not equal to, the
// full-batch one (and a one-image shard's heads see no spread at all). The pool is off by default.
import * as tf from '@tensorflow/tfjs-core';
import { Worker } from 'node:worker_threads';
import type { Byol } from './byol.ts';
import type { Batch as ViewBatch } from './data/view-batch.ts';
import type { TrainingSettings } from './settings.ts';
import { ModelError } from './errors.ts';

export interface GradientPool {
  gradients(byol: Byol, batch: ViewBatch): Promise<{ loss: number; grads: tf.Tensor[] }>;
  close(): Promise<void>;
}

export interface GradientWorkerInit {
  settings: TrainingSettings;
  backend: string;
  weights: SharedArrayBuffer;
  grads: SharedArrayBuffer;
  views: SharedArrayBuffer;
}

export type GradientWorkerRequest = { type: 'step'; n: number; size: number; channels: number };
export type GradientWorkerReply = { type: 'ready' } | { type: 'grads'; loss: number } | { type: 'error'; message: string };

interface Helper {
  worker: Worker;
  grads: Float32Array;
  views: Float32Array;
}

function nextMessage(w: Worker): Promise<GradientWorkerReply> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: GradientWorkerReply) => {
      w.off('error', onError);
      if (m.type === 'error') reject(new ModelError(`gradient worker: ${m.message}`));
      else resolve(m);
    };
    const onError = (e: Error) => {
      w.off('message', onMessage);
      reject(e);
    };
    w.once('message', onMessage);
    w.once('error', onError);
  });
}

/** A pool of `workers` gradient computers: this thread plus workers - 1 helper threads. */
export async function createGradientPool(settings: TrainingSettings, workers: number, backend: string, byolForSizes?: Byol): Promise<GradientPool> {
  const { Byol: ByolClass } = await import('./byol.ts');
  const probe = byolForSizes ?? new ByolClass(settings, { totalSteps: 1, warmupSteps: 0 });
  const weightCount = probe.allWeights().reduce((a, w) => a + w.variable.size, 0);
  const gradCount = probe.trainableWeights().reduce((a, w) => a + w.variable.size, 0);
  if (byolForSizes == null) probe.dispose();
  const maxShard = Math.ceil(settings.batch_size / workers);
  const viewFloats = 2 * maxShard * settings.image_size * settings.image_size * settings.channels;
  const weightsBuffer = new SharedArrayBuffer(weightCount * 4);
  const weights = new Float32Array(weightsBuffer);
  const helpers: Helper[] = [];
  for (let i = 1; i < workers; i++) {
    const grads = new SharedArrayBuffer(gradCount * 4);
    const views = new SharedArrayBuffer(viewFloats * 4);
    const init: GradientWorkerInit = { settings, backend, weights: weightsBuffer, grads, views };
    const worker = new Worker(new URL('./gradient-worker.ts', import.meta.url), { workerData: init });
    helpers.push({ worker, grads: new Float32Array(grads), views: new Float32Array(views) });
  }
  await Promise.all(helpers.map((h) => nextMessage(h.worker)));

  return {
    async gradients(byol: Byol, b: ViewBatch) {
      // Publish the current weights.
      let o = 0;
      for (const w of byol.allWeights()) {
        const v = w.variable.dataSync() as Float32Array;
        weights.set(v, o);
        o += v.length;
      }
      const pixels = b.size * b.size * b.channels;
      const shards: { start: number; n: number }[] = [];
      const per = Math.floor(b.batchSize / workers);
      let extra = b.batchSize - per * workers;
      let start = 0;
      for (let i = 0; i < workers; i++) {
        const n = per + (extra-- > 0 ? 1 : 0);
        shards.push({ start, n });
        start += n;
      }
      const pending = helpers.map((h, i) => {
        const { start: s0, n } = shards[i + 1]!;
        if (n === 0) return Promise.resolve<GradientWorkerReply>({ type: 'grads', loss: 0 }); // batch smaller than the pool
        h.views.set(b.view1.subarray(s0 * pixels, (s0 + n) * pixels), 0);
        h.views.set(b.view2.subarray(s0 * pixels, (s0 + n) * pixels), n * pixels);
        const reply = nextMessage(h.worker);
        h.worker.postMessage({ type: 'step', n, size: b.size, channels: b.channels } satisfies GradientWorkerRequest);
        return reply;
      });
      const own = shards[0]!;
      const shape: [number, number, number, number] = [own.n, b.size, b.size, b.channels];
      const mine = tf.tidy(() => {
        const v1 = tf.tensor4d(b.view1.subarray(own.start * pixels, (own.start + own.n) * pixels), shape);
        const v2 = tf.tensor4d(b.view2.subarray(own.start * pixels, (own.start + own.n) * pixels), shape);
        return byol.gradients(v1, v2);
      });
      const replies = await Promise.all(pending);
      const weightOf = (n: number) => n / b.batchSize;
      let loss = mine.loss.dataSync()[0]! * weightOf(own.n);
      const trainable = byol.trainableWeights();
      const grads = tf.tidy(() => {
        const sums = mine.grads.map((g) => tf.mul(g, weightOf(own.n)));
        helpers.forEach((h, i) => {
          if (shards[i + 1]!.n === 0) return;
          let off = 0;
          trainable.forEach((w, k) => {
            const part = tf.tensor(h.grads.subarray(off, off + w.variable.size), w.variable.shape);
            off += w.variable.size;
            sums[k] = tf.add(sums[k]!, tf.mul(part, weightOf(shards[i + 1]!.n)));
          });
        });
        return sums;
      });
      replies.forEach((r, i) => {
        if (r.type === 'grads') loss += r.loss * weightOf(shards[i + 1]!.n);
      });
      mine.loss.dispose();
      tf.dispose(mine.grads);
      return { loss, grads };
    },
    async close() {
      await Promise.all(helpers.map((h) => h.worker.terminate()));
    },
  };
}
