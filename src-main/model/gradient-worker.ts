// A helper thread of gradient-pool.ts: a replica of the model that, on each request, loads the
// shared weights, computes the loss and gradients of its shard, and writes them back.
import * as tf from '@tensorflow/tfjs-core';
import { parentPort, workerData } from 'node:worker_threads';
import { selectBackend } from './backend.ts';
import { Byol } from './byol.ts';
import type { GradientWorkerInit, GradientWorkerReply, GradientWorkerRequest } from './gradient-pool.ts';

const port = parentPort!;
const init = workerData as GradientWorkerInit;

async function main(): Promise<void> {
  await selectBackend(init.backend, () => {});
  const byol = new Byol(init.settings, { totalSteps: 1, warmupSteps: 0 });
  const weights = new Float32Array(init.weights);
  const grads = new Float32Array(init.grads);
  const views = new Float32Array(init.views);
  const all = byol.allWeights();
  const trainable = byol.trainableWeights().map((w) => w.variable);
  port.on('message', (m: GradientWorkerRequest) => {
    try {
      tf.tidy(() => {
        let o = 0;
        for (const w of all) {
          w.variable.assign(tf.tensor(weights.subarray(o, o + w.variable.size), w.variable.shape));
          o += w.variable.size;
        }
      });
      const pixels = m.size * m.size * m.channels;
      const shape: [number, number, number, number] = [m.n, m.size, m.size, m.channels];
      const r = tf.tidy(() => byol.gradients(tf.tensor4d(views.subarray(0, m.n * pixels), shape), tf.tensor4d(views.subarray(m.n * pixels, 2 * m.n * pixels), shape)));
      let o = 0;
      r.grads.forEach((g, k) => {
        grads.set(g.dataSync() as Float32Array, o);
        o += trainable[k]!.size;
      });
      const loss = r.loss.dataSync()[0]!;
      tf.dispose([r.loss, ...r.grads]);
      port.postMessage({ type: 'grads', loss } satisfies GradientWorkerReply);
    } catch (e) {
      port.postMessage({ type: 'error', message: (e as Error).message } satisfies GradientWorkerReply);
    }
  });
  port.postMessage({ type: 'ready' } satisfies GradientWorkerReply);
}

main().catch((e: unknown) => port.postMessage({ type: 'error', message: (e as Error).message } satisfies GradientWorkerReply));
