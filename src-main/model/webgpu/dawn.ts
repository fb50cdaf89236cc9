// WebGPU in Node through Dawn (the npm package `webgpu`, which ships dawn.node for each platform)
// and tfjs-backend-webgpu on it. The adapter is chosen here: a real GPU is used when the backend
// is 'auto'; a software adapter (SwiftShader, llvmpipe/lavapipe) only when webgpu is forced, which
// is how the tests run it on machines without a GPU. Both modules load on first use only.
//
// Dawn prints its own warnings (no Vulkan loader, no driver) from C++ on stderr, so on Linux an
// automatic choice first checks, without loading Dawn, that a Vulkan loader and a driver manifest
// exist; a forced one needs the loader only.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';

/** What the adapter says about itself (GPUAdapterInfo) and whether it is a software rasteriser. */
export interface AdapterSummary {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  software: boolean;
  /** Short human name, shown after the backend: `webgpu (<label>)`. */
  label: string;
}

// The few WebGPU types used here, structurally (lib.dom of TypeScript 5.9 has no WebGPU).
interface GpuErrorLike { message: string; constructor: { name: string } }
export interface GpuDeviceLike {
  readonly limits: Record<string, number>;
  readonly lost: Promise<{ reason: string; message: string }>;
  pushErrorScope(filter: 'validation' | 'out-of-memory' | 'internal'): void;
  popErrorScope(): Promise<GpuErrorLike | null>;
  addEventListener?(type: 'uncapturederror', listener: (e: { error: GpuErrorLike }) => void): void;
  destroy(): void;
}
interface GpuAdapterLike {
  readonly info: Record<string, unknown>;
  readonly limits: Record<string, number>;
  readonly features: ReadonlySet<string>;
  requestDevice(descriptor?: object): Promise<GpuDeviceLike>;
}
interface GpuLike {
  requestAdapter(options?: object): Promise<GpuAdapterLike | null>;
}

interface DawnState {
  gpu: GpuLike;
  adapter: GpuAdapterLike;
  summary: AdapterSummary;
}

type Probe = { ok: true; state: DawnState } | { ok: false; reason: string };

let probe: Promise<Probe> | undefined;
let device: GpuDeviceLike | undefined;
let lostReason: string | undefined;
let uncaptured: GpuErrorLike | undefined;

const SOFTWARE = /swiftshader|llvmpipe|lavapipe|softpipe|software|\bcpu\b/i;

/** Whether adapter info names a software implementation (isFallbackAdapter, or a known name). */
export function isSoftwareAdapter(info: Record<string, unknown>): boolean {
  if (info.isFallbackAdapter === true) return true;
  return ['vendor', 'architecture', 'device', 'description'].some((k) => SOFTWARE.test(String(info[k] ?? '')));
}

export function summarise(info: Record<string, unknown>): AdapterSummary {
  const s = (k: string) => String(info[k] ?? '').trim();
  const vendor = s('vendor'), architecture = s('architecture'), dev = s('device').replace(/-+$/, ''), description = s('description');
  const what = description || dev || 'unknown adapter';
  const who = [vendor, architecture].filter((x) => x !== '' && !what.toLowerCase().includes(x.toLowerCase())).join(' ');
  const software = isSoftwareAdapter(info);
  const label = `${who === '' ? '' : `${who}: `}${what}${software ? ', software' : ''}`;
  return { vendor, architecture, device: dev, description, software, label };
}

// glibc's RTLD_NODELETE: process.dlopen closes a library that is not a Node addon, this keeps it loaded.
const RTLD_NODELETE = 0x1000;

/** dlopen a shared library into the process for good; false when it is not found. */
function preload(file: string): boolean {
  const c = os.constants.dlopen;
  try {
    process.dlopen({ exports: {} } as NodeJS.Module, file, (c.RTLD_NOW ?? 2) | (c.RTLD_GLOBAL ?? 256) | RTLD_NODELETE);
    return true;
  } catch (e) {
    // Loaded, but not an addon: that is all we wanted.
    return /did not self-register/.test((e as Error).message);
  }
}

/** The Vulkan driver manifests named by the loader's variables, else in its standard folders. */
function vulkanDriverManifests(): string[] {
  const named = process.env.VK_DRIVER_FILES ?? process.env.VK_ICD_FILENAMES;
  if (named != null && named !== '') return named.split(':').filter((f) => fs.existsSync(f));
  const home = os.homedir();
  const dirs = [
    ...(process.env.XDG_CONFIG_DIRS ?? '/etc/xdg').split(':').map((d) => path.join(d, 'vulkan/icd.d')),
    '/etc/vulkan/icd.d',
    ...(process.env.XDG_DATA_DIRS ?? '/usr/local/share:/usr/share').split(':').map((d) => path.join(d, 'vulkan/icd.d')),
    path.join(process.env.XDG_DATA_HOME ?? path.join(home, '.local/share'), 'vulkan/icd.d'),
  ];
  return dirs.flatMap((d) => {
    try {
      return fs.readdirSync(d).filter((f) => f.endsWith('.json')).map((f) => path.join(d, f));
    } catch {
      return [];
    }
  });
}

/**
 * Linux: makes the Vulkan loader (libvulkan.so.1) loadable by Dawn. The system's when installed
 * (Debian libvulkan1); else one beside a named driver manifest, as Debian's chromium ships its
 * SwiftShader driver with its own loader in /usr/lib/chromium (then Dawn's dlopen finds the loaded
 * library by its soname). Returns why not, or null when a loader and a driver manifest are there.
 */
