// 2-D convolution, NHWC, kernel [k, k, in, out]. No bias by default: every convolution here is
// followed by a normalisation whose offset makes a bias redundant.
import * as tf from '@tensorflow/tfjs-core';
import { Layer, heNormal, constant } from './layer.ts';
import type { Rng } from '../../base/random.ts';

export interface Conv2DArgs {
  name: string;
  filters: number;
  kernelSize: number;
  strides?: number;
  padding?: 'same' | 'valid';
  useBias?: boolean;
}

export class Conv2D extends Layer {
  readonly filters: number;
  readonly kernelSize: number;
  readonly strides: number;
  readonly padding: 'same' | 'valid';
  readonly useBias: boolean;
  #kernel: tf.Variable | undefined;
  #bias: tf.Variable | undefined;

  constructor(args: Conv2DArgs) {
    super(args.name);
    if (!(args.filters >= 1 && args.kernelSize >= 1)) throw new Error(`Conv2D ${args.name}: filters and kernelSize must be >= 1`);
    this.filters = args.filters;
    this.kernelSize = args.kernelSize;
    this.strides = args.strides ?? 1;
    this.padding = args.padding ?? 'same';
    this.useBias = args.useBias ?? false;
  }

  get className(): string {
    return 'Conv2D';
  }

  override build(inputShape: number[], rng: Rng): void {
    const inC = inputShape[3]!;
    const k = this.kernelSize;
    this.#kernel = this.addWeight('kernel', [k, k, inC, this.filters], heNormal(rng, k * k * inC), true);
    if (this.useBias) this.#bias = this.addWeight('bias', [this.filters], constant(0), false);
    super.build(inputShape, rng);
  }

  call(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const y = tf.conv2d(x as tf.Tensor4D, this.#kernel as tf.Tensor4D, this.strides, this.padding);
      return this.#bias ? tf.add(y, this.#bias) : y;
    });
  }

  computeOutputShape(s: number[]): number[] {
    const out = (n: number) => (this.padding === 'same' ? Math.ceil(n / this.strides) : Math.ceil((n - this.kernelSize + 1) / this.strides));
    return [s[0]!, out(s[1]!), out(s[2]!), this.filters];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), filters: this.filters, kernelSize: this.kernelSize, strides: this.strides, padding: this.padding, useBias: this.useBias };
  }
}
