// Data-parallel gradients (filled in below in step 8).
import type * as tf from '@tensorflow/tfjs-core';
import type { Byol } from './byol.ts';
import type { ViewBatch } from './training-loop.ts';

export interface GradientPool {
  gradients(byol: Byol, batch: ViewBatch): Promise<{ loss: number; grads: tf.Tensor[] }>;
  close(): Promise<void>;
}
