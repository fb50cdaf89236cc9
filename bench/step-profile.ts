// Where one BYOL training step's time goes on the current backend: every kernel call is timed
// (exclusive of the kernels it calls itself, as our gradient kernels are made of other kernels)
// and put in a group by the top-level kernel and the source file that called it. The rest of the
// step (tensor bookkeeping, tape, tidy, JS) is 'outside kernels'.
//
//   node bench/step-profile.ts [--encoder small-cnn|resnet18] [--steps 3] [--backend wasm] [--kernels]
// --kernels also prints the time per kernel name.
import * as tf from '@tensorflow/tfjs-core';
import os from 'node:os';
import { selectBackend } from '../src-main/model/backend.ts';
import { Byol } from '../src-main/model/byol.ts';
import { parseSettings } from '../src-main/model/settings.ts';
import { Rng } from '../src-main/base/random.ts';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => (args.includes(name) ? args[args.indexOf(name) + 1]! : dflt);
const encoder = opt('--encoder', 'small-cnn') as 'small-cnn' | 'resnet18';
const steps = Number(opt('--steps', '3'));
const backendName = await selectBackend(opt('--backend', 'wasm'), () => {});
const e = encoder === 'small-cnn' ? { width: 32, depth: 3 } : { width: 64, depth: 4 };
const size = 64;
const batch = 32;
const s = parseSettings({ encoder, ...e, image_size: size, batch_size: batch, channels: 1 });
const byol = new Byol(s, { totalSteps: 100, warmupSteps: 0 });
const rng = new Rng(1);
const n = batch * size * size;
const shape: [number, number, number, number] = [batch, size, size, 1];
const view1 = Float32Array.from({ length: n }, () => rng.normal());
const view2 = Float32Array.from({ length: n }, () => rng.normal());
const step = () => {
  const v1 = tf.tensor4d(view1, shape);
  const v2 = tf.tensor4d(view2, shape);
  byol.trainStep(v1, v2);
  tf.dispose([v1, v2]);
};

const MOVES = new Set(['Transpose', 'Reshape', 'Slice', 'StridedSlice', 'Concat', 'Pad', 'PadV2', 'Reverse', 'Pack', 'Unpack', 'Identity', 'Tile', 'Cast', 'Fill', 'ZerosLike', 'OnesLike']);

/** The group of a kernel call from its kernel name, the enclosing top-level kernel and the calling source file. */
function groupOf(name: string, top: string, stack: string): string {
  if (top === 'Conv2DBackpropInput') return 'conv backprop-input';
  if (top === 'Conv2DBackpropFilter') return 'conv backprop-filter';
  if (stack.includes('adamw.ts')) return 'optimizer (AdamW)';
  if (stack.includes('updateTarget')) return 'EMA target update';
  if (name === 'Conv2D' || name === 'FusedConv2D') return 'forward conv (ours/XNNPACK)';
  if (stack.includes('group-norm.ts') || stack.includes('batch-norm.ts')) return 'normalisation (fwd+grad)';
  if (name === 'BatchMatMul' || name === '_FusedMatMul') return 'matmul (dense layers)';
  if (MOVES.has(name)) return 'transposes/reshapes/copies';
  return 'elementwise/activations/reductions/other';
}

interface Tally {
  ms: number;
  calls: number;
}
const byGroup = new Map<string, Tally>();
const byKernel = new Map<string, Tally>();
let recording = false;
const frames: { name: string; child: number }[] = [];
Error.stackTraceLimit = 60;
const add = (m: Map<string, Tally>, k: string, ms: number) => {
  const t = m.get(k) ?? { ms: 0, calls: 0 };
  t.ms += ms;
  t.calls += 1;
  m.set(k, t);
};

// Wrap every kernel registered for this backend (the engine looks kernels up on every call).
for (const k of tf.getKernelsForBackend(backendName)) {
  const inner = k.kernelFunc;
  (k as { kernelFunc: typeof inner }).kernelFunc = ((a: Parameters<typeof inner>[0]) => {
    if (!recording) return inner(a);
    frames.push({ name: k.kernelName, child: 0 });
    const t0 = performance.now();
    const out = inner(a);
    const dt = performance.now() - t0;
    const f = frames.pop()!;
    const own = dt - f.child;
    const top = frames.length > 0 ? frames[0]!.name : k.kernelName;
    const stack = new Error().stack ?? '';
    const group = groupOf(k.kernelName, top, stack);
    add(byGroup, group, own);
    add(byKernel, `${group}: ${frames.length > 0 ? `${top} > ${k.kernelName}` : k.kernelName}`, own);
    // The parent's own time excludes this call and its bookkeeping (the stack capture above).
    if (frames.length > 0) frames[frames.length - 1]!.child += performance.now() - t0;
    return out;
  }) as typeof inner;
}

step(); // warm-up (XNNPACK operator caches, first allocations)
let total = 0;
let best = Infinity;
let bestCpu = Infinity; // CPU time of this process: less disturbed than wall time on a shared machine
for (let i = 0; i < steps; i++) {
  const t = performance.now();
  const c = process.cpuUsage();
  step();
  const used = process.cpuUsage(c);
  best = Math.min(best, performance.now() - t);
  bestCpu = Math.min(bestCpu, (used.user + used.system) / 1000);
}
// Profiled steps: the stack capture costs time outside the timed kernels, so the step total is
// taken from the unprofiled steps above and 'outside kernels' from their best minus kernel time.
recording = true;
for (let i = 0; i < steps; i++) step();
recording = false;
for (const m of [byGroup, byKernel]) for (const t of m.values()) (t.ms /= steps), (t.calls /= steps);
total = best;

const kernelMs = [...byGroup.values()].reduce((a, t) => a + t.ms, 0);
const calls = [...byGroup.values()].reduce((a, t) => a + t.calls, 0);
console.log(`${encoder} (width ${e.width}, depth ${e.depth}) ${size}x${size}x1 batch ${batch}, backend ${backendName}; load ${os.loadavg()[0]!.toFixed(2)}`);
console.log(`step ${total.toFixed(1)} ms (best of ${steps}) = ${((batch / total) * 1000).toFixed(1)} img/s; CPU ${bestCpu.toFixed(1)} ms; ${calls.toFixed(0)} kernel calls per step`);
console.log(`${'group'.padEnd(42)} ${'ms/step'.padStart(8)} ${'share'.padStart(6)} ${'calls'.padStart(6)}`);
const rows = [...byGroup.entries()].sort((a, b) => b[1].ms - a[1].ms);
rows.push(['outside kernels (JS, tape, tidy, alloc)', { ms: Math.max(0, total - kernelMs), calls: 0 }]);
for (const [g, t] of rows) console.log(`${g.padEnd(42)} ${t.ms.toFixed(1).padStart(8)} ${((100 * t.ms) / total).toFixed(1).padStart(5)}% ${t.calls.toFixed(0).padStart(6)}`);
if (args.includes('--kernels')) {
  console.log('\nper kernel (exclusive time; "A > B" = B called inside our kernel A)');
  for (const [k, t] of [...byKernel.entries()].sort((a, b) => b[1].ms - a[1].ms)) {
    if (t.ms < 0.05) continue;
    console.log(`${k.padEnd(70)} ${t.ms.toFixed(2).padStart(8)} ${t.calls.toFixed(0).padStart(6)}`);
  }
}
