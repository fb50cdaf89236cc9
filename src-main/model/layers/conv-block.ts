// Convolution, group normalisation, optional ReLU: the unit every encoder here is made of.
import * as tf from '@tensorflow/tfjs-core';
import { CompositeLayer, type Layer } from './layer.ts';
import { Conv2D } from './conv2d.ts';
import { GroupNorm, groupsFor } from './group-norm.ts';
import type { Rng } from '../../base/random.ts';

export interface ConvBlockArgs {
  name: string;
  filters: number;
  kernelSize: number;
  strides?: number;
  relu?: boolean;
}

export class ConvBlock extends CompositeLayer {
  readonly conv: Conv2D;
  readonly norm: GroupNorm;
  readonly relu: boolean;

  constructor(args: ConvBlockArgs) {
    super(args.name);
    this.conv = new Conv2D({ name: 'conv', filters: args.filters, kernelSize: args.kernelSize, strides: args.strides ?? 1, padding: 'same' });
    this.norm = new GroupNorm({ name: 'norm', groups: groupsFor(args.filters) });
    this.relu = args.relu ?? true;
  }

  get className(): string {
    return 'ConvBlock';
  }

  protected sublayers(): Layer[] {
    return [this.conv, this.norm];
  }

  override build(inputShape: number[], rng: Rng): void {
    this.conv.build(inputShape, rng);
    this.norm.build(this.conv.computeOutputShape(inputShape), rng);
    super.build(inputShape, rng);
  }

  call(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.norm.call(this.conv.call(x), this.relu));
  }

  computeOutputShape(s: number[]): number[] {
    return this.conv.computeOutputShape(s);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), filters: this.conv.filters, kernelSize: this.conv.kernelSize, strides: this.conv.strides, relu: this.relu };
  }
}
