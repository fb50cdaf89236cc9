// AdamW (Loshchilov & Hutter 2019): Adam with weight decay decoupled from the gradient step.
// tfjs has Adam but no AdamW, and its optimisers cannot exempt biases and norms from decay.
import * as tf from '@tensorflow/tfjs-core';
import type { NamedWeight } from './layers/layer.ts';
import { adamwKernel, hasWeightUpdateKernels } from './kernels/weight-updates.ts';

export interface AdamWOptions {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  weightDecay: number;
}

export interface AdamWState {
  step: number;
  /** First and second moments, in the order of the weights given to the constructor. */
  m: Float32Array[];
  v: Float32Array[];
}

export class AdamW {
  readonly weights: NamedWeight[];
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly weightDecay: number;
  /** Number of updates applied so far. */
  step = 0;
  #m: tf.Variable[];
  #v: tf.Variable[];

  constructor(weights: NamedWeight[], opts: AdamWOptions) {
    this.weights = weights;
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.epsilon = opts.epsilon ?? 1e-8;
    this.weightDecay = opts.weightDecay;
    this.#m = weights.map((w) => tf.variable(tf.zerosLike(w.variable), false));
    this.#v = weights.map((w) => tf.variable(tf.zerosLike(w.variable), false));
  }

  /** Applies one update with these gradients (same order as the weights) at this learning rate. */
  apply(grads: tf.Tensor[], learningRate: number): void {
    this.step += 1;
    const t = this.step;
    const c1 = 1 - this.beta1 ** t;
    const c2 = 1 - this.beta2 ** t;
    if (hasWeightUpdateKernels()) {
      // One fused pass per weight (kernels/weight-updates.ts).
      tf.tidy(() => {
        for (let i = 0; i < this.weights.length; i++) {
          const w = this.weights[i]!;
          const keep = w.decay && this.weightDecay > 0 ? 1 - learningRate * this.weightDecay : 1;
          const attrs = { beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, step: learningRate / c1, ic2: 1 / c2, keep };
          const [nw, nm, nv] = adamwKernel(w.variable, grads[i]!, this.#m[i]!, this.#v[i]!, attrs);
          this.#m[i]!.assign(nm);
          this.#v[i]!.assign(nv);
          w.variable.assign(nw);
        }
      });
      return;
    }
    tf.tidy(() => {
      for (let i = 0; i < this.weights.length; i++) {
        const w = this.weights[i]!;
        const g = grads[i]!;
        const m = tf.add(tf.mul(this.#m[i]!, this.beta1), tf.mul(g, 1 - this.beta1));
        const v = tf.add(tf.mul(this.#v[i]!, this.beta2), tf.mul(tf.square(g), 1 - this.beta2));
        this.#m[i]!.assign(m);
        this.#v[i]!.assign(v);
        const update = tf.div(tf.div(m, c1), tf.add(tf.sqrt(tf.div(v, c2)), this.epsilon));
        let next = tf.sub(w.variable, tf.mul(update, learningRate));
        if (w.decay && this.weightDecay > 0) next = tf.sub(next, tf.mul(w.variable, learningRate * this.weightDecay));
        w.variable.assign(next);
      }
    });
  }

  getState(): AdamWState {
    return { step: this.step, m: this.#m.map((t) => t.dataSync() as Float32Array), v: this.#v.map((t) => t.dataSync() as Float32Array) };
  }

  /** getState read asynchronously (any backend, webgpu included). */
  async getStateAsync(): Promise<AdamWState> {
    const read = (ts: tf.Variable[]) => Promise.all(ts.map(async (t) => (await t.data()) as Float32Array));
    return { step: this.step, m: await read(this.#m), v: await read(this.#v) };
  }

  setState(s: AdamWState): void {
    if (s.m.length !== this.#m.length || s.v.length !== this.#v.length) throw new Error(`optimiser state has ${s.m.length} moments for ${this.#m.length} weights`);
    this.step = s.step;
    tf.tidy(() => {
      this.#m.forEach((t, i) => t.assign(tf.tensor(s.m[i]!, t.shape)));
      this.#v.forEach((t, i) => t.assign(tf.tensor(s.v[i]!, t.shape)));
    });
  }

  dispose(): void {
    for (const t of [...this.#m, ...this.#v]) t.dispose();
  }
}
