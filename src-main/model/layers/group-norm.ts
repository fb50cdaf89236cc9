// Group normalisation (Wu & He 2018) over the channel axis of NHWC or [batch, features] tensors;
// groups = 1 on features is layer normalisation. Statistics are per sample, so the result does not
// depend on the batch: BYOL trains with the small batches a CPU affords, splitting a batch across
// workers gives exactly the full-batch gradient, and embedding needs no running averages.
import * as tf from '@tensorflow/tfjs-core';
import { Layer, constant } from './layer.ts';
import type { Rng } from '../../base/random.ts';
import { groupNormGradKernel, groupNormKernel, hasGroupNormKernels } from '../kernels/group-norm.ts';

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

  /** Normalises x; with relu, max(0, result) in the same pass (and its gradient in the backward one). */
  call(x: tf.Tensor, relu = false): tf.Tensor {
    return groupNorm(x, this.#gamma!, this.#beta!, this.groups, this.epsilon, relu);
  }

  computeOutputShape(s: number[]): number[] {
    return s;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), groups: this.groups, epsilon: this.epsilon };
  }
}

/**
 * y = gamma * (x - mean) / sqrt(var + eps) + beta (then ReLU when asked), statistics per sample and
 * group. On wasm and cpu two JS passes over memory each way (kernels/group-norm.ts); elsewhere
 * (native TensorFlow) tf ops with the gradient written out.
 */
export function groupNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, groups: number, epsilon: number, relu = false): tf.Tensor {
  if (hasGroupNormKernels()) return groupNormInMemory(x, gamma, beta, groups, epsilon, relu);
  const y = groupNormOps(x, gamma, beta, groups, epsilon);
  return relu ? tf.relu(y) : y;
}

function groupNormInMemory(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, groups: number, epsilon: number, relu: boolean): tf.Tensor {
  const f = tf.customGrad(((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [xi, g, b, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const [y, stats] = groupNormKernel(xi, g, b, { groups, epsilon, relu });
    save(relu ? [xi, g, stats, y] : [xi, g, stats]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, gm, st, ys] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor | undefined];
        return groupNormGradKernel(dy, xs, ys, gm, st, groups);
      },
    };
  }) as Parameters<typeof tf.customGrad>[0]);
  return f(x, gamma, beta);
}

/**
 * The tf-ops form, with the gradient written out (about half the kernel calls of differentiating
 * the forward ops one by one):
 *   dx = inv * (g - mean(g) - xhat * mean(g * xhat)),  g = dy * gamma,  means over each group.
 */
export function groupNormOps(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, groups: number, epsilon: number): tf.Tensor {
  const s = x.shape;
  const c = s[s.length - 1]!;
  const groupedShape = [s[0]!, ...s.slice(1, -1), groups, c / groups];
  const axes = [...Array(groupedShape.length).keys()].filter((a) => a !== 0 && a !== groupedShape.length - 2);
  const channelAxes = [...Array(s.length - 1).keys()];
  const f = tf.customGrad(((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [xi, g, b, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const grouped = tf.reshape(xi, groupedShape);
    const { mean, variance } = tf.moments(grouped, axes, true);
    const inv = tf.rsqrt(tf.add(variance, epsilon));
    const xhat = tf.mul(tf.sub(grouped, mean), inv);
    save([xhat, inv, g]);
    return {
      value: tf.add(tf.mul(tf.reshape(xhat, s), g), b),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xh, iv, gm] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
        const xhFlat = tf.reshape(xh, s);
        const dGamma = tf.sum(tf.mul(dy, xhFlat), channelAxes);
        const dBeta = tf.sum(dy, channelAxes);
        const gy = tf.reshape(tf.mul(dy, gm), groupedShape);
        const m1 = tf.mean(gy, axes, true);
        const m2 = tf.mean(tf.mul(gy, xh), axes, true);
        const dx = tf.mul(tf.sub(tf.sub(gy, m1), tf.mul(xh, m2)), iv);
        return [tf.reshape(dx, s), dGamma, dBeta];
      },
    };
  }) as Parameters<typeof tf.customGrad>[0]);
  return f(x, gamma, beta);
}

/** Groups for c channels: 32 as in the paper, fewer when the layer is narrow (at least 4 channels a group where possible). */
export function groupsFor(c: number): number {
  let g = Math.min(32, Math.max(1, Math.floor(c / 4)));
  while (c % g !== 0) g--;
  return g;
}
