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
import { addNoise } from '../src-main/model/data/augmentations/noise-to-snr.ts';
import { sampleWindow } from '../src-main/model/data/source-framing.ts';
import { loadSample } from '../src-main/model/data/preprocess.ts';
import { parseSettings, preprocessFor } from '../src-main/model/index.ts';
import { Rng } from '../src-main/base/index.ts';
import { noisedToPeakSnr, readSky } from './sky.ts';

const { positionals, values: args } = parseArgs({ allowPositionals: true, options: { n: { type: 'string', default: '200' }, snr: { type: 'string', default: '5,10' } } });
const dir = positionals[0];
if (!dir) throw new Error('usage: node bench/framing-noise.ts DATASET_DIR [--n 200] [--snr 5,10]');
const [lo, hi] = args.snr.split(',').map(Number) as [number, number];
const files = readdirSync(dir).filter((f) => /\.fits(\.gz)?$/.test(f)).sort().slice(0, Number(args.n));
const rng = new Rng(20261207);

const field: number[] = [], inFrame: number[] = [];
let lost = 0, skipped = 0;
const opts = { ...preprocessFor(parseSettings({})), deferStretch: true };
for (const f of files) {
  const sky = readSky(join(dir, f));
  if (sky.width !== sky.height) { skipped++; continue; } // square fields only: the window's bound is the field
  const before = sampleWindow(sky), noisy = before && noisedToPeakSnr(sky, rng, lo, hi);
  if (!before || !noisy) { skipped++; continue; }
  const after = sampleWindow(noisy);
  if (!after) lost++;
  else field.push(after.half / before.half);
  // Inside the framed sample: the clean view's window against the noisy view's, as reframe does.
  const s = loadSample(join(dir, f), 0, opts), S = s.width;
  const whole = { cx: S / 2, cy: S / 2, half: S / 2 };
  const a = sampleWindow(s) ?? whole, b = sampleWindow(addNoise(s, rng.logUniform(lo, hi), rng, rng.uniform(0, 3))) ?? whole;
  inFrame.push(b.half / a.half);
}
const pct = [5, 25, 50, 75, 95];
const q = (xs: number[]) => { const s = [...xs].sort((x, y) => x - y); return pct.map((p) => s[Math.round((p / 100) * (s.length - 1))]!.toFixed(2)).join('  '); };
console.log(`${files.length} images of ${dir} (${skipped} not square or without a window), noise to peak SNR ${lo}-${hi}; percentiles ${pct.join(', ')}`);
console.log(`whole field, window after / before:     ${q(field)}   (${lost} of ${field.length + lost} find no window: the whole field)`);
console.log(`framed sample, window after / before:   ${q(inFrame)}`);
console.log(`reframe's zoom (root of the line above): ${q(inFrame.map(Math.sqrt))}`);
