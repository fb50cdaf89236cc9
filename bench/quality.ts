// Representation quality on labelled synthetic disks (npm run bench:quality).
//  1. Writes a labelled synthetic set as FITS (float32, scaled int16, ALMA 4-D, gzip mixed).
//  2. Leave-one-out kNN accuracy (k=5, cosine) of (a) raw preprocessed pixels, (b) BYOL embeddings
//     after a short training run.
//  3. How well the nuisances (image size, noise level, beam in pixels) can be predicted from each
//     feature set (kNN regression R^2): lower is more invariant; compare with class accuracy.
//  4. Nuisance check on held-out objects, each rendered again at other field sizes, pixel scales,
//     noise levels, beams and file formats: the fraction of renderings nearer to their own object's
//     reference rendering than to any rendering of another class.
//  --ablate NAME drops one default augmentation (--ablate all: each in turn) and prints kNN accuracy.
//
//   node bench/quality.ts [--n 720] [--epochs 30] [--size 32] [--width 16] [--depth 5] [--batch 32] [--seed 1]
//                         [--objects 6] [--lr 3e-3] [--tau 0.99] [--head-norm batch|layer] [--framing source|field]
//                         [--encoder small-cnn|resnet18] [--no-byol] [--ablate NAME,...|all] [--augmentations JSON]
//  With layer-norm heads BYOL collapsed (kNN below raw pixels); batch norm (the default) learns.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_AUGMENTATIONS, DEFAULT_PREPROCESS, loadSample, openSampleSource, type AugmentationSpec, type ImageSample,
  type PreprocessOptions, type SampleSourceSpec } from '../src-main/model/data/index.ts';
import { Rng } from '../src-main/base/random.ts';
import {
  DISK_CLASSES, fileNameFor, renderObject, sampleObject, sampleObservation, withBeam, withFieldOfView, withPixelScale, withSnr,
  writeSyntheticDataset, writeSyntheticImage, type SyntheticFormat, type WrittenItem,
} from '../src-main/synthetic/index.ts';
import { centred, cosineSimilarities, knnAccuracy, knnR2, nuisanceCheck, spread, type Rendering } from './quality-metrics.ts';

