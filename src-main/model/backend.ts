// Which tfjs backend computes. Native TensorFlow (GPU, then CPU) when the optional bindings are
// installed, else WebAssembly (XNNPACK, SIMD), else the pure-JS cpu backend (slow: warned).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmConvGradients } from './kernels/conv-gradients.ts';
import { registerWasmBatchMatMul } from './kernels/batch-matmul.ts';
import { registerGroupNormKernels } from './kernels/group-norm.ts';
import { registerWasmMaxPoolGrad } from './kernels/max-pool-grad.ts';
import { registerWeightUpdateKernels } from './kernels/weight-updates.ts';
import { registerWasmIdentity } from './kernels/identity.ts';
import { registerWasmConv2D } from './kernels/conv-forward.ts';
import { ModelError } from './errors.ts';
import { registerGradients } from './gradients.ts';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';
export const BACKEND_ORDER: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu'];

let nativeTried = false;

/** Loads @tensorflow/tfjs-node-gpu or @tensorflow/tfjs-node if present; both register 'tensorflow'. */
async function loadNative(): Promise<boolean> {
  if (!nativeTried) {
    nativeTried = true;
    for (const name of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
      try {
        await import(name);
        break;
      } catch {
        // optional dependency absent or its native library failed to load: try the next one
      }
    }
  }
  return tf.findBackendFactory('tensorflow') != null;
}

async function trySet(name: BackendName): Promise<boolean> {
  if (name === 'tensorflow' && !(await loadNative())) return false;
  if (tf.findBackendFactory(name) == null) return false;
  try {
    const ok = await tf.setBackend(name);
    if (ok) await tf.ready();
    return ok;
  } catch {
    return false;
  }
}

/**
 * Selects the backend (forced, or the first that initialises in BACKEND_ORDER) and returns its name.
 * A forced backend that cannot start is an error, not a silent fallback.
 */
export async function selectBackend(forced?: string, warn: (message: string) => void = (m) => console.warn(m)): Promise<BackendName> {
  await registerGradients();
  // Production mode skips debug checks; it also silences tfjs's 'install tfjs-node' banner (we warn ourselves).
  tf.env().set('PROD', true);
  if (forced != null && forced !== '' && forced !== 'auto') {
    if (!(BACKEND_ORDER as readonly string[]).includes(forced)) {
      throw new ModelError(`unknown backend '${forced}' (expected one of ${BACKEND_ORDER.join(', ')}, or auto)`);
    }
    if (!(await trySet(forced as BackendName))) throw new ModelError(`backend '${forced}' is not available here`);
  } else {
    let chosen: BackendName | undefined;
    for (const name of BACKEND_ORDER) {
      if (await trySet(name)) {
        chosen = name;
        break;
      }
    }
    if (chosen == null) throw new ModelError('no tfjs backend could be initialised');
  }
  const name = tf.getBackend() as BackendName;
  if (name === 'wasm') {
    registerWasmConvGradients();
    registerWasmBatchMatMul();
    registerWasmMaxPoolGrad();
    registerWeightUpdateKernels();
    registerWasmIdentity();
    registerWasmConv2D();
  }
  registerGroupNormKernels(name);
  if (name === 'cpu') warn('astromorph: using the pure-JavaScript cpu backend; training will be slow (install @tensorflow/tfjs-node for speed)');
  return name;
}
