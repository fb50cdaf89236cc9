// End-to-end training throughput: startTraining (worker thread) on synthetic 64x64 images through
// model-data's ViewPairLoader, so augmentation and data wait are included. Compares gradient_workers
// 1 and 2 (data-parallel gradients, src-main/model/gradient-pool.ts).
//
//   node bench/train-run.ts [--encoder small-cnn|resnet18] [--images 256]
import os from 'node:os';
import { startTraining } from '../src-main/model/train.ts';
import { parseSettings } from '../src-main/model/settings.ts';

const args = process.argv.slice(2);
const arg = (name: string, dflt: string) => (args.includes(name) ? args[args.indexOf(name) + 1]! : dflt);
const encoder = arg('--encoder', 'small-cnn') as 'small-cnn' | 'resnet18';
const n = Number(arg('--images', '256'));
console.log(`startTraining, ${encoder}, ${n} synthetic 64x64 images, batch 32, 1 epoch; ${os.availableParallelism()} cores, load ${os.loadavg()[0]!.toFixed(1)}`);
for (const gradientWorkers of [1, 2]) {
  const run = startTraining({
    settings: parseSettings({ encoder, image_size: 64, batch_size: 32, epochs: 1, seed: 1, backend: 'wasm', gradient_workers: gradientWorkers }),
    source: { kind: 'synthetic', n, seed: 1, size: 64 },
  });
  const rates: number[] = [];
  let wait = 0;
  let firstAt = 0;
  let images = 0;
  run.on('progress', (p) => {
    if (p.globalStep === 1) firstAt = performance.now();
    else images += 32;
    rates.push(p.imagesPerSecond);
    wait = p.dataWaitShare;
  });
  await run.done;
  const steady = images / ((performance.now() - firstAt) / 1000);
  console.log(`  gradient_workers ${gradientWorkers}: ${steady.toFixed(1)} img/s after the first step, data-wait share ${(wait * 100).toFixed(0)}%, peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB (cumulative)`);
}