function prepareVulkan(): string | null {
  if (process.platform !== 'linux') return null;
  const manifests = vulkanDriverManifests();
  if (!preload('libvulkan.so.1')) {
    const beside = manifests.map((m) => path.join(path.dirname(m), 'libvulkan.so.1')).find((f) => fs.existsSync(f));
    if (beside == null || !preload(beside)) {
      return 'no Vulkan loader (libvulkan.so.1: Debian package libvulkan1; for the SwiftShader software driver, '
        + 'set VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json, from Debian package chromium)';
    }
  }
  if (manifests.length === 0) return 'no Vulkan driver (no ICD manifest in the loader\'s folders, VK_DRIVER_FILES unset)';
  return null;
}

async function openDawn(forced: boolean): Promise<Probe> {
  const why = prepareVulkan();
  // Without a loader Dawn has no backend on Linux: don't load it (it would only print warnings).
  if (why != null && (!forced || why.startsWith('no Vulkan loader'))) return { ok: false, reason: why };
  let dawn: { create(flags: string[]): GpuLike; globals: object };
  try {
    dawn = (await import('webgpu')) as unknown as typeof dawn;
  } catch (e) {
    return { ok: false, reason: `the WebGPU addon (npm package webgpu) did not load: ${(e as Error).message}` };
  }
  // tfjs-backend-webgpu uses the WebGPU constants (GPUBufferUsage, GPUMapMode…) as globals.
  for (const [k, v] of Object.entries(dawn.globals)) if (!(k in globalThis)) (globalThis as Record<string, unknown>)[k] = v;
  let gpu: GpuLike;
  let adapter: GpuAdapterLike | null;
  try {
    gpu = dawn.create([]);
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (e) {
    return { ok: false, reason: `Dawn found no adapter: ${(e as Error).message}` };
  }
  if (adapter == null) return { ok: false, reason: why ?? 'Dawn found no WebGPU adapter (no GPU driver for Vulkan, Metal or D3D12)' };
  return { ok: true, state: { gpu, adapter, summary: summarise(adapter.info) } };
}

/** The adapter Dawn offers (cached for the process; a forced call retries one that failed unforced). */
export async function webGpuAdapter(forced: boolean): Promise<Probe> {
  if (probe != null) {
    const p = await probe;
    if (p.ok || !forced) return p;
  }
  probe = openDawn(forced);
  return probe;
}

/**
 * Registers tfjs's 'webgpu' backend on this adapter (once). Limits are raised to the adapter's, as
 * tfjs-backend-webgpu does itself in a browser; errors the step does not catch in a scope are kept
 * for takeUncapturedError().
 */
export async function registerWebGpuBackend(state: DawnState): Promise<void> {
  if (tf.findBackendFactory('webgpu') != null) return;
  const { WebGPUBackend } = (await import('@tensorflow/tfjs-backend-webgpu')) as unknown as {
    WebGPUBackend: new (device: GpuDeviceLike, info: unknown) => tf.KernelBackend;
  };
  tf.registerBackend('webgpu', async () => {
    const limits = state.adapter.limits;
    const dev = await state.adapter.requestDevice({
      requiredLimits: {
        maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
        maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
        maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
        maxBufferSize: limits.maxBufferSize,
        maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
        maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
      },
    });
    device = dev;
    lostReason = undefined;
    uncaptured = undefined;
    void dev.lost.then((info) => {
      if (device === dev) lostReason = info.message || info.reason;
    });
    dev.addEventListener?.('uncapturederror', (e) => {
      uncaptured ??= e.error;
    });
    // The backend's constructor checks navigator.gpu; it is set only meanwhile, since a global
    // reference to Dawn's GPU object keeps Node from exiting.
    const nav = globalThis.navigator as unknown as Record<string, unknown>;
    Object.defineProperty(nav, 'gpu', { value: state.gpu, configurable: true });
    try {
      return new WebGPUBackend(dev, state.adapter.info);
    } finally {
      delete nav.gpu;
    }
  }, 1);
}

/** The device of the registered backend, once it has initialised. */
export function webGpuDevice(): GpuDeviceLike | undefined {
  return device;
}

/** Why the device was lost, if it was. */
export function webGpuLost(): string | undefined {
  return lostReason;
}

/** The first WebGPU error that no error scope caught since the last call. */
export function takeUncapturedError(): GpuErrorLike | undefined {
  const e = uncaptured;
  uncaptured = undefined;
  return e;
}

/** Removes the backend and destroys the device, so the process can exit on its own. */
export function releaseWebGpu(): void {
  if (tf.findBackend('webgpu') != null || tf.findBackendFactory('webgpu') != null) tf.removeBackend('webgpu');
  device?.destroy();
  device = undefined;
  probe = undefined;
}

/** What went wrong on the device while `fn` ran: the first out-of-memory and validation errors. */
export interface ScopedErrors {
  outOfMemory: GpuErrorLike | null;
  validation: GpuErrorLike | null;
}

/**
 * Runs `fn` inside out-of-memory and validation error scopes of the webgpu device (when that
 * backend is current) and reports what they caught alongside its result or exception.
 */
export async function withErrorScopes<T>(fn: () => Promise<T>): Promise<{ result: { value: T } | { thrown: unknown }; errors: ScopedErrors | null }> {
  const dev = tf.getBackend() === 'webgpu' ? device : undefined;
  if (dev == null) {
    try {
      return { result: { value: await fn() }, errors: null };
    } catch (e) {
      return { result: { thrown: e }, errors: null };
    }
  }
  dev.pushErrorScope('out-of-memory');
  dev.pushErrorScope('validation');
  let result: { value: T } | { thrown: unknown };
  try {
    result = { value: await fn() };
  } catch (e) {
    result = { thrown: e };
  }
  const validation = await dev.popErrorScope();
  const outOfMemory = await dev.popErrorScope();
  return { result, errors: { outOfMemory, validation } };
}
