// Fully connected layer on [batch, features].
import * as tf from '@tensorflow/tfjs-core';
import { Layer, fanInUniform } from './layer.ts';
import type { Rng } from '../../base/random.ts';

export interface DenseArgs {
  name: string;
  units: number;
  useBias?: boolean;
}

export class Dense extends Layer {
  readonly units: number;
  readonly useBias: boolean;
  #kernel: tf.Variable | undefined;
  #bias: tf.Variable | undefined;

  constructor(args: DenseArgs) {
    super(args.name);
    if (!(args.units >= 1)) throw new Error(`Dense ${args.name}: units must be >= 1`);
    this.units = args.units;
    this.useBias = args.useBias ?? true;
  }

  get className(): string {
    return 'Dense';
  }

  override build(inputShape: number[], rng: Rng): void {
    const inF = inputShape[inputShape.length - 1]!;
    this.#kernel = this.addWeight('kernel', [inF, this.units], fanInUniform(rng, inF), true);
    if (this.useBias) this.#bias = this.addWeight('bias', [this.units], fanInUniform(rng, inF), false);
    super.build(inputShape, rng);
  }

  call(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const y = tf.matMul(x as tf.Tensor2D, this.#kernel as tf.Tensor2D);
      return this.#bias ? tf.add(y, this.#bias) : y;
    });
  }

  computeOutputShape(s: number[]): number[] {
    return [...s.slice(0, -1), this.units];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), units: this.units, useBias: this.useBias };
  }
}
