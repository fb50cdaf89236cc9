// Worker-thread entry of embedInWorker (embed-in-worker.ts): embeds the job's source batch by batch
// and posts each batch's vectors, packed and transferred, then done (base/worker-job.ts's protocol).
import { parentPort, workerData } from 'node:worker_threads';
import { postedError, type JobMessage } from '../base/worker-job.ts';
import { selectBackend } from './backend.ts';
import { openSampleSource } from './data/sample-source.ts';
import { embed, type Embedding } from './embed.ts';
import type { EmbeddingJob, EmbeddingWorkerEvent } from './embed-in-worker.ts';

const port = parentPort!;
const post = (m: JobMessage<EmbeddingWorkerEvent, null>, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);
const job = workerData as EmbeddingJob;
// A stop request (embed-in-worker.ts) ends the embedding between batches, so no onnxruntime call is
// in flight when the thread goes; the thread then exits by itself, its port closed.
const stopped = new AbortController();
port.on('message', (m: { type?: string }) => {
  if (m?.type === 'stop') stopped.abort();
});

async function main(): Promise<void> {
  const backend = await selectBackend(job.backend ?? job.settings.backend, (message) => post({ type: 'event', event: { kind: 'warning', message } }));
  post({ type: 'event', event: { kind: 'start', backend } });
  // Each item is read once, so no sample cache: memory holds one batch whatever the number of items.
  const source = openSampleSource(job.source, { cacheBytes: 0 });
  let pending: Embedding[] = [];
  const flush = (done: number, total: number) => {
    const d = pending[0]?.vector.length ?? 0;
    const vectors = new Float32Array(pending.length * d);
    pending.forEach((e, i) => vectors.set(e.vector, i * d));
    post({ type: 'event', event: { kind: 'batch', indices: pending.map((e) => e.index), vectors, done, total } }, [vectors.buffer]);
    pending = [];
  };
  for await (const e of embed(job.weights, job.settings, source, {
    batchSize: job.batchSize,
    backend,
    signal: stopped.signal,
    onUnreadable: (index, error) => {
      const { name, message } = postedError(error);
      post({ type: 'event', event: { kind: 'unreadable', index, name, message } });
    },
    onProgress: flush,
    onWarning: (message) => post({ type: 'event', event: { kind: 'warning', message } }),
  })) {
    pending.push(e);
  }
  post({ type: 'done', result: null });
}

main()
  .catch((e: unknown) => {
    if (!stopped.signal.aborted) post({ type: 'error', error: postedError(e) });
  })
  .finally(() => port.close());
