// BYOL's projector and predictor: Linear, normalisation, ReLU, Linear. Batch norm by default, as
// Grill et al. 2020: with layer norm BYOL collapsed on our synthetic disks (bench/quality.ts; a
// PyTorch cross-check agreed). Layer norm stays as an option: it is batch-independent, so split
// batches (gradient_workers > 1) give exactly the full-batch gradient.
import * as tf from '@tensorflow/tfjs-core';
import { CompositeLayer, type Layer } from './layer.ts';
import { Dense } from './dense.ts';
import { GroupNorm } from './group-norm.ts';
import { BatchNorm } from './batch-norm.ts';
import type { Rng } from '../../base/random.ts';

export interface ProjectionHeadArgs {
  name: string;
  hiddenSize: number;
  outputSize: number;
  /** 'batch' (default) or 'layer'. */
  norm?: HeadNorm;
}

export type HeadNorm = 'batch' | 'layer';

export class ProjectionHead extends CompositeLayer {
  readonly hidden: Dense;
  readonly norm: BatchNorm | GroupNorm;
  readonly normKind: HeadNorm;
  readonly output: Dense;

  constructor(args: ProjectionHeadArgs) {
    super(args.name);
    this.hidden = new Dense({ name: 'hidden', units: args.hiddenSize });
    this.normKind = args.norm ?? 'batch';
    // Both keep weights norm/gamma and norm/beta, so checkpoints of either kind have the same names.
    this.norm = this.normKind === 'batch' ? new BatchNorm({ name: 'norm' }) : new GroupNorm({ name: 'norm', groups: 1 });
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
    return { ...super.getConfig(), hiddenSize: this.hidden.units, outputSize: this.output.units, norm: this.normKind };
  }
}