const { values: args } = parseArgs({
  options: {
    n: { type: 'string', default: '720' }, epochs: { type: 'string', default: '30' }, size: { type: 'string', default: '32' },
    width: { type: 'string', default: '16' }, batch: { type: 'string', default: '32' }, seed: { type: 'string', default: '1' },
    objects: { type: 'string', default: '6' }, lr: { type: 'string', default: '3e-3' }, tau: { type: 'string', default: '0.99' },
    encoder: { type: 'string', default: 'small-cnn' }, 'head-norm': { type: 'string', default: 'batch' }, depth: { type: 'string', default: '5' },
    framing: { type: 'string', default: 'source' }, 'no-byol': { type: 'boolean', default: false }, ablate: { type: 'string' }, augmentations: { type: 'string' },
  },
});
const N = Number(args.n), EPOCHS = Number(args.epochs), S = Number(args.size), WIDTH = Number(args.width);
const BATCH = Number(args.batch), SEED = Number(args.seed), OBJECTS = Number(args.objects), LR = Number(args.lr);
// --augmentations '[{"name":"rotation"},...]' replaces the defaults (for trying other lists).
const AUGMENTATIONS: AugmentationSpec[] = args.augmentations ? JSON.parse(args.augmentations) : DEFAULT_AUGMENTATIONS;
// spectral-shift is left out of 'all': on single-channel images it is an identity.
const ABLATE = args.ablate === undefined ? [] : args.ablate === 'all' ? AUGMENTATIONS.map((a) => a.name).filter((n) => n !== 'spectral-shift') : args.ablate.split(',');
const notListed = ABLATE.filter((n) => !AUGMENTATIONS.some((a) => a.name === n));
if (notListed.length > 0) throw new Error(`--ablate: not in the augmentation list: ${notListed.join(', ')} (list: ${AUGMENTATIONS.map((a) => a.name).join(', ')})`);
/** An option that must be one of a few words: a typo must not silently measure something else. */
function choice<T extends string>(name: string, value: string | undefined, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) throw new Error(`--${name} must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
  return value as T;
}
const TAU = Number(args.tau), DEPTH = Number(args.depth), ENCODER = choice('encoder', args.encoder, ['small-cnn', 'resnet18'] as const);
const HEAD_NORM = choice('head-norm', args['head-norm'], ['batch', 'layer'] as const);
const started = performance.now();
const clock = () => `${((performance.now() - started) / 1000).toFixed(0)} s`;
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

const dir = mkdtempSync(join(tmpdir(), 'astromorph-quality-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const pre: PreprocessOptions = { ...DEFAULT_PREPROCESS, size: S, framing: choice('framing', args.framing, ['source', 'field'] as const) };

// 1. The labelled set, on disk in mixed formats.
const formats: SyntheticFormat[] = ['float32', 'int16-bscale', '4d-alma', 'gz'];
const { items } = writeSyntheticDataset(join(dir, 'train'), { n: N, seed: SEED, formats });
const spec: SampleSourceSpec = { kind: 'files', items: items.map((it) => ({ path: join(dir, 'train', it.file), hdu: 0 })), preprocess: pre };
const source = openSampleSource(spec, { cacheBytes: 1024 ** 3 });
const samples = Array.from({ length: N }, (_, i) => source.get(i));
console.log(`data: ${N} images (${DISK_CLASSES.length} classes, formats ${formats.join('/')}), working size ${S}x${S}, written and preprocessed in ${clock()}`);

// 2-3. Class accuracy and nuisance predictability of a feature set.
const labels = items.map((it) => it.className);
const nuisances = {
  'log image size': items.map((it) => Math.log(it.image.observation.width)),
  'log SNR': items.map((it) => Math.log(it.image.observation.snr)),
  'log beam/pixel': items.map((it) => Math.log(it.image.observation.beamMajor / it.image.observation.pixelScale)),
  'log field/object': items.map((it: WrittenItem) => Math.log((it.image.observation.width * it.image.observation.pixelScale) / it.image.object.radius)),
};
function report(name: string, features: ArrayLike<number>[]): number {
  const sim = cosineSimilarities(features);
  const { accuracy, perClass, confusion } = knnAccuracy(sim, labels, 5);
  // Cosine on mean-centred features too: ReLU-pooled embeddings are all non-negative, so plain cosine
  // similarities crowd near 1; centring removes the shared offset.
  const simC = cosineSimilarities(centred(features));
  console.log(`${name}: spread of the embeddings (1 = well spread, 0 = collapsed) ${spread(features).toFixed(2)}`);
  console.log(`${name}: kNN accuracy (k=5, cosine, leave-one-out) ${pct(accuracy)}; on centred features ${pct(knnAccuracy(simC, labels, 5).accuracy)}`);
  console.log(`   per class: ${Object.entries(perClass).map(([c, a]) => `${c} ${pct(a)}`).join(', ')}`);
  const mistakes = Object.entries(confusion).flatMap(([t, row]) => Object.entries(row).filter(([p]) => p !== t).map(([p, n]) => [`${t} as ${p}`, n] as const));
  console.log(`   most confused: ${mistakes.sort((a, b) => b[1] - a[1]).slice(0, 5).map(([m, n]) => `${m} ${n}`).join(', ')}`);
  console.log(`${name}: nuisance predictability, kNN regression R^2: ${Object.entries(nuisances).map(([k, t]) => `${k} ${knnR2(sim, t, 5).toFixed(2)}`).join(', ')}`);
  return accuracy;
}

// 4. Held-out objects rendered again under other conditions, read back through the FITS layer.
function nuisanceSet(): { renderings: Rendering[]; samples: ImageSample[] } {
  const rng = new Rng(SEED + 1000);
  const renderings: Rendering[] = [], out: ImageSample[] = [];
  let object = 0;
  for (let k = 0; k < OBJECTS; k++) {
    for (const cls of DISK_CLASSES) {
      const o = sampleObject(rng, cls);
      const base = sampleObservation(rng, o);
      const variants: [string, ReturnType<typeof sampleObservation>, SyntheticFormat][] = [
        ['reference', base, 'float32'],
        ['noise realisation', withSnr(base, base.snr, base.noiseSeed + 1), 'float32'],
        ['field x1.6', withFieldOfView(base, 1.6), 'float32'],
        ['field x0.75', withFieldOfView(base, 0.75), 'float32'],
        ['pixel scale x1.5', withPixelScale(base, 1.5), 'float32'],
        ['SNR 8', withSnr(base, 8, base.noiseSeed + 2), 'float32'],
        ['SNR 1000', withSnr(base, 1000, base.noiseSeed + 3), 'float32'],
        ['beam x1.6', withBeam(base, 1.6), 'float32'],
        ['int16 BSCALE', base, 'int16-bscale'],
        ['ALMA 4-D', base, '4d-alma'],
      ];
      for (const [variant, obs, format] of variants) {
        const file = join(dir, fileNameFor(`n${object}-${renderings.length}`, format));
        writeSyntheticImage(file, renderObject(o, obs), format);
        out.push(loadSample(file, 0, pre));
        renderings.push({ object, className: cls, variant });
      }
      object++;
    }
  }
  return { renderings, samples: out };
}
const held = nuisanceSet();
function reportNuisance(name: string, features: ArrayLike<number>[]): void {
  const r = nuisanceCheck(cosineSimilarities(features), held.renderings);
  console.log(`${name}: nuisance check, renderings nearer their own object than any other-class object: ${pct(r.overall)}`);
  console.log('   ' + Object.entries(r.perVariant).map(([v, x]) => `${v} ${pct(x.fraction)}`).join(', '));
}

console.log(`\n(a) raw pixels after preprocessing (${S * S} values)`);
report('raw pixels', samples.map((s) => s.data));
reportNuisance('raw pixels', held.samples.map((s) => s.data));
console.log(`(${clock()})`);

// (b) BYOL. Imported lazily so the raw-pixel baseline runs without the model layer.
async function byolFeatures(augmentations: AugmentationSpec[], label: string, untrained = false): Promise<{ main: Float32Array[]; held: Float32Array[] }> {
  const { startTraining, embed, parseSettings } = await import('../src-main/model/index.ts');
  const config = {
    epochs: untrained ? 1 : EPOCHS, batch_size: BATCH, encoder: ENCODER, width: WIDTH, depth: DEPTH, image_size: S, channels: 1,
    projection_size: 64, projection_hidden_size: 256, learning_rate: untrained ? 1e-12 : LR, warmup_epochs: 1, seed: SEED, augmentations,
    moving_average_decay: TAU, head_norm: HEAD_NORM,
  };
  const t0 = performance.now();
  const settings = parseSettings(config);
  const handle = startTraining({ settings, source: spec });
  let last = 0;
  handle.on('progress', (p) => {
    if (performance.now() - last < 30_000 && p.globalStep !== p.totalSteps) return;
    last = performance.now();
    console.log(`   [${label}] step ${p.globalStep}/${p.totalSteps} loss ${p.loss.toFixed(3)} ${p.imagesPerSecond.toFixed(1)} img/s data-wait ${pct(p.dataWaitShare)} (${p.backend})`);
  });
  const result = await handle.done;
  console.log(`   [${label}] trained ${config.epochs} epochs in ${((performance.now() - t0) / 1000).toFixed(0)} s; epoch losses ${result.epochLosses.map((l) => l.toFixed(3)).join(' ')}`);
  const collect = async (list: ImageSample[]) => {
    const out: Float32Array[] = [];
    for await (const e of embed(result.checkpoint, settings, { length: list.length, get: (i) => list[i]! })) out.push(e.vector);
    return out;
  };
  return { main: await collect(samples), held: await collect(held.samples) };
}

if (args.ablate !== undefined) {
  const rows: string[] = [];
  for (const name of ['(none)', ...ABLATE]) {
    const f = await byolFeatures(AUGMENTATIONS.filter((a) => a.name !== name), `without ${name}`);
    const acc = knnAccuracy(cosineSimilarities(f.main), labels, 5).accuracy;
    const nuis = nuisanceCheck(cosineSimilarities(f.held), held.renderings).overall;
    rows.push(`without ${name.padEnd(15)} kNN accuracy ${pct(acc)}  nuisance check ${pct(nuis)}`);
    console.log(rows[rows.length - 1]);
  }
  console.log('\nablation (BYOL, same budget each):\n' + rows.join('\n'));
} else if (!args['no-byol']) {
  console.log(`\n(b) BYOL embeddings: ${ENCODER} width ${WIDTH} depth ${DEPTH}, ${EPOCHS} epochs, batch ${BATCH}, lr ${LR}, tau ${TAU}, ${args['head-norm']}-norm heads`);
  console.log(`   augmentations: ${JSON.stringify(AUGMENTATIONS)}`);
  const f = await byolFeatures(AUGMENTATIONS, 'BYOL');
  report('BYOL', f.main);
  reportNuisance('BYOL', f.held);
  // What BYOL has to beat beyond random convolutional features: the same encoder, weights as initialised.
  console.log(`\n(c) the same encoder untrained (1 epoch at learning rate 1e-12)`);
  const u = await byolFeatures(AUGMENTATIONS, 'untrained', true);
  report('untrained encoder', u.main);
  reportNuisance('untrained encoder', u.held);
}
console.log(`\ntotal ${clock()}`);
