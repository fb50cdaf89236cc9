// BYOL (Grill et al. 2020): an online network (encoder, projector, predictor) learns to predict the
// target network's projection of another augmented view of the same image; the target (encoder,
// projector) is an exponential moving average of the online one. Loss per pair is 2 - 2 cos, summed
// over both view orders (as byol-pytorch, which astromorph uses).
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../base/random.ts';
import { buildEncoder, type EncoderConfig } from './encoders.ts';
import { ProjectionHead } from './layers/projection-head.ts';
import type { Sequential } from './layers/sequential.ts';
import type { NamedWeight } from './layers/layer.ts';
import { AdamW } from './adamw.ts';
import { hasWeightUpdateKernels, lerpKernel } from './kernels/weight-updates.ts';
import { CheckpointError } from './errors.ts';
import { learningRateAt, emaDecayAt } from './schedules.ts';
import { representationSize, type TrainingSettings } from './settings.ts';

export type ByolConfig = Pick<
  TrainingSettings,
  | 'encoder' | 'width' | 'depth' | 'representation_size' | 'projection_size' | 'projection_hidden_size'
  | 'moving_average_decay' | 'learning_rate' | 'weight_decay' | 'image_size' | 'channels' | 'seed'
> & Partial<Pick<TrainingSettings, 'head_norm'>>;

export interface ByolSchedule {
  totalSteps: number;
  warmupSteps: number;
}

interface Branch {
  encoder: Sequential;
  projector: ProjectionHead;
}

function buildBranch(config: ByolConfig, rng: Rng): Branch {
  const rep = representationSize(config as TrainingSettings);
  const encoder = buildEncoder(config as EncoderConfig);
  encoder.build([-1, config.image_size, config.image_size, config.channels], rng);
  const projector = new ProjectionHead({ name: 'projector', hiddenSize: config.projection_hidden_size, outputSize: config.projection_size, norm: config.head_norm });
  projector.build([-1, rep], rng);
  return { encoder, projector };
}

function prefixed(prefix: string, layer: { weights(): NamedWeight[] }): NamedWeight[] {
  return layer.weights().map((w) => ({ ...w, path: `${prefix}/${w.path}` }));
}

/**
 * A head on the rows [2B, F] of both views, each view's B rows a batch of its own: batch-norm
 * statistics are per view, as in BYOL where each view's batch goes through the network separately.
 */
function perView(head: ProjectionHead, x: tf.Tensor, b: number): tf.Tensor2D {
  return tf.concat([head.call(tf.slice(x, [0, 0], [b, -1])), head.call(tf.slice(x, [b, 0], [b, -1]))], 0) as tf.Tensor2D;
}

/** Cosine-similarity loss 2 - 2 cos(p, z), averaged over the rows. */
function regressionLoss(p: tf.Tensor2D, z: tf.Tensor2D): tf.Scalar {
  const unit = (t: tf.Tensor2D) => tf.div(t, tf.sqrt(tf.maximum(tf.sum(tf.square(t), 1, true), 1e-12)));
  return tf.mean(tf.sub(2, tf.mul(2, tf.sum(tf.mul(unit(p), unit(z)), 1)))) as tf.Scalar;
}

type Tracked = { representation: tf.Tensor2D; projection: tf.Tensor2D };

export class Byol {
  readonly config: ByolConfig;
  readonly schedule: ByolSchedule;
  readonly online: Branch & { predictor: ProjectionHead };
  readonly target: Branch;
  readonly optimizer: AdamW;
  readonly representationSize: number;

  constructor(config: ByolConfig, schedule: ByolSchedule) {
    this.config = config;
    this.schedule = schedule;
    const rng = new Rng(config.seed);
    const online = buildBranch(config, rng);
    const predictor = new ProjectionHead({ name: 'predictor', hiddenSize: config.projection_hidden_size, outputSize: config.projection_size, norm: config.head_norm });
    predictor.build([-1, config.projection_size], rng);
    this.online = { ...online, predictor };
    // The target starts as a copy of the online network.
    this.target = buildBranch(config, new Rng(config.seed));
    const tw = this.targetWeights();
    const ow = this.onlineWeights();
    tw.forEach((w, i) => w.variable.assign(ow[i]!.variable));
    this.optimizer = new AdamW(this.trainableWeights(), { weightDecay: config.weight_decay });
    this.representationSize = representationSize(config as TrainingSettings);
  }

