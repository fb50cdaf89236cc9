// Worker-thread entry of the ViewPairLoader: rebuilds the source and the augmentations from their
// serialisable specs, then makes batches on request and transfers (not copies) the views back.
import { parentPort, workerData } from 'node:worker_threads';
import { buildAugmentations, type AugmentationSpec } from './augmentations/index.ts';
import { openSampleSource, type SampleSourceSpec } from './sample-source.ts';
import { makeViews } from './view-batch.ts';

export interface ViewPairWorkerData { source: SampleSourceSpec; augmentations: AugmentationSpec[]; cacheBytes?: number }
/** Some slots of batch (epoch, step): slot slots[j] holds item indices[j]. */
export interface ViewPairJob { id: number; seed: number; epoch: number; step: number; slots: number[]; indices: number[] }
export type ViewPairReply =
  | { id: number; ok: true; slots: number[]; view1: Float32Array; view2: Float32Array; size: number; channels: number }
  | { id: number; ok: false; name: string; message: string };

const data = workerData as ViewPairWorkerData;
const source = openSampleSource(data.source, { cacheBytes: data.cacheBytes, deferStretch: true });
const augment = buildAugmentations(data.augmentations);
const port = parentPort!;

port.on('message', (job: ViewPairJob) => {
  try {
    const b = makeViews(source, augment, job.seed, job.epoch, job.step, job.slots, job.indices);
    const reply: ViewPairReply = { id: job.id, ok: true, ...b };
    port.postMessage(reply, [b.view1.buffer as ArrayBuffer, b.view2.buffer as ArrayBuffer]);
  } catch (e) {
    const err = e as Error;
    port.postMessage({ id: job.id, ok: false, name: err.name ?? 'Error', message: err.message ?? String(e) } satisfies ViewPairReply);
  }
});
