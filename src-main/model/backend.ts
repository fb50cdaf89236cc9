// Which tfjs backend computes. Native TensorFlow (GPU, then CPU) when the optional bindings are
// installed, else WebGPU on a real GPU (Dawn, webgpu/dawn.ts), else WebAssembly (XNNPACK, SIMD),
// else the pure-JS cpu backend (slow: warned). A software WebGPU adapter (SwiftShader, llvmpipe)
// is never chosen automatically, only when webgpu is forced.
//
// selectBackend returns the name the run records: the backend, and for webgpu its adapter,
// e.g. 'webgpu (google: SwiftShader driver 5.0.0, software)'. Such a name given back
// as the forced backend (a resumed run, embedding with a run's backend) means its backend.
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
import { registerWebGpuBackend, webGpuAdapter } from './webgpu/dawn.ts';
import { registerWebGpuKernels } from './webgpu/kernels.ts';
import { dawnInProcess, probeInChild } from './webgpu/child-node.ts';

export type BackendName = 'tensorflow' | 'webgpu' | 'wasm' | 'cpu';
export const BACKEND_ORDER: readonly BackendName[] = ['tensorflow', 'webgpu', 'wasm', 'cpu'];

/** The backend part of a recorded name: 'webgpu (…adapter…)' -> 'webgpu'. */
export function backendBase(name: string): string {
  return name.trim().split(/[\s(]/, 1)[0]!;
}

let lastReason: string | undefined;

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

/** Registers 'webgpu' when Dawn offers an adapter that may be used (a software one only when forced). */
async function prepareWebGpu(forced: boolean): Promise<string | undefined> {
  const probe = await webGpuAdapter(forced);
  if (!probe.ok) {
    lastReason = probe.reason;
    return undefined;
  }
  if (probe.state.summary.software && !forced) {
    lastReason = `only a software adapter (${probe.state.summary.label}); force it with --backend webgpu`;
    return undefined;
  }
  await registerWebGpuBackend(probe.state);
  return probe.state.summary.label;
}

let webGpuLabel: string | undefined;

async function trySet(name: BackendName, forced: boolean): Promise<boolean> {
  lastReason = undefined;
  if (name === 'tensorflow' && !(await loadNative())) return false;
  if (name === 'webgpu') {
    webGpuLabel = await prepareWebGpu(forced);
    if (webGpuLabel == null) return false;
  }
  if (tf.findBackendFactory(name) == null) return false;
  try {
    const ok = await tf.setBackend(name);
    if (ok) await tf.ready();
    return ok;
  } catch (e) {
    lastReason = (e as Error).message;
    return false;
  }
}

/**
 * Where Dawn cannot load in this process (Electron's main process: webgpu/child-node.ts), the
 * adapter a child Node process finds; training on webgpu then runs in such a child (train.ts).
 */
async function childWebGpu(forced: boolean): Promise<string | undefined> {
  const probe = await probeInChild(forced);
  if (!probe.ok) {
    lastReason = probe.reason;
    return undefined;
  }
  if (probe.summary.software && !forced) {
    lastReason = `only a software adapter (${probe.summary.label}); force it with --backend webgpu`;
    return undefined;
  }
  return probe.summary.label;
}

/**
 * Selects the backend (forced, or the first that initialises in BACKEND_ORDER) and returns its name.
 * A forced backend that cannot start is an error, not a silent fallback.
 *
 * Where Dawn cannot load here (dawnInProcess() false), webgpu is chosen on what a child Node process
 * finds, the name says so ('webgpu (…)': training goes to a child process), and this process
 * computes on the next backend of the order (warned).
 */
export async function selectBackend(forced?: string, warn: (message: string) => void = (m) => console.warn(m)): Promise<string> {
  await registerGradients();
  // Production mode skips debug checks; it also silences tfjs's 'install tfjs-node' banner (we warn ourselves).
  tf.env().set('PROD', true);
  const base = forced == null ? '' : backendBase(forced);
  const viaChild = !dawnInProcess();
  let childLabel: string | undefined;
  // A recorded name (a run's backend, given back on resume or embed) says where the run was trained.
  const unavailable = () => new ModelError(`backend '${base}' is not available here${lastReason != null ? `: ${lastReason}` : ''}`
    + (forced !== base ? ` (the run was trained on ${forced}; choose another backend with --backend)` : ''));
  if (base !== '' && base !== 'auto') {
    if (!(BACKEND_ORDER as readonly string[]).includes(base)) {
      throw new ModelError(`unknown backend '${forced}' (expected one of ${BACKEND_ORDER.join(', ')}, or auto)`);
    }
    if (base === 'webgpu' && viaChild) {
      childLabel = await childWebGpu(true);
      if (childLabel == null) throw unavailable();
      await selectInProcess(BACKEND_ORDER.slice(BACKEND_ORDER.indexOf('webgpu') + 1));
    } else if (!(await trySet(base as BackendName, true))) {
      throw unavailable();
    }
  } else {
    let chosen = false;
    for (const name of BACKEND_ORDER) {
      if (name === 'webgpu' && viaChild) {
        childLabel = await childWebGpu(false);
        if (childLabel == null) continue;
        await selectInProcess(BACKEND_ORDER.slice(BACKEND_ORDER.indexOf('webgpu') + 1));
        chosen = true;
        break;
      }
      if (await trySet(name, false)) {
        chosen = true;
        break;
      }
    }
    if (!chosen) throw new ModelError('no tfjs backend could be initialised');
  }
  const name = tf.getBackend() as BackendName;
  registerKernelsOf(name);
  if (childLabel != null) {
    warn(`astromorph: webgpu (${childLabel}) runs training in a child Node process (Dawn does not load in this one); work in this process computes on ${name}`);
    return `webgpu (${childLabel})`;
  }
  if (name === 'webgpu') return `webgpu (${webGpuLabel})`;
  if (name === 'cpu') warn('astromorph: using the pure-JavaScript cpu backend; training will be slow (install @tensorflow/tfjs-node for speed)');
  return name;
}

/** The first of these backends that starts in this process. */
async function selectInProcess(order: readonly BackendName[]): Promise<void> {
  for (const name of order) if (await trySet(name, false)) return;
  throw new ModelError('no tfjs backend could be initialised');
}

function registerKernelsOf(name: BackendName): void {
  if (name === 'wasm') {
    registerWasmConvGradients();
    registerWasmBatchMatMul();
    registerWasmMaxPoolGrad();
    registerWeightUpdateKernels();
    registerWasmIdentity();
    registerWasmConv2D();
  }
  if (name === 'webgpu') registerWebGpuKernels();
  else registerGroupNormKernels(name);
}