  /** Online encoder + projector, in the order that matches targetWeights(). */
  onlineWeights(): NamedWeight[] {
    return [...prefixed('online/encoder', this.online.encoder), ...prefixed('online/projector', this.online.projector)];
  }

  targetWeights(): NamedWeight[] {
    return [...prefixed('target/encoder', this.target.encoder), ...prefixed('target/projector', this.target.projector)];
  }

  /** Everything the optimiser updates. */
  trainableWeights(): NamedWeight[] {
    return [...this.onlineWeights(), ...prefixed('online/predictor', this.online.predictor)];
  }

  /** Every weight of the model (online and target), for checkpoints. */
  allWeights(): NamedWeight[] {
    return [...this.trainableWeights(), ...this.targetWeights()];
  }

  /**
   * Loss and gradients (in trainableWeights() order) for views [B, S, S, C]. The caller owns the
   * returned tensors. Gradients are of the batch-mean loss; with head_norm 'layer' equal halves
   * average to the whole, with 'batch' (default) only approximately, as each half has its own statistics.
   */
  gradients(view1: tf.Tensor4D, view2: tf.Tensor4D, track = false): { loss: tf.Scalar; grads: tf.Tensor[]; tracked?: Tracked } {
    return tf.tidy(() => {
      const b = view1.shape[0];
      const both = tf.concat([view1, view2], 0);
      // Target projections of the other view: rows of view 2 first, then view 1.
      const representation = this.target.encoder.call(both);
      const t = perView(this.target.projector, representation, b);
      const swapped = tf.concat([tf.slice(t, [b, 0], [b, -1]), tf.slice(t, [0, 0], [b, -1])], 0);
      const vars = this.trainableWeights().map((w) => w.variable);
      const { value, grads } = tf.variableGrads(() => {
        // The encoders (group norm) see both views as one batch; the heads (batch norm) one view at a time.
        const z = perView(this.online.projector, this.online.encoder.call(both), b);
        const p = perView(this.online.predictor, z, b);
        // mean over 2B rows times 2 = loss(view1 -> view2) + loss(view2 -> view1)
        return tf.mul(regressionLoss(p, swapped), 2) as tf.Scalar;
      }, vars);
      const out = { loss: value, grads: vars.map((v) => grads[v.name]!) };
      // The target's representation and projection of view 1 come free with the step: enough to
      // watch the embedding's effective rank during training (collapse shows there first).
      return track ? { ...out, tracked: { representation: tf.slice(representation, [0, 0], [b, -1]) as tf.Tensor2D, projection: tf.slice(t, [0, 0], [b, -1]) as tf.Tensor2D } } : out;
    });
  }

  /** One AdamW update with these gradients at the current step, then the EMA update of the target. */
  applyGradients(grads: tf.Tensor[]): void {
    const k = this.optimizer.step;
    const lr = learningRateAt(k, this.config.learning_rate, this.schedule.warmupSteps, this.schedule.totalSteps);
    this.optimizer.apply(grads, lr);
    this.updateTarget(emaDecayAt(k, this.config.moving_average_decay, this.schedule.totalSteps));
  }

  /** One training step; returns the loss (and, when tracked, view 1's target representation and projection rows). */
  trainStep(view1: tf.Tensor4D, view2: tf.Tensor4D): number;
  trainStep(view1: tf.Tensor4D, view2: tf.Tensor4D, track: true): { loss: number; representation: Float32Array; projection: Float32Array };
  trainStep(view1: tf.Tensor4D, view2: tf.Tensor4D, track = false): number | { loss: number; representation: Float32Array; projection: Float32Array } {
    const { loss, grads, tracked } = this.gradients(view1, view2, track);
    try {
      this.applyGradients(grads);
      const value = loss.dataSync()[0]!;
      if (!tracked) return value;
      return { loss: value, representation: tracked.representation.dataSync() as Float32Array, projection: tracked.projection.dataSync() as Float32Array };
    } finally {
      loss.dispose();
      tf.dispose(grads);
      if (tracked) tf.dispose([tracked.representation, tracked.projection]);
    }
  }

