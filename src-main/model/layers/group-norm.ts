// Group normalisation (Wu & He 2018) over the channel axis of NHWC or [batch, features] tensors;
// groups = 1 on features is layer normalisation. Statistics are per sample, so the result does not
// depend on the batch: BYOL trains with the small batches a CPU affords, splitting a batch across
// workers gives exactly the full-batch gradient, and embedding needs no running averages.
import * as tf from '@tensorflow/tfjs-core';
import { Layer, constant } from './layer.ts';
import type { Rng } from '../rng.ts';

export interface GroupNormArgs {
  name: string;
  groups: number;
  epsilon?: number;
}

export class GroupNorm extends Layer {
  readonly groups: number;
  readonly epsilon: number;
  #gamma: tf.Variable | undefined;
  #beta: tf.Variable | undefined;

  constructor(args: GroupNormArgs) {
    super(args.name);
    this.groups = args.groups;
    this.epsilon = args.epsilon ?? 1e-5;
  }

  get className(): string {
    return 'GroupNorm';
  }

  override build(inputShape: number[], rng: Rng): void {
    const c = inputShape[inputShape.length - 1]!;
    if (c % this.groups !== 0) throw new Error(`GroupNorm ${this.name}: ${c} channels do not split into ${this.groups} groups`);
    this.#gamma = this.addWeight('gamma', [c], constant(1), false);
    this.#beta = this.addWeight('beta', [c], constant(0), false);
    super.build(inputShape, rng);
  }

  call(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const s = x.shape;
      const c = s[s.length - 1]!;
      const g = this.groups;
      // [N, ...spatial, G, C/G]: statistics over every axis but N and G.
      const grouped = tf.reshape(x, [s[0]!, ...s.slice(1, -1), g, c / g]);
      const axes = [...Array(grouped.rank).keys()].filter((a) => a !== 0 && a !== grouped.rank - 2);
      const { mean, variance } = tf.moments(grouped, axes, true);
      const normed = tf.mul(tf.sub(grouped, mean), tf.rsqrt(tf.add(variance, this.epsilon)));
      return tf.add(tf.mul(tf.reshape(normed, s), this.#gamma!), this.#beta!);
    });
  }

  computeOutputShape(s: number[]): number[] {
    return s;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), groups: this.groups, epsilon: this.epsilon };
  }
}

/** Groups for c channels: 32 as in the paper, fewer when the layer is narrow (at least 4 channels a group where possible). */
export function groupsFor(c: number): number {
  let g = Math.min(32, Math.max(1, Math.floor(c / 4)));
  while (c % g !== 0) g--;
  return g;
}
