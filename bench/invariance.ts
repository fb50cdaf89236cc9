// Does a trained run know an object seen at another position angle, inclination or noise level?
// For the first --n labelled images of a benchmark set (bench:morphology --keep), each sky image is
// turned by an angle that is not a quarter turn (20-70 degrees), squeezed as by a further inclination
// (cos i along a random axis, i 40-60 degrees), or given noise down to a peak SNR of 5-10, written
// as a new FITS file, and embedded with the run beside the originals. Printed per change: how often
// the original is the copy's nearest original (top-1) or among its 5 nearest, and the median rank;
// for the full embedding and for the network's part alone (no descriptor, not standardised).
//
//   node bench/invariance.ts DIR DATASET PROJECT [PROJECT ...] [--n 160]
//
// Several projects (runs trained with and without an augmentation, or untrained) are scored on the
// same copies, so the table says whether an augmentation adds an invariance the preprocessing lacks.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { csvParse } from 'd3-dsv';
import { rotate } from '../src-main/model/data/augmentations/random-rotation.ts';
import { squeeze } from '../src-main/model/data/augmentations/random-inclination.ts';
import type { ImageSample } from '../src-main/model/data/index.ts';
import { embed, parseSettings, preprocessFor } from '../src-main/model/index.ts';
import { Project } from '../src-main/project/index.ts';
import { Rng } from '../src-main/base/index.ts';
import { unitRows } from './quality-metrics.ts';
import { noisedToPeakSnr, readSky, writeSky } from './sky.ts';

const { values: args, positionals } = parseArgs({ options: { n: { type: 'string', default: '160' } }, allowPositionals: true });
const [dir, dataset, ...projects] = positionals;
if (!dir || !dataset || projects.length === 0) throw new Error('usage: node bench/invariance.ts DIR DATASET PROJECT [PROJECT ...] [--n 160]');
const dataDir = join(dir, dataset);
const labels = csvParse(readFileSync(join(dataDir, 'labels.csv'), 'utf8')).slice(0, Number(args.n));
const originals = labels.map((l) => join(dataDir, l.file!));

const work = mkdtempSync(join(tmpdir(), 'astromorph-invariance-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));
const rng = new Rng(20261207);
const changes = {
  'turned 20-70 deg': (s: ImageSample) => rotate(s, ((rng.uniform(20, 70) * Math.PI) / 180) * (rng.uniform(0, 1) < 0.5 ? -1 : 1), 'reflect'),
  'inclined 40-60 deg more': (s: ImageSample) => squeeze(s, Math.cos((rng.uniform(40, 60) * Math.PI) / 180), rng.uniform(0, Math.PI)),
  'noise to peak SNR 5-10': (s: ImageSample) => noisedToPeakSnr(s, rng, 5, 10) ?? s,
} as const;
const copies: Record<string, string[]> = {};
for (const [name, change] of Object.entries(changes)) {
  copies[name] = originals.map((path, i) => {
    const out = join(work, `${name.split(' ')[0]}-${i}.fits`);
    const sky = readSky(path);
    writeSky(out, change(sky), sky.cards);
    return out;
  });
}

async function vectors(weights: Uint8Array, config: ReturnType<typeof parseSettings>, files: string[]): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  const spec = { kind: 'files' as const, items: files.map((path) => ({ path, hdu: 0 })), preprocess: preprocessFor(config) };
  for await (const e of embed(weights, config, spec)) out.push(e.vector);
  return out;
}
/** For each copy: the rank of its own original among all originals by cosine similarity (0 = nearest). */
function ranks(orig: Float32Array[], copy: Float32Array[]): number[] {
  const o = unitRows(orig), c = unitRows(copy);
  return copy.map((_, i) => {
    const sims = orig.map((__, j) => { let s = 0; for (let k = 0; k < o.d; k++) s += c.data[i * c.d + k]! * o.data[j * o.d + k]!; return s; });
    return sims.filter((s) => s > sims[i]!).length;
  });
}
const pct = (x: number) => `${(100 * x).toFixed(0)}%`;
console.log(`${originals.length} images of ${dataDir}; top-1 / top-5 / median rank of the original among ${originals.length}`);
for (const file of projects) {
  const p = Project.open(join(dir, file));
  const run = p.runs.list().at(-1)!;
  const weights = p.checkpoints.latest(run.id)!.weights;
  const stored = parseSettings(run.config);
  p.close();
  const augs = stored.augmentations.map((a) => a.name).join('+') || 'none';
  for (const [part, config] of [['embedding', stored], ['network part', { ...stored, embed_profile: 'none' as const, embed_standardise: false }]] as const) {
    const base = await vectors(weights, config, originals);
    const cells = [];
    for (const name of Object.keys(changes)) {
      const r = ranks(base, await vectors(weights, config, copies[name]!));
      const sorted = [...r].sort((a, b) => a - b);
      cells.push(`${name}: ${pct(r.filter((x) => x === 0).length / r.length)} / ${pct(r.filter((x) => x < 5).length / r.length)} / ${sorted[sorted.length >> 1]}`);
    }
    console.log(`${file} (${augs}, ${stored.epochs} epochs), ${part}:\n   ${cells.join('\n   ')}`);
  }
}
