// Puts bench/gpu.ts's results (gpu.json) beside PyTorch's (torch.jsonl, bench/torch/byol_step.py)
// as one table of images/s: training and inference, per encoder and batch.
import { readFileSync } from 'node:fs';

interface Row { encoder: string; batch: number; size: number; backend: string; result: { backend: string; trainImagesPerS: number; inferImagesPerS: number; msPerStep: number; firstStepMs: number } | string }
interface Torch { encoder: string; batch: number; device: string; train_images_per_s: number; infer_images_per_s: number; ms_per_step: number; peak_gpu_mb?: number }

const rows = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as Row[];
const torch = readFileSync(process.argv[3]!, 'utf8').split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Torch);
const num = (x: number) => x.toFixed(x < 10 ? 1 : 0).padStart(8);
const keys = [...new Set(rows.map((r) => `${r.encoder}|${r.batch}`))];
const names = [...new Set(rows.map((r) => r.backend))];
console.log(`\nimages/s (train / embed), ${rows[0]?.size ?? '?'}x${rows[0]?.size ?? '?'}x1${torch[0] ? `; PyTorch on ${torch[0].device}` : ''}`);
console.log(['encoder     batch', ...names.map((n) => `${n.padStart(8)} train   embed`), ...(torch.length ? ['pytorch train   embed', 'torch/webgpu train'] : [])].join('  '));
for (const k of keys) {
  const [encoder, batch] = k.split('|') as [string, string];
  const cells = names.map((n) => {
    const r = rows.find((x) => `${x.encoder}|${x.batch}` === k && x.backend === n)?.result;
    return r == null ? ''.padStart(21) : typeof r === 'string' ? r.slice(0, 21).padStart(21) : `${num(r.trainImagesPerS)} ${num(r.inferImagesPerS)}`.padStart(21);
  });
  const t = torch.find((x) => x.encoder === encoder && x.batch === Number(batch));
  const g = rows.find((x) => `${x.encoder}|${x.batch}` === k && x.backend === 'webgpu')?.result;
  const extra = t ? [`${num(t.train_images_per_s)}      ${num(t.infer_images_per_s)}`, typeof g === 'object' ? (t.train_images_per_s / g.trainImagesPerS).toFixed(1).padStart(8) + 'x' : ''] : [];
  console.log([`${encoder.padEnd(10)} ${batch.padStart(5)}`, ...cells, ...extra].join('  '));
}
const first = rows.find((r) => r.backend === 'webgpu' && typeof r.result === 'object')?.result;
if (typeof first === 'object') console.log(`webgpu adapter: ${first.backend}`);
