// BYOL's projector and predictor: Linear, normalisation, ReLU, Linear (Grill et al. 2020 use batch
// norm here; we use layer norm for the same batch-independence reason as GroupNorm in the encoders).
import * as tf from '@tensorflow/tfjs-core';
import { CompositeLayer, type Layer } from './layer.ts';
import { Dense } from './dense.ts';
import { GroupNorm } from './group-norm.ts';
import type { Rng } from '../rng.ts';

export interface ProjectionHeadArgs {
  name: string;
  hiddenSize: number;
  outputSize: number;
}

export class ProjectionHead extends CompositeLayer {
  readonly hidden: Dense;
  readonly norm: GroupNorm;
  readonly output: Dense;

  constructor(args: ProjectionHeadArgs) {
    super(args.name);
    this.hidden = new Dense({ name: 'hidden', units: args.hiddenSize });
    this.norm = new GroupNorm({ name: 'norm', groups: 1 });
    this.output = new Dense({ name: 'output', units: args.outputSize });
  }

  get className(): string {
    return 'ProjectionHead';
  }

  protected sublayers(): Layer[] {
    return [this.hidden, this.norm, this.output];
  }

  override build(inputShape: number[], rng: Rng): void {
    this.hidden.build(inputShape, rng);
    const h = this.hidden.computeOutputShape(inputShape);
    this.norm.build(h, rng);
    this.output.build(h, rng);
    super.build(inputShape, rng);
  }

  call(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.output.call(tf.relu(this.norm.call(this.hidden.call(x)))));
  }

  computeOutputShape(s: number[]): number[] {
    return this.output.computeOutputShape(s);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), hiddenSize: this.hidden.units, outputSize: this.output.units };
  }
}
