// How much does noise move the source window that framing finds? The figures behind the noise
// augmentation's reframe option (noise-to-snr.ts). For each image of a labelled set
// (bench/make-survey.ts): noise added to the whole field down to a peak SNR of 5-10, the window
// found on the field before and after (the real effect); then the same inside the framed working
// sample, as the augmentation sees it, and the zoom the augmentation applies (the root of that).
// Prints percentiles of window ratios (after / before); 1 = unchanged, below 1 = framed tighter.
//   node bench/framing-noise.ts DATASET_DIR [--n 200] [--snr 5,10]
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fitNoise } from '../src-main/export/index.ts';
import { HduList } from '../src-main/fits/index.ts';
import { addNoise } from '../src-main/model/data/augmentations/noise-to-snr.ts';
import { findSourceWindow, type FrameWindow } from '../src-main/model/data/source-framing.ts';
import type { ImageSample } from '../src-main/model/data/index.ts';
import { loadSample } from '../src-main/model/data/preprocess.ts';
import { parseSettings, preprocessFor } from '../src-main/model/index.ts';
import { Rng } from '../src-main/base/index.ts';

const { positionals, values: args } = parseArgs({ allowPositionals: true, options: { n: { type: 'string', default: '200' }, snr: { type: 'string', default: '5,10' } } });
const dir = positionals[0];
if (!dir) throw new Error('usage: node bench/framing-noise.ts DATASET_DIR [--n 200] [--snr 5,10]');
const [lo, hi] = args.snr.split(',').map(Number) as [number, number];
const files = readdirSync(dir).filter((f) => /\.fits(\.gz)?$/.test(f)).sort().slice(0, Number(args.n));
const rng = new Rng(20261207);

/** Window on a square plane (sum of channels), or undefined where framing keeps the whole field. */
function windowOf(s: ImageSample): FrameWindow | undefined {
  const N = s.width * s.height, b = new Float32Array(N);
  for (let i = 0; i < N; i++) for (let c = 0; c < s.channels; c++) b[i]! += s.data[i * s.channels + c]!;
  return findSourceWindow(b, s.mask, s.width, { x0: 0, y0: 0, width: s.width, height: s.height });
}

const field: number[] = [], inFrame: number[] = [];
let lost = 0, skipped = 0;
const opts = { ...preprocessFor(parseSettings({})), deferStretch: true };
for (const f of files) {
  const list = HduList.open(join(dir, f));
  const h = list.hdu(0);
  if (h.kind !== 'image' || h.shape[0] !== h.shape[1]) { list.close(); skipped++; continue; } // square fields only: the window's bound is the field
  const w = h.shape[0]!, plane = h.readPlane(0);
  list.close();
  const mask = new Uint8Array(w * w), data = new Float32Array(w * w);
  for (let i = 0; i < data.length; i++) if (Number.isFinite(plane[i]!)) { mask[i] = 1; data[i] = plane[i]!; }
  const sky: ImageSample = { data, mask, width: w, height: w, channels: 1 };
  const before = windowOf(sky), noise = fitNoise(data.filter((_, i) => mask[i]));
  if (!before || !noise) { skipped++; continue; }
  const target = (noise.peakSnr * noise.sigma) / rng.uniform(lo, hi);
  const add = Math.sqrt(Math.max(0, target * target - noise.sigma ** 2));
  const after = windowOf({ ...sky, data: Float32Array.from(data, (v, i) => (mask[i] ? v + add * rng.normal() : 0)) });
  if (!after) lost++;
  else field.push(after.half / before.half);
  // Inside the framed sample: the clean view's window against the noisy view's, as reframe does.
  const s = loadSample(join(dir, f), 0, opts), S = s.width;
  const whole = { cx: S / 2, cy: S / 2, half: S / 2 };
  const a = windowOf(s) ?? whole, b = windowOf(addNoise(s, rng.logUniform(lo, hi), rng, rng.uniform(0, 3))) ?? whole;
  inFrame.push(b.half / a.half);
}
const pct = [5, 25, 50, 75, 95];
const q = (xs: number[]) => { const s = [...xs].sort((x, y) => x - y); return pct.map((p) => s[Math.round((p / 100) * (s.length - 1))]!.toFixed(2)).join('  '); };
console.log(`${files.length} images of ${dir} (${skipped} not square or without a window), noise to peak SNR ${lo}-${hi}; percentiles ${pct.join(', ')}`);
console.log(`whole field, window after / before:     ${q(field)}   (${lost} of ${field.length + lost} find no window: the whole field)`);
console.log(`framed sample, window after / before:   ${q(inFrame)}`);
console.log(`reframe's zoom (root of the line above): ${q(inFrame.map(Math.sqrt))}`);
