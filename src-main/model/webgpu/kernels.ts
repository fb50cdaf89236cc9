// Our custom kernels on the webgpu backend, as WGSL compute shaders run through
// tfjs-backend-webgpu's program interface (runWebGPUProgram): group normalisation forward and
// backward (kernels/group-norm.ts does them in JS on wasm and cpu), and the fused AdamW step and
// target-network moving average (kernels/weight-updates.ts, SIMD on wasm).
//
// As tf ops, group norm forward and backward are ~25 dispatches per layer, several of them
// reductions over non-innermost axes that transpose first; here they are 2 and 5. AdamW as tf ops
// is 14 dispatches per weight, here 3 (m, v and the weight, each recomputing the moments it needs);
// the moving average 3, here 1. The conv, pooling and matmul gradients tfjs-backend-webgpu has.
//
// Layout as on the other backends: x is [N, ...spatial, C]; statistics per sample and group.
import * as tf from '@tensorflow/tfjs-core';
import type { KernelBackend, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { GROUP_NORM, GROUP_NORM_GRAD } from '../kernels/group-norm.ts';
import { ADAMW, LERP, type AdamWAttrs } from '../kernels/weight-updates.ts';

/** tfjs-backend-webgpu's program shape (WebGPUProgram), the part we fill in. */
interface Program {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  variableNames: string[];
  uniforms?: string;
  workgroupSize: [number, number, number];
  size?: boolean;
  getUserCode(): string;
}
type Uniform = { type: 'float32' | 'int32'; data: number[] };
interface WebGpuBackendLike extends KernelBackend {
  runWebGPUProgram(program: Program, inputs: TensorInfo[], outputDtype: 'float32', uniforms?: Uniform[]): TensorInfo;
}

const WG = 64;

/** One thread per output element (flat dispatch). */
function elementwise(key: string, outputShape: number[], variableNames: string[], uniforms: string, body: string): Program {
  const size = outputShape.reduce((a, b) => a * b, 1);
  return {
    outputShape,
    shaderKey: key,
    dispatchLayout: { x: outputShape.map((_, i) => i) },
    dispatch: [Math.ceil(size / WG), 1, 1],
    variableNames,
    uniforms,
    workgroupSize: [WG, 1, 1],
    size: true,
    getUserCode: () => `
      fn main(index : i32) {
        if (index < uniforms.size) {
          ${body}
        }
      }`,
  };
}

/**
 * One workgroup of 64 invocations per reduction (`reductions` of them); `body` sees `wg` (the
 * reduction; after a dispatch reshaped to 2-D it may be past the end, then `valid` is false), `lid`,
 * and `reduce(v, lid)`, a workgroup sum that every invocation must reach (uniform control flow).
 */
function reduction(key: string, outputShape: number[], reductions: number, variableNames: string[], uniforms: string, body: string): Program {
  return {
    outputShape,
    shaderKey: key,
    dispatchLayout: { x: outputShape.map((_, i) => i) },
    dispatch: [reductions, 1, 1],
    variableNames,
    uniforms: `${uniforms} reductions : i32,`,
    workgroupSize: [WG, 1, 1],
    getUserCode: () => `
      var<workgroup> partial : array<f32, ${WG}>;
      fn reduce(v : f32, lid : u32) -> f32 {
        partial[lid] = v;
        workgroupBarrier();
        for (var k = ${WG / 2}u; k > 0u; k = k >> 1u) {
          if (lid < k) { partial[lid] = partial[lid] + partial[lid + k]; }
          workgroupBarrier();
        }
        let r = partial[0];
        workgroupBarrier();
        return r;
      }
      fn main(index : i32) {
        let wg = i32(workgroupId.z * numWorkgroups.x * numWorkgroups.y + workgroupId.y * numWorkgroups.x + workgroupId.x);
        let valid = wg < uniforms.reductions;
        let lid = localIndex;
        ${body}
      }`,
  };
}

interface GroupNormAttrs {
  groups: number;
  epsilon: number;
  relu: boolean;
}

function dims(shape: readonly number[], groups: number): { n: number; c: number; s: number; cg: number } {
  const n = shape[0]!;
  const c = shape[shape.length - 1]!;
  const s = shape.slice(1, -1).reduce((a, b) => a * b, 1);
  return { n, c, s, cg: c / groups };
}

const GN_UNIFORMS = 's : i32, c : i32, groups : i32, cg : i32,';
const gnUniforms = (s: number, c: number, groups: number, cg: number): Uniform[] =>
  [s, c, groups, cg].map((v) => ({ type: 'int32', data: [v] }));

function groupNormForward(be: WebGpuBackendLike, x: TensorInfo, gamma: TensorInfo, beta: TensorInfo, { groups, epsilon, relu }: GroupNormAttrs): TensorInfo[] {
  const { n, c, s, cg } = dims(x.shape, groups);
  const u = gnUniforms(s, c, groups, cg);
  // Mean, then the mean squared deviation from it (two reads, no cancellation), per sample and group.
  const statsProgram = reduction('amGroupNormStats', [n, groups, 2], n * groups, ['x'], `${GN_UNIFORMS} eps : f32,`, `
        let ni = wg / uniforms.groups;
        let gi = wg % uniforms.groups;
        let count = select(0, uniforms.s * uniforms.cg, valid);
        let base = ni * uniforms.s * uniforms.c + gi * uniforms.cg;
        var acc = 0.0;
        for (var j = i32(lid); j < count; j = j + ${WG}) {
          acc = acc + x[base + (j / uniforms.cg) * uniforms.c + j % uniforms.cg];
        }
        let mean = reduce(acc, lid) / f32(max(count, 1));
        var acc2 = 0.0;
        for (var j = i32(lid); j < count; j = j + ${WG}) {
          let d = x[base + (j / uniforms.cg) * uniforms.c + j % uniforms.cg] - mean;
          acc2 = acc2 + d * d;
        }
        let variance = reduce(acc2, lid) / f32(max(count, 1));
        if (lid == 0u && valid) {
          result[wg * 2] = mean;
          result[wg * 2 + 1] = inverseSqrt(variance + uniforms.eps);
        }`);
  const stats = be.runWebGPUProgram(statsProgram, [x], 'float32', [...u, { type: 'float32', data: [epsilon] }, { type: 'int32', data: [n * groups] }]);
  const applyProgram = elementwise(`amGroupNormApply_${relu ? 'relu' : 'linear'}`, x.shape.slice(), ['x', 'gamma', 'beta', 'stats'], GN_UNIFORMS, `
          let k = index % uniforms.c;
          let sg = (index / (uniforms.s * uniforms.c)) * uniforms.groups + k / uniforms.cg;
          let v = (x[index] - stats[sg * 2]) * stats[sg * 2 + 1] * gamma[k] + beta[k];
          setOutputAtIndex(index, ${relu ? 'max(v, 0.0)' : 'v'});`);
  const y = be.runWebGPUProgram(applyProgram, [x, gamma, beta, stats], 'float32', u);
  return [y, stats];
}

/**
 * As kernels/group-norm.ts: with g = dy (masked by y > 0 after a ReLU), per sample and channel
 * s1 = sum g, s2 = sum g * (x - mean) over the pixels; per sample and group m1 = mean(gamma * s1),
 * m2 = mean(gamma * inv * s2); then dx = g * inv * gamma - (x - mean) * inv^2 * m2 - inv * m1,
 * dgamma = sum over samples of inv * s2, dbeta = sum of s1.
 */
function groupNormBackward(be: WebGpuBackendLike, dy: TensorInfo, x: TensorInfo, y: TensorInfo | undefined, gamma: TensorInfo, stats: TensorInfo, groups: number): TensorInfo[] {
  const { n, c, s, cg } = dims(x.shape, groups);
  const u = gnUniforms(s, c, groups, cg);
  const relu = y != null;
  const gradOf = (i: string) => (relu ? `select(0.0, dy[${i}], y[${i}] > 0.0)` : `dy[${i}]`);
  const withY = (names: string[]) => (relu ? [...names, 'y'] : names);
  const inputsY = (ts: TensorInfo[]) => (relu ? [...ts, y] : ts);
  // Per sample and channel: s1, s2 over the pixels.
  const sumsProgram = reduction(`amGroupNormGradSums_${relu}`, [n, c, 2], n * c, withY(['dy', 'x', 'stats']), GN_UNIFORMS, `
        let ni = wg / uniforms.c;
        let k = wg % uniforms.c;
        let count = select(0, uniforms.s, valid);
        let sg = ni * uniforms.groups + k / uniforms.cg;
        let mean = select(0.0, stats[sg * 2], valid);
        var a1 = 0.0;
        var a2 = 0.0;
        for (var p = i32(lid); p < count; p = p + ${WG}) {
          let i = (ni * uniforms.s + p) * uniforms.c + k;
          let g = ${gradOf('i')};
          a1 = a1 + g;
          a2 = a2 + g * (x[i] - mean);
        }
        let s1 = reduce(a1, lid);
        let s2 = reduce(a2, lid);
        if (lid == 0u && valid) {
          result[wg * 2] = s1;
          result[wg * 2 + 1] = s2;
        }`);
  const sums = be.runWebGPUProgram(sumsProgram, inputsY([dy, x, stats]) as TensorInfo[], 'float32', [...u, { type: 'int32', data: [n * c] }]);
  // Per sample and group: m1, m2.
  const coefProgram = elementwise('amGroupNormGradCoef', [n, groups, 2], ['sums', 'gamma', 'stats'], GN_UNIFORMS, `
          let sg = index / 2;
          let ni = sg / uniforms.groups;
          let gi = sg % uniforms.groups;
          let inv = stats[sg * 2 + 1];
          var m = 0.0;
          for (var k = gi * uniforms.cg; k < (gi + 1) * uniforms.cg; k = k + 1) {
            let t = sums[(ni * uniforms.c + k) * 2 + index % 2];
            m = m + gamma[k] * select(t, inv * t, index % 2 == 1);
          }
          setOutputAtIndex(index, m / f32(uniforms.s * uniforms.cg));`);
  const coef = be.runWebGPUProgram(coefProgram, [sums, gamma, stats], 'float32', u);
  const dxProgram = elementwise(`amGroupNormGradInput_${relu}`, x.shape.slice(), withY(['dy', 'x', 'gamma', 'stats', 'coef']), GN_UNIFORMS, `
          let k = index % uniforms.c;
          let sg = (index / (uniforms.s * uniforms.c)) * uniforms.groups + k / uniforms.cg;
          let mean = stats[sg * 2];
          let inv = stats[sg * 2 + 1];
          let g = ${gradOf('index')};
          setOutputAtIndex(index, g * inv * gamma[k] - (x[index] - mean) * inv * inv * coef[sg * 2 + 1] - inv * coef[sg * 2]);`);
  const dx = be.runWebGPUProgram(dxProgram, inputsY([dy, x, gamma, stats, coef]) as TensorInfo[], 'float32', u);
  // Per channel, over the samples: dgamma = sum inv * s2, dbeta = sum s1.
  // (A binding the shader does not use is dropped from its layout: dbeta's takes no statistics.)
  const channelSum = (gammaPart: boolean) => elementwise(`amGroupNormGrad${gammaPart ? 'Gamma' : 'Beta'}`, [c], gammaPart ? ['sums', 'stats'] : ['sums'], `${GN_UNIFORMS} n : i32,`, `
          var acc = 0.0;
          for (var ni = 0; ni < uniforms.n; ni = ni + 1) {
            ${gammaPart
              ? 'acc = acc + stats[(ni * uniforms.groups + index / uniforms.cg) * 2 + 1] * sums[(ni * uniforms.c + index) * 2 + 1];'
              : 'acc = acc + sums[(ni * uniforms.c + index) * 2];'}
          }
          setOutputAtIndex(index, acc);`);
  const nU: Uniform[] = [...u, { type: 'int32', data: [n] }];
  const dgamma = be.runWebGPUProgram(channelSum(true), [sums, stats], 'float32', nU);
  const dbeta = be.runWebGPUProgram(channelSum(false), [sums], 'float32', nU);
  be.disposeData(sums.dataId);
  be.disposeData(coef.dataId);
  return [dx, dgamma, dbeta];
}

const ADAMW_UNIFORMS = 'beta1 : f32, beta2 : f32, eps : f32, step : f32, ic2 : f32, keep : f32,';

/** New [weight, m, v], one dispatch each; the weight's recomputes m and v as the others do. */
function adamw(be: WebGpuBackendLike, w: TensorInfo, g: TensorInfo, m: TensorInfo, v: TensorInfo, a: AdamWAttrs): TensorInfo[] {
  const u: Uniform[] = [a.beta1, a.beta2, a.epsilon, a.step, a.ic2, a.keep].map((x) => ({ type: 'float32', data: [x] }));
  const mi = 'uniforms.beta1 * mom1[index] + (1.0 - uniforms.beta1) * grads[index]';
  const vi = 'uniforms.beta2 * mom2[index] + (1.0 - uniforms.beta2) * grads[index] * grads[index]';
  // Each shader binds only what it reads (an unused binding is dropped from the pipeline's layout).
  const programs = {
    w: { names: ['weights', 'grads', 'mom1', 'mom2'], inputs: [w, g, m, v], value: `weights[index] * uniforms.keep - uniforms.step * (${mi}) / (sqrt((${vi}) * uniforms.ic2) + uniforms.eps)` },
    m: { names: ['grads', 'mom1'], inputs: [g, m], value: mi },
    v: { names: ['grads', 'mom2'], inputs: [g, v], value: vi },
  };
  return (['w', 'm', 'v'] as const).map((what) => {
    const p = programs[what];
    return be.runWebGPUProgram(elementwise(`amAdamW_${what}`, w.shape.slice(), p.names, ADAMW_UNIFORMS, `
          setOutputAtIndex(index, ${p.value});`), p.inputs, 'float32', u);
  });
}

function lerp(be: WebGpuBackendLike, a: TensorInfo, b: TensorInfo, tau: number): TensorInfo {
  return be.runWebGPUProgram(elementwise('amLerp', a.shape.slice(), ['a', 'b'], 'tau : f32,', `
          setOutputAtIndex(index, a[index] * uniforms.tau + b[index] * (1.0 - uniforms.tau));`), [a, b], 'float32', [{ type: 'float32', data: [tau] }]);
}

/** Which of our kernels run on webgpu; unregisterWebGpuKernels() falls back to tf ops (for comparisons). */
export const WEBGPU_KERNELS = [GROUP_NORM, GROUP_NORM_GRAD, ADAMW, LERP] as const;

/** Registers (once) the four kernels on the webgpu backend. */
export function registerWebGpuKernels(): void {
  if (tf.getKernel(GROUP_NORM, 'webgpu') != null) return;
  type Args = { inputs: Record<string, TensorInfo>; attrs: NamedAttrMap; backend: WebGpuBackendLike };
  const register = (kernelName: string, f: (args: Args) => TensorInfo | TensorInfo[]) =>
    tf.registerKernel({ kernelName, backendName: 'webgpu', kernelFunc: f as unknown as KernelFunc });
  register(GROUP_NORM, ({ inputs, attrs, backend }) => groupNormForward(backend, inputs.x!, inputs.gamma!, inputs.beta!, attrs as unknown as GroupNormAttrs));
  register(GROUP_NORM_GRAD, ({ inputs, attrs, backend }) =>
    groupNormBackward(backend, inputs.dy!, inputs.x!, inputs.y, inputs.gamma!, inputs.stats!, (attrs as unknown as GroupNormAttrs).groups));
  register(ADAMW, ({ inputs, attrs, backend }) => adamw(backend, inputs.w!, inputs.g!, inputs.m!, inputs.v!, attrs as unknown as AdamWAttrs));
  register(LERP, ({ inputs, attrs, backend }) => lerp(backend, inputs.a!, inputs.b!, (attrs as unknown as { tau: number }).tau));
}

/** Removes the four kernels from webgpu (the model then uses its tf-ops forms). */
export function unregisterWebGpuKernels(): void {
  for (const k of WEBGPU_KERNELS) if (tf.getKernel(k, 'webgpu') != null) tf.unregisterKernel(k, 'webgpu');
}
