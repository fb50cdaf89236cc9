// The training loop proper, independent of threads: pulls batches of view pairs from a loader,
// steps BYOL, reports progress after each batch and a checkpoint after each epoch (tfjs-layers'
// onBatchEnd / onEpochEnd), and stops between batches when asked (a cancel costs at most one step).
// training-worker.ts runs it in a worker thread; tests run it in-thread.
import * as tf from '@tensorflow/tfjs-core';
import { Byol } from './byol.ts';
import { Rng } from '../base/random.ts';
import { decodeCheckpoint, encodeCheckpoint } from './serialization.ts';
import { parseSettings, type TrainingSettings } from './settings.ts';
import { ModelError } from './errors.ts';
import type { GradientPool } from './gradient-pool.ts';
import type { Batch } from './data/index.ts';
import type { EpochRank } from './serialization.ts';
import { spreadOf } from '../base/index.ts';
import { embeddingStatistics, type EmbeddableSource } from './embed.ts';
import { gpuGuarded } from './webgpu/guard.ts';

/** Rows (view-1 images) at the end of each epoch over which the effective rank is measured. */
export const RANK_ROWS = 256;

/** A batch of view pairs as model/data's ViewPairLoader makes it (one definition, in view-batch.ts). */
export type ViewBatch = Batch;
/** The part of model/data's ViewPairLoader the loop uses. */
export interface BatchLoader {
  readonly stepsPerEpoch: number;
  batch(epoch: number, step: number): Promise<ViewBatch>;
  readonly waitMs: number;
  close(): Promise<void>;
}

export interface TrainingProgress {
  epoch: number;
  epochs: number;
  step: number;
  stepsPerEpoch: number;
  globalStep: number;
  totalSteps: number;
  loss: number;
  imagesPerSecond: number;
  /** Share of wall time spent waiting for data since the run (or resume) started, 0..1. */
  dataWaitShare: number;
  etaSeconds: number;
  backend: string;
}

export interface EpochEnd {
  epoch: number;
  meanLoss: number;
  /** Effective rank of the representation and projection at the epoch's end; null when not tracked. */
  rank: EpochRank | null;
  checkpoint: Uint8Array;
}

export interface TrainingResult {
  status: 'completed' | 'cancelled';
  epochLosses: number[];
  /** Checkpoint at the end (completed) or at the cancel point. */
  checkpoint: Uint8Array;
  /** Loss of every step run in this call, in order. */
  stepLosses: number[];
}

export interface TrainingControl {
  /** Resolves when training may continue (immediately unless paused). */
  waitWhilePaused(): Promise<void>;
  readonly cancelled: boolean;
}

export interface TrainingLoopOptions {
  settings: TrainingSettings;
  loader: BatchLoader;
  backend: string;
  resumeFrom?: Uint8Array | undefined;
  control?: TrainingControl;
  /** Data-parallel gradient workers; absent: gradients in this thread. */
  gradientPool?: GradientPool | undefined;
  onProgress?: (p: TrainingProgress) => void;
  onEpochEnd?: (e: EpochEnd) => void;
  /**
   * The training images as embedding sees them (no augmentation): when given, the final epoch's
   * checkpoint carries the mean and spread of their embeddings, with which embed standardises.
   */
  statistics?: EmbeddableSource;
}

const ARCHITECTURE_KEYS = ['encoder', 'width', 'depth', 'pooling', 'representation_size', 'projection_size', 'projection_hidden_size', 'image_size', 'channels'] as const;