  /**
   * trainStep reading the results asynchronously: the webgpu backend has no synchronous read in
   * Node (tfjs-backend-webgpu reads synchronously through an OffscreenCanvas), and on the others it
   * costs nothing more.
   */
  async trainStepAsync(view1: tf.Tensor4D, view2: tf.Tensor4D, track = false): Promise<{ loss: number; representation?: Float32Array; projection?: Float32Array }> {
    const { loss, grads, tracked } = this.gradients(view1, view2, track);
    try {
      this.applyGradients(grads);
      const value = (await loss.data())[0]!;
      if (!tracked) return { loss: value };
      return { loss: value, representation: (await tracked.representation.data()) as Float32Array, projection: (await tracked.projection.data()) as Float32Array };
    } finally {
      loss.dispose();
      tf.dispose(grads);
      if (tracked) tf.dispose([tracked.representation, tracked.projection]);
    }
  }

  updateTarget(tau: number): void {
    const ow = this.onlineWeights();
    const fused = hasWeightUpdateKernels();
    tf.tidy(() => {
      this.targetWeights().forEach((w, i) => {
        w.variable.assign(fused ? lerpKernel(w.variable, ow[i]!.variable, tau) : tf.add(tf.mul(w.variable, tau), tf.mul(ow[i]!.variable, 1 - tau)));
      });
    });
  }

  /** Embeddings (pooled online encoder output) of images [B, S, S, C]. */
  embed(images: tf.Tensor4D): tf.Tensor2D {
    return this.online.encoder.call(images) as tf.Tensor2D;
  }

  /** Every weight and the optimiser moments, by name, for a checkpoint. */
  stateTensors(): Map<string, { shape: number[]; values: Float32Array }> {
    const out = new Map<string, { shape: number[]; values: Float32Array }>();
    for (const w of this.allWeights()) out.set(w.path, { shape: w.variable.shape, values: w.variable.dataSync() as Float32Array });
    const opt = this.optimizer.getState();
    this.optimizer.weights.forEach((w, i) => {
      out.set(`optimizer/m/${w.path}`, { shape: w.variable.shape, values: opt.m[i]! });
      out.set(`optimizer/v/${w.path}`, { shape: w.variable.shape, values: opt.v[i]! });
    });
    return out;
  }

  /** stateTensors read asynchronously (any backend, webgpu included). */
  async stateTensorsAsync(): Promise<Map<string, { shape: number[]; values: Float32Array }>> {
    const out = new Map<string, { shape: number[]; values: Float32Array }>();
    for (const w of this.allWeights()) out.set(w.path, { shape: w.variable.shape, values: (await w.variable.data()) as Float32Array });
    const opt = await this.optimizer.getStateAsync();
    this.optimizer.weights.forEach((w, i) => {
      out.set(`optimizer/m/${w.path}`, { shape: w.variable.shape, values: opt.m[i]! });
      out.set(`optimizer/v/${w.path}`, { shape: w.variable.shape, values: opt.v[i]! });
    });
    return out;
  }

  /** Restores weights (and the optimiser, when its moments are present) from named tensors. */
  loadStateTensors(tensors: Map<string, Float32Array>, optimizerStep?: number, source = 'checkpoint'): void {
    const take = (path: string, size: number) => {
      const v = tensors.get(path);
      if (v == null) throw new CheckpointError(`${source}: no tensor ${path}`);
      if (v.length !== size) throw new CheckpointError(`${source}: tensor ${path} has ${v.length} values, the model expects ${size}`);
      return v;
    };
    tf.tidy(() => {
      for (const w of this.allWeights()) w.variable.assign(tf.tensor(take(w.path, w.variable.size), w.variable.shape));
    });
    if (optimizerStep != null) {
      const ws = this.optimizer.weights;
      this.optimizer.setState({
        step: optimizerStep,
        m: ws.map((w) => take(`optimizer/m/${w.path}`, w.variable.size)),
        v: ws.map((w) => take(`optimizer/v/${w.path}`, w.variable.size)),
      });
    }
  }

  dispose(): void {
    for (const w of this.allWeights()) w.variable.dispose();
    this.optimizer.dispose();
  }
}

export function createByol(config: ByolConfig, schedule: ByolSchedule = { totalSteps: 1000, warmupSteps: 0 }): Byol {
  return new Byol(config, schedule);
}
