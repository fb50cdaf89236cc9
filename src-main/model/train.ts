// Starts a training run in a worker thread so the app and CLI stay responsive; the handle relays
// the worker's events and turns pause/resume/cancel into messages. On webgpu where Dawn cannot load
// in this process (Electron's main process, webgpu/child-node.ts) the same entry runs in a child
// Node process instead, with the same messages over IPC.
import { Worker } from 'node:worker_threads';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { backendBase } from './backend.ts';
import { childEnv, childNode, dawnInProcess } from './webgpu/child-node.ts';
import { EventEmitter } from 'node:events';
import os from 'node:os';
import type { TrainingSettings } from './settings.ts';
import type { EpochEnd, TrainingProgress, TrainingResult } from './training-loop.ts';
import { ModelError, SettingsError, CheckpointError } from './errors.ts';
import { runWorkerJob, type JobMessage, type JobWorker, type PostedError } from '../base/worker-job.ts';

import type { SampleSourceSpec } from './data/index.ts';
export type { SampleSourceSpec };

export interface StartTrainingOptions {
  /** Validated settings (parseSettings): checked once where they came in, not again here or in the worker. */
  settings: TrainingSettings;
  source: SampleSourceSpec;
  /** Checkpoint bytes to continue from (an epochEnd checkpoint or the one written at cancel). */
  resumeFrom?: Uint8Array;
  /** Overrides config.backend. */
  backend?: string;
  /**
   * Where the run computes: 'thread' (a worker thread) or 'process' (a child Node process). Default:
   * 'process' for webgpu where Dawn cannot load in this process, else 'thread'; the variable
   * ASTROMORPH_TRAINING_ISOLATION overrides the default.
   */
  isolation?: 'thread' | 'process';
}

/** The loop's end-of-epoch report, relayed from the worker. */
export type TrainingEpochEvent = EpochEnd;

export interface TrainingEvents {
  progress: [TrainingProgress];
  epochEnd: [TrainingEpochEvent];
  warning: [string];
}

export interface TrainingHandle extends EventEmitter<TrainingEvents> {
  pause(): void;
  resume(): void;
  /** Stops after the current step; `done` then resolves with status 'cancelled' and a checkpoint at that point. */
  cancel(): void;
  readonly done: Promise<TrainingResult>;
}

export interface TrainingWorkerData {
  settings: TrainingSettings;
  source: SampleSourceSpec;
  resumeFrom?: Uint8Array | undefined;
  backend?: string | undefined;
  loaderWorkers: number;
}

export type TrainingCommand = { type: 'pause' } | { type: 'resume' } | { type: 'cancel' };

/** What the worker reports while it trains (the `event`s of base/worker-job.ts's protocol). */
export type TrainingWorkerEvent =
  | { kind: 'progress'; progress: TrainingProgress }
  | ({ kind: 'epochEnd' } & EpochEnd)
  | { kind: 'warning'; message: string };

export type TrainingWorkerMessage = JobMessage<TrainingWorkerEvent, TrainingResult>;

/** The model layer's errors, as the worker posts them, back as their classes. */
export function reviveModelError(e: PostedError): Error {
  if (e.name === 'SettingsError') return new SettingsError([e.message]);
  if (e.name === 'CheckpointError') return new CheckpointError(e.message);
  return new ModelError(e.message);
}

export function startTraining(opts: StartTrainingOptions): TrainingHandle {
  const { settings } = opts;
  const cores = settings.core_limit > 0 ? settings.core_limit : os.availableParallelism();
  const data: TrainingWorkerData = {
    settings,
    source: opts.source,
    resumeFrom: opts.resumeFrom,
    backend: opts.backend,
    // Leave one core for the training thread itself.
    loaderWorkers: Math.max(1, cores - settings.gradient_workers),
  };
  const env = process.env.ASTROMORPH_TRAINING_ISOLATION;
  const isolation = opts.isolation ?? (env === 'thread' || env === 'process' ? env
    : backendBase(opts.backend ?? settings.backend) === 'webgpu' && !dawnInProcess() ? 'process' : 'thread');
  const worker = isolation === 'process' ? childRunner(data) : threadRunner(data);
  const emitter = new EventEmitter<TrainingEvents>();
  const done = runWorkerJob<TrainingWorkerEvent, TrainingResult>(worker, {
    onEvent: (e) => {
      if (e.kind === 'progress') emitter.emit('progress', e.progress);
      else if (e.kind === 'epochEnd') emitter.emit('epochEnd', { epoch: e.epoch, meanLoss: e.meanLoss, rank: e.rank, checkpoint: e.checkpoint });
      else emitter.emit('warning', e.message);
    },
    revive: reviveModelError,
    died: (why) => new ModelError(`training worker: ${why}`),
  });
  const handle = Object.assign(emitter, {
    pause: () => worker.postMessage({ type: 'pause' } satisfies TrainingCommand),
    resume: () => worker.postMessage({ type: 'resume' } satisfies TrainingCommand),
    cancel: () => worker.postMessage({ type: 'cancel' } satisfies TrainingCommand),
    done,
  });
  return handle;
}

/** The part of a Worker the handle uses: a worker thread, or a child process dressed as one. */
interface Runner extends JobWorker {
  postMessage(m: TrainingCommand): void;
}

const ENTRY = new URL('./training-worker.ts', import.meta.url);

function threadRunner(data: TrainingWorkerData): Runner {
  const w = new Worker(ENTRY, { workerData: data });
  return {
    on: (event: string, f: (...a: any[]) => void) => void w.on(event, f),
    postMessage: (m) => w.postMessage(m),
    terminate: () => void w.terminate(),
  };
}

function childRunner(data: TrainingWorkerData): Runner {
  const child = fork(fileURLToPath(ENTRY), [], {
    execPath: childNode(),
    execArgv: [],
    env: childEnv(),
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  child.send({ type: 'init', data });
  return {
    on: (event: string, f: (...a: any[]) => void) => void child.on(event, f),
    postMessage: (m) => {
      if (child.connected) child.send(m);
    },
    terminate: () => {
      if (child.exitCode == null) child.kill();
    },
  };
}