export async function runTraining(o: TrainingLoopOptions): Promise<TrainingResult> {
  const s = o.settings;
  const stepsPerEpoch = o.loader.stepsPerEpoch;
  if (!(stepsPerEpoch >= 1)) throw new ModelError(`the data set gives no full batch of ${s.batch_size} images`);
  const totalSteps = s.epochs * stepsPerEpoch;
  const byol = new Byol(s, { totalSteps, warmupSteps: Math.round(s.warmup_epochs * stepsPerEpoch) });
  const rng = new Rng(s.seed);
  let epoch = 0;
  let step = 0;
  let epochLosses: number[] = [];
  let epochRanks: (EpochRank | null)[] = [];
  let epochSum = 0;
  if (o.resumeFrom != null) {
    const ck = decodeCheckpoint(o.resumeFrom, 'resume checkpoint');
    // Through the schema, so keys added since the checkpoint was written take their defaults.
    const saved = parseSettings(ck.manifest.settings);
    for (const k of ARCHITECTURE_KEYS) {
      if (saved[k] !== s[k]) throw new ModelError(`resume checkpoint has ${k} = ${String(saved[k])}, the settings say ${String(s[k])}`);
    }
    if (ck.manifest.stepsPerEpoch !== stepsPerEpoch) throw new ModelError(`resume checkpoint was trained with ${ck.manifest.stepsPerEpoch} steps per epoch, the data now gives ${stepsPerEpoch}`);
    byol.loadStateTensors(ck.tensors, ck.manifest.globalStep, 'resume checkpoint');
    epoch = ck.manifest.epoch;
    step = ck.manifest.step;
    epochLosses = [...ck.manifest.epochLosses];
    epochRanks = [...(ck.manifest.epochRanks ?? epochLosses.map(() => null))];
    epochSum = ck.manifest.epochLossSum;
  }
  let extra = new Map<string, { shape: number[]; values: Float32Array }>();
  const snapshot = async () =>
    encodeCheckpoint(
      {
        format: 'astromorph-byol',
        settings: s,
        architecture: { encoder: byol.online.encoder.toJSON(), projector: byol.online.projector.toJSON(), predictor: byol.online.predictor.toJSON() },
        epoch,
        step,
        globalStep: byol.optimizer.step,
        stepsPerEpoch,
        rngState: rng.state(),
        epochLosses,
        epochRanks,
        backend: o.backend,
        epochLossSum: epochSum,
      },
      new Map([...(await byol.stateTensorsAsync()), ...extra]),
    );

  const stepLosses: number[] = [];
  const started = performance.now();
  const waitAtStart = o.loader.waitMs;
  let images = 0;
  let status: TrainingResult['status'] = 'completed';
  // The last steps of each epoch keep their view-1 rows for the effective rank (not with gradient workers).
  const trackFrom = o.gradientPool != null ? Infinity : Math.max(0, stepsPerEpoch - Math.ceil(RANK_ROWS / s.batch_size));
  let repRows: Float32Array[] = [], projRows: Float32Array[] = [], rankRows = 0;
  try {
    outer: for (; epoch < s.epochs; epoch++) {
      for (; step < stepsPerEpoch; step++) {
        if (o.control) {
          await o.control.waitWhilePaused();
          if (o.control.cancelled) {
            status = 'cancelled';
            break outer;
          }
        }
        const b = await o.loader.batch(epoch, step);
        if (b.size !== s.image_size || b.channels !== s.channels) {
          throw new ModelError(`the data give ${b.size}x${b.size}x${b.channels} views, the settings say image_size ${s.image_size}, channels ${s.channels}`);
        }
        let loss: number;
        if (o.gradientPool != null) {
          const { loss: l, grads } = await o.gradientPool.gradients(byol, b);
          try {
            byol.applyGradients(grads);
          } finally {
            tf.dispose(grads);
          }
          loss = l;
        } else {
          const shape: [number, number, number, number] = [b.batchSize, b.size, b.size, b.channels];
          const v1 = tf.tensor4d(b.view1, shape);
          const v2 = tf.tensor4d(b.view2, shape);
          try {
            const track = step >= trackFrom;
            const t = await gpuGuarded(() => byol.trainStepAsync(v1, v2, track), { batchSize: s.batch_size, size: b.size, channels: b.channels });
            loss = t.loss;
            if (track) {
              repRows.push(t.representation!); projRows.push(t.projection!); rankRows += b.batchSize;
            }
          } finally {
            tf.dispose([v1, v2]);
          }
        }
        if (!Number.isFinite(loss)) throw new ModelError(`loss became ${loss} at epoch ${epoch + 1}, step ${step + 1}: lower learning_rate`);
        stepLosses.push(loss);
        epochSum += loss;
        images += b.batchSize;
        const elapsed = (performance.now() - started) / 1000;
        const done = stepLosses.length;
        const remaining = totalSteps - byol.optimizer.step;
        o.onProgress?.({
          epoch: epoch + 1,
          epochs: s.epochs,
          step: step + 1,
          stepsPerEpoch,
          globalStep: byol.optimizer.step,
          totalSteps,
          loss,
          imagesPerSecond: images / elapsed,
          dataWaitShare: Math.min(1, (o.loader.waitMs - waitAtStart) / 1000 / elapsed),
          etaSeconds: (elapsed / done) * remaining,
          backend: o.backend,
        });
      }
      epochLosses.push(epochSum / stepsPerEpoch);
      const rank = rankOf(repRows, projRows, rankRows);
      epochRanks.push(rank);
      repRows = []; projRows = []; rankRows = 0;
      epochSum = 0;
      step = 0;
      const meanLoss = epochLosses[epochLosses.length - 1]!;
      if (epoch === s.epochs - 1 && o.statistics != null) extra = await embeddingStatistics(byol.online.encoder, o.statistics, s);
      // Position the checkpoint at the start of the next epoch.
      epoch++;
      const checkpoint = await snapshot();
      epoch--;
      o.onEpochEnd?.({ epoch: epoch + 1, meanLoss, rank, checkpoint });
    }
    return { status, epochLosses, checkpoint: await snapshot(), stepLosses };
  } finally {
    byol.dispose();
  }
}

/** Effective ranks of the rows kept over an epoch's last steps (null when none were: resumed mid-way, workers). */
function rankOf(rep: Float32Array[], proj: Float32Array[], rows: number): EpochRank | null {
  if (rows < 2) return null;
  const pack = (parts: Float32Array[]) => {
    const all = new Float32Array(parts.reduce((a, x) => a + x.length, 0));
    let at = 0;
    for (const x of parts) { all.set(x, at); at += x.length; }
    return all;
  };
  const r = pack(rep), p = pack(proj);
  return {
    representation: spreadOf(r, rows, r.length / rows).effectiveRank,
    projection: spreadOf(p, rows, p.length / rows).effectiveRank,
    rows,
  };
}
