// Pooling layers: global average (the embedding is the pooled encoder output) and max pooling (ResNet stem).
import * as tf from '@tensorflow/tfjs-core';
import { Layer } from './layer.ts';

export class GlobalAveragePool extends Layer {
  get className(): string {
    return 'GlobalAveragePool';
  }

  call(x: tf.Tensor): tf.Tensor {
    return tf.mean(x, [1, 2]);
  }

  computeOutputShape(s: number[]): number[] {
    return [s[0]!, s[3]!];
  }
}

/**
 * Mean over the columns only, keeping the rows: on (radius, azimuth) input the pooled features are
 * exactly unchanged by a shift in azimuth (a rotation on the sky) yet keep at which radius they
 * are (a ring at half the disk's radius is not one at its edge). Output: rows x channels values.
 */
export class AzimuthalPool extends Layer {
  get className(): string {
    return 'AzimuthalPool';
  }

  call(x: tf.Tensor): tf.Tensor {
    const [b, h, , c] = x.shape as [number, number, number, number];
    return tf.reshape(tf.mean(x, 2), [b, h * c]);
  }

  computeOutputShape(s: number[]): number[] {
    return [s[0]!, s[1]! * s[3]!];
  }
}

export interface MaxPoolArgs {
  name: string;
  poolSize: number;
  strides: number;
}

export class MaxPool extends Layer {
  readonly poolSize: number;
  readonly strides: number;

  constructor(args: MaxPoolArgs) {
    super(args.name);
    this.poolSize = args.poolSize;
    this.strides = args.strides;
  }

  get className(): string {
    return 'MaxPool';
  }

  call(x: tf.Tensor): tf.Tensor {
    return tf.maxPool(x as tf.Tensor4D, this.poolSize, this.strides, 'same');
  }

  computeOutputShape(s: number[]): number[] {
    return [s[0]!, Math.ceil(s[1]! / this.strides), Math.ceil(s[2]! / this.strides), s[3]!];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), poolSize: this.poolSize, strides: this.strides };
  }
}
