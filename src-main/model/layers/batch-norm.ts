// Batch normalisation (Ioffe & Szegedy 2015) of [batch, features] over the batch, for BYOL's
// projector and predictor: Grill et al. 2020 use it there, and without it (layer norm instead) BYOL
// collapsed on our synthetic disks (bench/quality.ts). Always batch statistics: the heads only run
// in training (embeddings are the encoder's pooled output), so no running averages are kept.
import * as tf from '@tensorflow/tfjs-core';
import { Layer, constant } from './layer.ts';
import type { Rng } from '../../base/random.ts';

export interface BatchNormArgs {
  name: string;
  epsilon?: number;
}

export class BatchNorm extends Layer {
  readonly epsilon: number;
  #gamma: tf.Variable | undefined;
  #beta: tf.Variable | undefined;

  constructor(args: BatchNormArgs) {
    super(args.name);
    this.epsilon = args.epsilon ?? 1e-5;
  }

  get className(): string {
    return 'BatchNorm';
  }

  override build(inputShape: number[], rng: Rng): void {
    const c = inputShape[inputShape.length - 1]!;
    this.#gamma = this.addWeight('gamma', [c], constant(1), false);
    this.#beta = this.addWeight('beta', [c], constant(0), false);
    super.build(inputShape, rng);
  }

  call(x: tf.Tensor): tf.Tensor {
    return batchNorm(x as tf.Tensor2D, this.#gamma!, this.#beta!, this.epsilon);
  }

  computeOutputShape(s: number[]): number[] {
    return s;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), epsilon: this.epsilon };
  }
}

/**
 * y = gamma * (x - mean) / sqrt(var + eps) + beta, statistics per feature over the batch (biased
 * variance, as in training mode), with the gradient written out as in groupNorm (same kernels, all
 * of which have wasm gradients):  dx = inv * (g - mean(g) - xhat * mean(g * xhat)),  g = dy * gamma.
 */
export function batchNorm(x: tf.Tensor2D, gamma: tf.Tensor, beta: tf.Tensor, epsilon: number): tf.Tensor2D {
  const f = tf.customGrad(((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [xi, g, b, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const { mean, variance } = tf.moments(xi, 0, true);
    const inv = tf.rsqrt(tf.add(variance, epsilon));
    const xhat = tf.mul(tf.sub(xi, mean), inv);
    save([xhat, inv, g]);
    return {
      value: tf.add(tf.mul(xhat, g), b),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xh, iv, gm] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
        const dGamma = tf.sum(tf.mul(dy, xh), 0);
        const dBeta = tf.sum(dy, 0);
        const gy = tf.mul(dy, gm);
        const m1 = tf.mean(gy, 0, true);
        const m2 = tf.mean(tf.mul(gy, xh), 0, true);
        const dx = tf.mul(tf.sub(tf.sub(gy, m1), tf.mul(xh, m2)), iv);
        return [dx, dGamma, dBeta];
      },
    };
  }) as Parameters<typeof tf.customGrad>[0]);
  return f(x, gamma, beta) as tf.Tensor2D;
}
