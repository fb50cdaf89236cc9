// Training and inference throughput of the BYOL engine, side by side with the same step in
// PyTorch (bench/torch/byol_step.py, CPU). Each configuration runs in its own process so the peak
// RSS is its own. Views are random (data loading is not measured here: see the progress events'
// data-wait share for that). Step time = the fastest of --steps steps after one warm-up step, which
// is the most robust figure on a shared machine.
//
//   node bench/train.ts [--steps 3] [--cpu] [--no-torch] [--only small-cnn|resnet18] [--one-thread]
// --cpu adds tfjs's pure-JS cpu backend (one step, no warm-up, given up after 300 s).
// --one-thread skips the two-thread runs (tfjs with 2 gradient workers, PyTorch with 2 threads),
// for a machine whose other core is busy.
import { spawnSync } from 'node:child_process';
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
  gradientWorkers: number;
  steps: number;
  /** Skip the warm-up step (the pure-JS cpu backend is too slow to afford one). */
  noWarmup?: boolean;
}

interface Result {
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
  const { createGradientPool } = await import('../src-main/model/gradient-pool.ts');
  const { Rng } = await import('../src-main/base/random.ts');
  const backend = await selectBackend(c.backend, () => {});
  const s = parseSettings({ encoder: c.encoder, width: c.width, depth: c.depth, image_size: c.size, batch_size: c.batch, channels: c.channels, gradient_workers: c.gradientWorkers });
  const byol = new Byol(s, { totalSteps: 100, warmupSteps: 0 });
  const rng = new Rng(1);
  const n = c.batch * c.size * c.size * c.channels;
  const batch = { view1: Float32Array.from({ length: n }, () => rng.normal()), view2: Float32Array.from({ length: n }, () => rng.normal()), batchSize: c.batch, size: c.size, channels: c.channels, indices: [] };
  const shape: [number, number, number, number] = [c.batch, c.size, c.size, c.channels];
  const pool = c.gradientWorkers > 1 ? await createGradientPool(s, c.gradientWorkers, backend, byol) : undefined;
  const step = async () => {
    if (pool) {
      const { grads } = await pool.gradients(byol, batch);
      byol.applyGradients(grads);
      tf.dispose(grads);
    } else {
      const v1 = tf.tensor4d(batch.view1, shape);
      const v2 = tf.tensor4d(batch.view2, shape);
      byol.trainStep(v1, v2);
      tf.dispose([v1, v2]);
    }
  };
  if (!c.noWarmup) await step();
  let best = Infinity;
  for (let i = 0; i < c.steps; i++) {
    const t = performance.now();
    await step();
    best = Math.min(best, performance.now() - t);
  }
  await pool?.close();
  const x = tf.randomNormal([64, c.size, c.size, c.channels]) as import('@tensorflow/tfjs-core').Tensor4D;
  const infer = () => tf.tidy(() => byol.embed(x).dataSync());
  infer();
  let bestInfer = Infinity;
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    infer();
    bestInfer = Math.min(bestInfer, performance.now() - t);
  }
  return { msPerStep: best, trainImagesPerS: (c.batch / best) * 1000, inferImagesPerS: (64 / bestInfer) * 1000, peakRssMb: process.resourceUsage().maxRSS / 1024 };
}

function torch(c: Config, threads: number): Result | string {
  const script = fileURLToPath(new URL('./torch/byol_step.py', import.meta.url));
  const r = spawnSync('/usr/bin/python3', [script, '--encoder', c.encoder, '--width', String(c.width), '--depth', String(c.depth), '--size', String(c.size), '--batch', String(c.batch), '--channels', String(c.channels), '--threads', String(threads), '--steps', String(c.steps)], { encoding: 'utf8' });
  if (r.status !== 0) return `pytorch failed: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}`;
  const j = JSON.parse(r.stdout.trim().split('\n').pop()!) as { ms_per_step: number; train_images_per_s: number; infer_images_per_s: number; peak_rss_mb: number };
  return { msPerStep: j.ms_per_step, trainImagesPerS: j.train_images_per_s, inferImagesPerS: j.infer_images_per_s, peakRssMb: j.peak_rss_mb };
}

function child(c: Config, timeoutS = 1800): Result | string {
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--one', JSON.stringify(c)], { encoding: 'utf8', timeout: timeoutS * 1000 });
  if (r.error != null || r.signal != null) return `did not finish one step in ${timeoutS} s`;
  if (r.status !== 0) return `failed: ${r.stderr.trim().split('\n').slice(-3).join(' ')}`;
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Result;
}

const args = process.argv.slice(2);
const oneAt = args.indexOf('--one');
if (oneAt >= 0) {
  console.log(JSON.stringify(await measure(JSON.parse(args[oneAt + 1]!) as Config)));
} else {
  const steps = Number(args[args.indexOf('--steps') + 1] ?? 3) || 3;
  const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
  const base = { size: 64, batch: 32, channels: 1, steps };
  const encoders = [
    { encoder: 'small-cnn' as const, width: 32, depth: 3 },
    { encoder: 'resnet18' as const, width: 64, depth: 4 },
  ].filter((e) => only == null || e.encoder === only);
  const fmt = (r: Result | string) => (typeof r === 'string' ? r : `${r.trainImagesPerS.toFixed(1).padStart(7)} img/s train (${r.msPerStep.toFixed(0).padStart(5)} ms/step)  ${r.inferImagesPerS.toFixed(0).padStart(5)} img/s embed  peak RSS ${r.peakRssMb.toFixed(0)} MB`);
  console.log(`BYOL step, ${base.size}x${base.size}x${base.channels}, batch ${base.batch} (two views each), best of ${steps} steps; ${os.availableParallelism()} cores, load ${os.loadavg()[0]!.toFixed(1)}`);
  for (const e of encoders) {
    console.log(`\n${e.encoder} (width ${e.width}, depth ${e.depth})`);
    const wasm = child({ ...base, ...e, backend: 'wasm', gradientWorkers: 1 });
    console.log(`  tfjs wasm, 1 thread         ${fmt(wasm)}`);
    const oneThread = args.includes('--one-thread');
    const wasm2 = oneThread ? 'skipped (--one-thread)' : child({ ...base, ...e, backend: 'wasm', gradientWorkers: 2 });
    console.log(`  tfjs wasm, 2 grad. workers  ${fmt(wasm2)}`);
    if (args.includes('--cpu')) console.log(`  tfjs cpu (pure JS)          ${fmt(child({ ...base, ...e, backend: 'cpu', gradientWorkers: 1, steps: 1, noWarmup: true }, 300))}`);
    if (!args.includes('--no-torch')) {
      const t1 = torch({ ...base, ...e, backend: 'torch', gradientWorkers: 1 }, 1);
      const t2 = oneThread ? 'skipped (--one-thread)' : torch({ ...base, ...e, backend: 'torch', gradientWorkers: 1 }, 2);
      console.log(`  pytorch cpu, 1 thread       ${fmt(t1)}`);
      console.log(`  pytorch cpu, 2 threads      ${fmt(t2)}`);
      const ratio = (a: Result | string, b: Result | string) => (typeof a === 'string' || typeof b === 'string' ? 'n/a' : (b.trainImagesPerS / a.trainImagesPerS).toFixed(2));
      const best = (a: Result | string, b: Result | string) => (typeof a === 'string' ? b : typeof b === 'string' ? a : a.trainImagesPerS >= b.trainImagesPerS ? a : b);
      console.log(`  pytorch / tfjs training: 1 thread each ${ratio(wasm, t1)}x; best of each ${ratio(best(wasm, wasm2), best(t1, t2))}x`);
    }
  }
}
