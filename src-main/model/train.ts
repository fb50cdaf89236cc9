// Starts a training run in a worker thread so the app and CLI stay responsive; the handle relays
// the worker's events and turns pause/resume/cancel into messages.
import { Worker } from 'node:worker_threads';
import { EventEmitter } from 'node:events';
import os from 'node:os';
import type { TrainingSettingsInput } from './settings.ts';
import { parseSettings } from './settings.ts';
import type { EpochEnd, TrainingProgress, TrainingResult } from './training-loop.ts';
import { ModelError, SettingsError, CheckpointError } from './errors.ts';

import type { SampleSourceSpec } from './data/index.ts';
export type { SampleSourceSpec };

export interface StartTrainingOptions {
  config: TrainingSettingsInput;
  source: SampleSourceSpec;
  /** Checkpoint bytes to continue from (an epochEnd checkpoint or the one written at cancel). */
  resumeFrom?: Uint8Array;
  /** Overrides config.backend. */
  backend?: string;
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
  settings: TrainingSettingsInput;
  source: SampleSourceSpec;
  resumeFrom?: Uint8Array | undefined;
  backend?: string | undefined;
  loaderWorkers: number;
}

export type TrainingCommand = { type: 'pause' } | { type: 'resume' } | { type: 'cancel' };

export type TrainingWorkerMessage =
  | { type: 'progress'; progress: TrainingProgress }
  | ({ type: 'epochEnd' } & EpochEnd)
  | { type: 'done'; result: TrainingResult }
  | { type: 'warning'; message: string }
  | { type: 'error'; name: string; message: string };

const ERRORS: Record<string, new (m: string) => Error> = { ModelError, CheckpointError };

export function startTraining(opts: StartTrainingOptions): TrainingHandle {
  const settings = parseSettings(opts.config); // fail fast, in the caller's thread
  const cores = settings.core_limit > 0 ? settings.core_limit : os.availableParallelism();
  const data: TrainingWorkerData = {
    settings: opts.config,
    source: opts.source,
    resumeFrom: opts.resumeFrom,
    backend: opts.backend,
    // Leave one core for the training thread itself.
    loaderWorkers: Math.max(1, cores - settings.gradient_workers),
  };
  const worker = new Worker(new URL('./training-worker.ts', import.meta.url), { workerData: data });
  const emitter = new EventEmitter<TrainingEvents>();
  let finished = false;
  const done = new Promise<TrainingResult>((resolve, reject) => {
    worker.on('message', (m: TrainingWorkerMessage) => {
      if (m.type === 'progress') emitter.emit('progress', m.progress);
      else if (m.type === 'epochEnd') emitter.emit('epochEnd', { epoch: m.epoch, meanLoss: m.meanLoss, rank: m.rank, checkpoint: m.checkpoint });
      else if (m.type === 'warning') emitter.emit('warning', m.message);
      else if (m.type === 'done') {
        finished = true;
        resolve(m.result);
        void worker.terminate();
      } else if (m.type === 'error') {
        finished = true;
        const E = ERRORS[m.name];
        const err = m.name === 'SettingsError' ? new SettingsError([m.message]) : E ? new E(m.message) : new ModelError(m.message);
        reject(err);
        void worker.terminate();
      }
    });
    worker.on('error', (e) => {
      finished = true;
      reject(e);
    });
    worker.on('exit', (code) => {
      if (!finished) reject(new ModelError(`training worker exited with code ${code}`));
    });
  });
  const handle = Object.assign(emitter, {
    pause: () => worker.postMessage({ type: 'pause' } satisfies TrainingCommand),
    resume: () => worker.postMessage({ type: 'resume' } satisfies TrainingCommand),
    cancel: () => worker.postMessage({ type: 'cancel' } satisfies TrainingCommand),
    done,
  });
  return handle;
}
