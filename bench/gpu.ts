// Training and inference throughput of the BYOL step on the webgpu backend beside wasm, in the same
// run: the small CNN and ResNet-18 at 64x64, batch 32, 128 and 256 by default. Each configuration
// runs in its own process (its own device, its own peak RSS). Views are random (data loading is not
// measured: the progress events' data-wait share covers that). A step reads its loss back, so a
// step's time includes the GPU finishing it. Step time = the mean of --steps steps after one warm-up
// step (which compiles the shaders: reported apart as 'first step').
//
//   npm run bench:gpu -- [--steps 3] [--batches 32,128,256] [--size 64] [--only small-cnn|resnet18]
//                        [--backends webgpu,wasm] [--timeout 600] [--deadline S] [--json FILE]
// --timeout bounds each configuration; --deadline starts no configuration after S seconds.
//
// On a machine without a GPU, webgpu runs only on a software adapter, when the Vulkan loader sees
// one: VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json (Debian chromium's SwiftShader).
// It is ~100x slower than wasm there, so keep it short: --steps 1 --batches 8 --size 32 --only small-cnn.
// bench/device/ runs this on a remote GPU machine beside PyTorch on CUDA.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import os from 'node:os';

interface Config {
  encoder: 'small-cnn' | 'resnet18';
  width: number;
  depth: number;
  size: number;
  batch: number;
  channels: number;
  backend: string;
  steps: number;
}

export interface Result {
  backend: string;
  firstStepMs: number;
  msPerStep: number;
  trainImagesPerS: number;
  inferImagesPerS: number;
  peakRssMb: number;
}

async function measure(c: Config): Promise<Result> {
  const tf = await import('@tensorflow/tfjs-core');
  const { selectBackend } = await import('../src-main/model/backend.ts');
  const { Byol } = await import('../src-main/model/byol.ts');
  const { parseSettings } = await import('../src-main/model/settings.ts');
  const { Rng } = await import('../src-main/base/random.ts');
  const { gpuGuarded } = await import('../src-main/model/webgpu/guard.ts');
  const backend = await selectBackend(c.backend, () => {});
  // Layer-normalised heads, as bench/torch/byol_step.py builds them.
  const s = parseSettings({ encoder: c.encoder, width: c.width, depth: c.depth, image_size: c.size, batch_size: c.batch, channels: c.channels, head_norm: 'layer' });
  const byol = new Byol(s, { totalSteps: 100, warmupSteps: 0 });
  const rng = new Rng(1);
  const n = c.batch * c.size * c.size * c.channels;
  const shape: [number, number, number, number] = [c.batch, c.size, c.size, c.channels];
  const view1 = Float32Array.from({ length: n }, () => rng.normal());
  const view2 = Float32Array.from({ length: n }, () => rng.normal());
  const step = () => gpuGuarded(async () => {
    const v1 = tf.tensor4d(view1, shape);
    const v2 = tf.tensor4d(view2, shape);
    try {
      return await byol.trainStepAsync(v1, v2);
    } finally {
      tf.dispose([v1, v2]);
    }
  }, { batchSize: c.batch, size: c.size, channels: c.channels });
  let t = performance.now();
  await step();
  const firstStepMs = performance.now() - t;
  t = performance.now();
  for (let i = 0; i < c.steps; i++) await step();
  const msPerStep = (performance.now() - t) / c.steps;
  // Inference: the encoder on one batch of the same size, read back.
  const x = tf.tensor4d(view1, shape);
  const infer = () => gpuGuarded(async () => {
    const y = tf.tidy(() => byol.embed(x));
    try {
      return await y.data();
    } finally {
      y.dispose();
    }
  }, { batchSize: c.batch, size: c.size, channels: c.channels, what: 'embedding batch' });
  await infer();
  t = performance.now();
  const reps = Math.max(1, c.steps);
  for (let i = 0; i < reps; i++) await infer();
  const inferMs = (performance.now() - t) / reps;
  return {
    backend,
    firstStepMs,
    msPerStep,
    trainImagesPerS: (c.batch / msPerStep) * 1000,
    inferImagesPerS: (c.batch / inferMs) * 1000,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
}

function child(c: Config, timeoutS: number): Result | string {
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--one', JSON.stringify(c)], { encoding: 'utf8', timeout: timeoutS * 1000 });
  if (r.error != null || r.signal != null) return `did not finish in ${timeoutS} s`;
  const out = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !out.startsWith('{')) return `failed: ${r.stderr.trim().split('\n').filter((l) => !/^\s+at /.test(l)).slice(-2).join(' ')}`;
  // Dawn and the process exit: the child prints its result, then exits.
  return JSON.parse(out) as Result;
}

const args = process.argv.slice(2);
const opt = (name: string, fallback: string) => (args.includes(name) ? args[args.indexOf(name) + 1]! : fallback);
const oneAt = args.indexOf('--one');
if (oneAt >= 0) {
  console.log(JSON.stringify(await measure(JSON.parse(args[oneAt + 1]!) as Config)));
  process.exit(0);
} else {
  const steps = Number(opt('--steps', '3')) || 3;
  const size = Number(opt('--size', '64'));
  const batches = opt('--batches', '32,128,256').split(',').map(Number);
  const backends = opt('--backends', 'webgpu,wasm').split(',');
  const timeoutS = Number(opt('--timeout', '600'));
  const deadline = performance.now() + Number(opt('--deadline', 'Infinity')) * 1000;
  const only = args.includes('--only') ? opt('--only', '') : undefined;
  const encoders = [
    { encoder: 'small-cnn' as const, width: 32, depth: 3 },
    { encoder: 'resnet18' as const, width: 64, depth: 4 },
  ].filter((e) => only == null || e.encoder === only);
  const rows: Array<Config & { result: Result | string }> = [];
  const fmt = (r: Result | string) => (typeof r === 'string' ? r
    : `${r.trainImagesPerS.toFixed(1).padStart(8)} img/s train (${r.msPerStep.toFixed(0).padStart(6)} ms/step; first step ${(r.firstStepMs / 1000).toFixed(1)} s)  ${r.inferImagesPerS.toFixed(0).padStart(6)} img/s embed  peak RSS ${r.peakRssMb.toFixed(0)} MB`);
  console.log(`BYOL step on ${backends.join(' and ')}, ${size}x${size}x1, mean of ${steps} steps after a warm-up; ${os.availableParallelism()} cores, load ${os.loadavg()[0]!.toFixed(1)}`);
  for (const e of encoders) {
    console.log(`\n${e.encoder} (width ${e.width}, depth ${e.depth})`);
    for (const batch of batches) {
      for (const backend of backends) {
        const c: Config = { ...e, size, batch, channels: 1, backend, steps };
        const result = performance.now() > deadline ? 'skipped (--deadline passed)' : child(c, timeoutS);
        rows.push({ ...c, result });
        const name = typeof result === 'string' ? backend : result.backend;
        console.log(`  batch ${String(batch).padStart(3)}  ${name.padEnd(16).slice(0, 60)}  ${fmt(result)}`);
      }
    }
  }
  if (args.includes('--json')) writeFileSync(opt('--json', 'gpu-bench.json'), JSON.stringify(rows, null, 2) + '\n');
}
