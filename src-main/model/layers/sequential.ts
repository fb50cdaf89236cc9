// A model is a layer: a stack of layers applied in order, itself usable as one layer.
import * as tf from '@tensorflow/tfjs-core';
import { CompositeLayer, type Layer } from './layer.ts';
import type { Rng } from '../../base/random.ts';

export class Sequential extends CompositeLayer {
  readonly layers: Layer[];

  constructor(name: string, layers: Layer[]) {
    super(name);
    const names = new Set<string>();
    for (const l of layers) {
      if (names.has(l.name)) throw new Error(`Sequential ${name}: two layers named ${l.name}`);
      names.add(l.name);
    }
    this.layers = layers;
  }

  get className(): string {
    return 'Sequential';
  }

  protected sublayers(): Layer[] {
    return this.layers;
  }

  override build(inputShape: number[], rng: Rng): void {
    let s = inputShape;
    for (const l of this.layers) {
      l.build(s, rng);
      s = l.computeOutputShape(s);
    }
    super.build(inputShape, rng);
  }

  call(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.layers.reduce((y, l) => l.call(y), x));
  }

  computeOutputShape(s: number[]): number[] {
    return this.layers.reduce((shape, l) => l.computeOutputShape(shape), s);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), layers: this.layers.map((l) => l.toJSON()) };
  }
}
