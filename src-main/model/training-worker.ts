// Entry of a training run started by train.ts, in a worker thread (the default) or in a child Node
// process (webgpu where Dawn cannot load in the parent: Electron's main process). Selects the
// backend, builds the ViewPairLoader from the serialisable source spec, runs the loop, and posts
// progress, epoch checkpoints (transferred, not copied, between threads) and the result.
// Messages in: pause, resume, cancel (and, in a child process, first the run's data).
import { parentPort, workerData } from 'node:worker_threads';
import { postedError } from '../base/worker-job.ts';
import { backendBase, selectBackend } from './backend.ts';
import { runTraining, type BatchLoader, type TrainingControl } from './training-loop.ts';
import { createGradientPool } from './gradient-pool.ts';
import type { TrainingWorkerData, TrainingWorkerMessage, TrainingCommand } from './train.ts';
import { ViewPairLoader, openSampleSource } from './data/index.ts';

/** A worker thread's port, or a child process's IPC channel (advanced serialisation: typed arrays pass). */
interface Channel {
  post(m: TrainingWorkerMessage, transfer?: ArrayBuffer[]): void;
  onCommand(f: (m: TrainingCommand) => void): void;
  data: Promise<TrainingWorkerData>;
  /** After the last message: a child process exits once it is sent (Dawn would keep it alive). */
  end(): void;
}

function threadChannel(port: NonNullable<typeof parentPort>): Channel {
  return {
    post: (m, transfer = []) => port.postMessage(m, transfer),
    onCommand: (f) => port.on('message', f),
    data: Promise.resolve(workerData as TrainingWorkerData),
    end: () => {},
  };
}

function processChannel(): Channel {
  const send = process.send!.bind(process);
  let commands: (m: TrainingCommand) => void = () => {};
  let sent = Promise.resolve();
  const data = new Promise<TrainingWorkerData>((resolve) => {
    process.on('message', (m: { type: 'init'; data: TrainingWorkerData } | TrainingCommand) => {
      if (m.type === 'init') resolve(m.data);
      else commands(m);
    });
  });
  // The parent gone: nothing to train for.
  process.on('disconnect', () => process.exit(1));
  return {
    post: (m) => {
      sent = new Promise<void>((r) => send(m, undefined, {}, () => r()));
    },
    onCommand: (f) => (commands = f),
    data,
    end: () => void sent.then(() => process.exit(0)),
  };
}

const channel = parentPort != null ? threadChannel(parentPort) : processChannel();
const post = (m: TrainingWorkerMessage, transfer: ArrayBuffer[] = []) => channel.post(m, transfer);

let paused = false;
let wake: (() => void) | undefined;
const control: TrainingControl & { cancelled: boolean } = {
  cancelled: false,
  // Yield to the event loop first: with prefetched batches the loop only awaits resolved promises, and
  // pause/cancel messages (macrotasks) would otherwise wait until the run ends.
  waitWhilePaused: () => new Promise<void>((r) => setImmediate(r))
    .then(() => (paused && !control.cancelled ? new Promise<void>((r) => (wake = r)) : undefined)),
};
channel.onCommand((m: TrainingCommand) => {
  if (m.type === 'pause') paused = true;
  else if (m.type === 'resume' || m.type === 'cancel') {
    if (m.type === 'cancel') control.cancelled = true;
    paused = false;
    wake?.();
    wake = undefined;
  }
});

async function main(): Promise<void> {
  const data = await channel.data;
  const { settings } = data;
  const backend = await selectBackend(data.backend ?? settings.backend, (message) => post({ type: 'event', event: { kind: 'warning', message } }));
  const loader: BatchLoader = new ViewPairLoader(data.source, {
    batchSize: settings.batch_size,
    augmentations: settings.augmentations,
    seed: settings.seed,
    workers: data.loaderWorkers,
  });
  // Gradient workers split a step over CPU cores; a GPU backend computes the whole batch at once.
  const onGpu = backendBase(backend) === 'webgpu';
  if (onGpu && settings.gradient_workers > 1) post({ type: 'event', event: { kind: 'warning', message: `gradient_workers = ${settings.gradient_workers} ignored on ${backend}: the GPU takes the whole batch` } });
  const pool = settings.gradient_workers > 1 && !onGpu ? await createGradientPool(settings, settings.gradient_workers, backend) : undefined;
  try {
    const result = await runTraining({
      settings,
      loader,
      backend,
      resumeFrom: data.resumeFrom,
      control,
      gradientPool: pool,
      statistics: openSampleSource(data.source, { cacheBytes: 64 * 1024 ** 2 }),
      onProgress: (progress) => post({ type: 'event', event: { kind: 'progress', progress } }),
      onEpochEnd: (e) => post({ type: 'event', event: { kind: 'epochEnd', ...e } }, [e.checkpoint.buffer as ArrayBuffer]),
    });
    post({ type: 'done', result }, [result.checkpoint.buffer as ArrayBuffer]);
  } finally {
    await pool?.close();
    await loader.close();
  }
}

main().catch((e: unknown) => post({ type: 'error', error: postedError(e) })).finally(() => channel.end());
