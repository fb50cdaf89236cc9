// The layer protocol, after tfjs-layers' Layer: construct with one typed args object, build() creates
// the weights once the input shape is known (drawn from a seeded Rng, so a seed fixes the network),
// call() computes. Weights are tf.Variables named by their path in the model ('stage1/block0/conv1/kernel')
// so model/serialization.ts can store and restore them by name.
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../base/random.ts';

export interface LayerConfig {
  className: string;
  config: Record<string, unknown>;
}

export interface NamedWeight {
  path: string;
  variable: tf.Variable;
  /** Weight decay applies (kernels); biases and normalisation scales/offsets are exempt. */
  decay: boolean;
}

export abstract class Layer {
  readonly name: string;
  protected built = false;
  protected own: NamedWeight[] = [];

  constructor(name: string) {
    this.name = name;
  }

  abstract get className(): string;

  /** Creates weights for an input of this shape (batch dimension included, may be -1). */
  build(_inputShape: number[], _rng: Rng): void {
    this.built = true;
  }

  abstract call(x: tf.Tensor): tf.Tensor;

  abstract computeOutputShape(inputShape: number[]): number[];

  /** Builds on first use, then calls. */
  apply(x: tf.Tensor, rng?: Rng): tf.Tensor {
    if (!this.built) {
      if (rng == null) throw new Error(`layer ${this.name} must be built with a seeded Rng before use`);
      this.build(x.shape, rng);
    }
    return this.call(x);
  }

  /** Weights of this layer and its sublayers, with paths relative to this layer. */
  weights(): NamedWeight[] {
    return this.own;
  }

  getConfig(): Record<string, unknown> {
    return { name: this.name };
  }

  toJSON(): LayerConfig {
    return { className: this.className, config: this.getConfig() };
  }

  dispose(): void {
    for (const w of this.weights()) w.variable.dispose();
  }

  protected addWeight(name: string, shape: number[], init: (n: number) => Float32Array, decay: boolean): tf.Variable {
    const n = shape.reduce((a, b) => a * b, 1);
    const variable = tf.variable(tf.tensor(init(n), shape, 'float32'), true);
    this.own.push({ path: name, variable, decay });
    return variable;
  }
}

/** A layer made of sublayers; weight paths get the sublayer's name as prefix. */
export abstract class CompositeLayer extends Layer {
  protected abstract sublayers(): Layer[];

  override weights(): NamedWeight[] {
    const out: NamedWeight[] = [...this.own];
    for (const l of this.sublayers()) {
      for (const w of l.weights()) out.push({ ...w, path: `${l.name}/${w.path}` });
    }
    return out;
  }
}

/** He (Kaiming) normal initialiser: std sqrt(2 / fanIn), the usual choice before ReLU. */
export function heNormal(rng: Rng, fanIn: number): (n: number) => Float32Array {
  const std = Math.sqrt(2 / fanIn);
  return (n) => {
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) a[i] = rng.normal() * std;
    return a;
  };
}

/** Uniform in [-1/sqrt(fanIn), 1/sqrt(fanIn)], PyTorch's default for linear layers. */
export function fanInUniform(rng: Rng, fanIn: number): (n: number) => Float32Array {
  const bound = 1 / Math.sqrt(fanIn);
  return (n) => {
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) a[i] = rng.uniform(-bound, bound);
    return a;
  };
}

export const constant = (value: number) => (n: number) => new Float32Array(n).fill(value);
