// ResNet basic block (He et al. 2016): two 3x3 convolutions and an identity (or strided 1x1
// projection) shortcut, ReLU after the sum.
import * as tf from '@tensorflow/tfjs-core';
import { CompositeLayer, type Layer } from './layer.ts';
import { ConvBlock } from './conv-block.ts';
import type { Rng } from '../../base/random.ts';

export interface ResidualBlockArgs {
  name: string;
  filters: number;
  strides?: number;
}

export class ResidualBlock extends CompositeLayer {
  readonly filters: number;
  readonly strides: number;
  readonly conv1: ConvBlock;
  readonly conv2: ConvBlock;
  shortcut: ConvBlock | undefined;

  constructor(args: ResidualBlockArgs) {
    super(args.name);
    this.filters = args.filters;
    this.strides = args.strides ?? 1;
    this.conv1 = new ConvBlock({ name: 'conv1', filters: this.filters, kernelSize: 3, strides: this.strides });
    this.conv2 = new ConvBlock({ name: 'conv2', filters: this.filters, kernelSize: 3, relu: false });
  }

  get className(): string {
    return 'ResidualBlock';
  }

  protected sublayers(): Layer[] {
    return this.shortcut ? [this.conv1, this.conv2, this.shortcut] : [this.conv1, this.conv2];
  }

  override build(inputShape: number[], rng: Rng): void {
    this.conv1.build(inputShape, rng);
    this.conv2.build(this.conv1.computeOutputShape(inputShape), rng);
    if (this.strides !== 1 || inputShape[3] !== this.filters) {
      this.shortcut = new ConvBlock({ name: 'shortcut', filters: this.filters, kernelSize: 1, strides: this.strides, relu: false });
      this.shortcut.build(inputShape, rng);
    }
    super.build(inputShape, rng);
  }

  call(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const y = this.conv2.call(this.conv1.call(x));
      return tf.relu(tf.add(y, this.shortcut ? this.shortcut.call(x) : x));
    });
  }

  computeOutputShape(s: number[]): number[] {
    return this.conv1.computeOutputShape(s);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), filters: this.filters, strides: this.strides };
  }
}
