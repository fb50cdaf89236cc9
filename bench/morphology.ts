// Embedding quality on the survey-like benchmark, through the real CLI as a user runs it
// (npm run bench:morphology): for each data seed, write a labelled set, init/add/train/embed/export
// with the given settings file (none: the defaults), and score the exported embeddings on the labels:
// leave-one-out kNN (k = 10, cosine), a linear probe, precision@10, per class, confusion; beside
// baselines that learn nothing (raw preprocessed pixels, pixels + PCA, the untrained encoder).
//
//   node bench/morphology.ts [--kind disks|cubes] [--n 480] [--data-seeds 101] [--train-seeds 1,2,3]
//        [--config settings.toml] [--test-snr 8,15] [--test-size 160,256] [--train-snr 15,300]
//        [--train-incl 0,40] [--test-incl 50,70]
//        [--baselines] [--inference-variants] [--keep DIR] [--json OUT.json]
//
// With --test-snr/--test-size/--test-incl (shifted nuisance ranges) the model is trained on a set drawn from
// the training ranges and scored on a second, fresh set drawn from the shifted ones (embedded
// with the same run: `add` the test folder after training, then `embed`).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { csvParse } from 'd3-dsv';
import { evaluateLabels, type LabelEvaluation } from '../src-main/analysis/index.ts';
import { symmetricEigen } from '../src-main/base/symmetric-eigen.ts';
import { byBlock, weighedBlocks } from './quality-metrics.ts';
import { DEFAULT_PREPROCESS, loadSample } from '../src-main/model/data/index.ts';
import { polarProfile, toPolar } from '../src-main/model/data/polar.ts';
import { descriptorBlocks } from '../src-main/model/data/descriptor.ts';
import { embed, parseSettings, loadSettings, preprocessFor } from '../src-main/model/index.ts';
import { Project } from '../src-main/project/index.ts';
import { writeSurveyDataset, type SurveyRanges } from '../src-main/synthetic/index.ts';

const { values: args } = parseArgs({
  options: {
    kind: { type: 'string', default: 'disks' }, n: { type: 'string', default: '480' },
    'data-seeds': { type: 'string', default: '101' }, 'train-seeds': { type: 'string', default: '1' },
    config: { type: 'string' }, 'test-snr': { type: 'string' }, 'test-size': { type: 'string' }, 'train-snr': { type: 'string' },
    'train-incl': { type: 'string' }, 'test-incl': { type: 'string' },
    baselines: { type: 'boolean', default: false }, keep: { type: 'string' }, json: { type: 'string' },
    'no-train': { type: 'boolean', default: false }, 'inference-variants': { type: 'boolean', default: false },
  },
});
const kind = args.kind === 'cubes' ? 'cubes' : args.kind === 'disks' ? 'disks' : (() => { throw new Error(`--kind disks|cubes, got ${args.kind}`); })();
const N = Number(args.n);
const list = (s: string) => s.split(',').map(Number);
const pair = (s: string | undefined): [number, number] | undefined => (s ? (list(s) as [number, number]) : undefined);
const repo = resolve(import.meta.dirname, '..');
const launcher = join(repo, 'src-main', 'cli', 'astromorph.mjs');
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const started = performance.now();
const clock = () => `${((performance.now() - started) / 1000).toFixed(0)} s`;

function astromorph(...a: string[]): string {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [launcher, ...a], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`astromorph ${a.join(' ')} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  if (a[0] === 'train' || a[0] === 'embed') console.log(`   astromorph ${a.map((x) => (x.length > 40 ? basename(x) : x)).join(' ')}: ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  return r.stdout;
}

interface Labelled { file: string; label: string }
function readLabels(dir: string): Labelled[] {
  return csvParse(readFileSync(join(dir, 'labels.csv'), 'utf8')).map((r) => ({ file: join(dir, r.file!), label: r.label! }));
}

/** Exported embeddings of the labelled files, in label order. */
function exported(project: string, dir: string, labels: Labelled[]): Float32Array[] {
  const out = join(dir, `emb-${Date.now()}.csv`);
  astromorph('export', project, 'embeddings', '--format', 'csv', '--out', out);
  const rows = csvParse(readFileSync(out, 'utf8'));
  const embCols = rows.columns.filter((c) => /^emb_\d+$/.test(c));
  const byFile = new Map(rows.map((r) => [r.file!, Float32Array.from(embCols, (c) => Number(r[c]))]));
  return labels.map((l) => {
    const v = byFile.get(l.file) ?? [...byFile.entries()].find(([f]) => f.endsWith(l.file.slice(l.file.lastIndexOf('/'))))?.[1];
    if (!v) throw new Error(`no embedding exported for ${l.file}`);
    return v;
  });
}

function summary(name: string, e: LabelEvaluation): string {
  return `${name.padEnd(34)} kNN ${pct(e.knn.accuracy)}  probe ${pct(e.linearProbe.accuracy)}  P@10 ${pct(e.precisionAtK)}  eff.rank ${e.effectiveRank.toFixed(1)}`;
}
function details(e: LabelEvaluation): string {
  const perClass = e.classes.map((c) => `${c} ${pct(e.knn.perClass[c]!)}`).join(', ');
  const confusion = e.classes.map((c, i) => `   ${c.padEnd(12)} ${e.knn.confusion[i]!.map((x) => String(x).padStart(4)).join('')}`).join('\n');
  return `   kNN per class: ${perClass}\n   confusion (rows true, cols predicted: ${e.classes.join(' ')}):\n${confusion}`;
}

/**
 * Coordinates of n vectors on their first k principal axes, from the n x n Gram matrix of the
 * centred vectors (n is hundreds, d thousands of pixels: the d x d covariance would be far slower).
 */
function principalComponents(vectors: ArrayLike<number>[], k: number): Float32Array[] {
  const n = vectors.length, d = vectors[0]!.length;
  const mean = new Float64Array(d);
  for (const v of vectors) for (let j = 0; j < d; j++) mean[j]! += v[j]! / n;
  const x = vectors.map((v) => Float64Array.from({ length: d }, (_, j) => v[j]! - mean[j]!));
  const gram = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let m = i; m < n; m++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += x[i]![j]! * x[m]![j]!;
    gram[i * n + m] = s; gram[m * n + i] = s;
  }
  // Gram = U S^2 U^T; the coordinates on the principal axes are U S.
  const { values, vectors: u } = symmetricEigen(gram, n);
  return Array.from({ length: n }, (_, i) => Float32Array.from({ length: k }, (_, c) => u[i * n + c]! * Math.sqrt(Math.max(0, values[c]!))));
}

const results: Record<string, LabelEvaluation[]> = {};
const record = (name: string, e: LabelEvaluation) => { (results[name] ??= []).push(e); console.log(summary(name, e)); };

const root = args.keep ? resolve(args.keep) : mkdtempSync(join(tmpdir(), 'astromorph-morphology-'));
mkdirSync(root, { recursive: true });
if (!args.keep) process.on('exit', () => rmSync(root, { recursive: true, force: true }));
const configFile = args.config ? resolve(args.config) : undefined;
// Cubes get 8 channels when the settings leave it to the data, as `train` chooses for a project of cubes.
const settings = (() => {
  const s = configFile ? loadSettings(configFile) : parseSettings({});
  const setsChannels = configFile !== undefined && /^\s*channels\s*=/m.test(readFileSync(configFile, 'utf8'));
  return kind === 'cubes' && !setsChannels ? { ...s, channels: 8 } : s;
})();
const shifted = args['test-snr'] !== undefined || args['test-size'] !== undefined || args['test-incl'] !== undefined;
const trainRanges: Partial<SurveyRanges> = {
  ...(args['train-snr'] ? { snr: pair(args['train-snr']) } : {}),
  ...(args['train-incl'] ? { inclination: pair(args['train-incl']) } : {}),
};
const testRanges: Partial<SurveyRanges> = {
  ...trainRanges,
  ...(args['test-snr'] ? { snr: pair(args['test-snr']) } : {}),
  ...(args['test-size'] ? { size: pair(args['test-size']) } : {}),
  ...(args['test-incl'] ? { inclination: pair(args['test-incl']) } : {}),
};
console.log(`${kind}: ${N} items per set, data seeds ${args['data-seeds']}, training seeds ${args['train-seeds']}, settings ${configFile ?? '(defaults)'}` +
  (shifted ? `; trained on ${JSON.stringify(trainRanges)}, scored on a fresh set with ${JSON.stringify(testRanges)}` : ''));

for (const dataSeed of list(args['data-seeds']!)) {
  const trainDir = join(root, `${kind}-${dataSeed}`);
  const t0 = performance.now();
  // With --keep, a set written before (same kind, n, seed and ranges) is used again.
  const write = (dir: string, seed: number, ranges: Partial<SurveyRanges>) => {
    const tag = JSON.stringify({ kind, n: N, seed, ranges });
    if (existsSync(join(dir, 'set.json')) && readFileSync(join(dir, 'set.json'), 'utf8') === tag) return;
    rmSync(dir, { recursive: true, force: true });
    writeSurveyDataset(dir, { kind, n: N, seed, ranges });
    writeFileSync(join(dir, 'set.json'), tag);
  };
  write(trainDir, dataSeed, trainRanges);
  let testDir = trainDir;
  if (shifted) {
    testDir = join(root, `${kind}-${dataSeed}-shifted`);
    write(testDir, dataSeed + 50_000, testRanges);
  }
  console.log(`\ndata seed ${dataSeed}: written in ${((performance.now() - t0) / 1000).toFixed(1)} s (${clock()})`);
  const labels = readLabels(testDir);
  const names = labels.map((l) => l.label);

  if (args.baselines) {
    const pre = { ...DEFAULT_PREPROCESS, ...preprocessFor(settings) };
    const pixels = labels.map((l) => loadSample(l.file, 0, pre).data);
    record('raw pixels', evaluateLabels(pixels, names));
    record('pixels + PCA(50)', evaluateLabels(principalComponents(pixels, 50), names));
    const framed = labels.map((l) => loadSample(l.file, 0, { ...pre, framing: 'source', coordinates: 'cartesian' }));
    record('polar profile (no learning)', evaluateLabels(framed.map((f) => polarProfile(toPolar(f), true)), names));
    record('deprojected polar profile', evaluateLabels(framed.map((f) => polarProfile(f)), names));
    const described = framed.map((f) => descriptorBlocks(f, 'morphology'));
    record('morphology descriptor (no learning)', evaluateLabels(weighedBlocks(byBlock(described.map((d) => d.map((b) => b.values))), described[0]!.map((b) => b.weight)), names));
  }
  if (args['no-train']) continue;
  for (const trainSeed of list(args['train-seeds']!)) {
    const project = join(root, `p-${dataSeed}-${trainSeed}-${Date.now()}.amproj`);
    astromorph('init', project);
    astromorph('add', project, trainDir, '--no-progress');
    const trainArgs = ['train', project, '--seed', String(trainSeed), ...(configFile ? ['--config', configFile] : [])];
    astromorph(...trainArgs);
    if (shifted) astromorph('add', project, testDir, '--no-progress');
    astromorph('embed', project);
    console.log(`   training seed ${trainSeed}:`);
    record('BYOL', evaluateLabels(exported(project, root, labels), names));
    console.log(details(results.BYOL!.at(-1)!));
    if (args['inference-variants']) {
      // The same trained run embedded with the inference options switched off, one at a time.
      const p = Project.open(project);
      try {
        const run = p.runs.list().at(-1)!;
        const weights = p.checkpoints.latest(run.id)!.weights;
        const stored = parseSettings(run.config);
        for (const [name, change] of [['no quarter-turn averaging', { embed_rotations: 1 }], ['no standardisation', { embed_standardise: false }],
          ['neither', { embed_rotations: 1, embed_standardise: false }]] as const) {
          const config = { ...stored, ...change };
          const vectors: Float32Array[] = [];
          const spec = { kind: 'files' as const, items: labels.map((l) => ({ path: l.file, hdu: 0 })), preprocess: preprocessFor(parseSettings(config)) };
          for await (const e of embed(weights, config, spec)) vectors.push(e.vector);
          record(`BYOL, ${name}`, evaluateLabels(vectors, names));
        }
      } finally {
        p.close();
      }
    }
    if (args.baselines && trainSeed === list(args['train-seeds']!)[0]) {
      const untrained = join(root, `u-${dataSeed}-${Date.now()}.amproj`);
      astromorph('init', untrained);
      astromorph('add', untrained, testDir, '--no-progress');
      const cfg = join(root, 'untrained.toml');
      const base = configFile ? readFileSync(configFile, 'utf8').split('\n').filter((l) => !/^\s*(epochs|learning_rate)\s*=/.test(l)).join('\n') : '';
      writeFileSync(cfg, `${base}\nepochs = 1\nlearning_rate = 1e-12\n`);
      astromorph('train', untrained, '--config', cfg, '--seed', String(trainSeed));
      astromorph('embed', untrained);
      record('untrained encoder', evaluateLabels(exported(untrained, root, labels), names));
    }
  }
}

console.log(`\nsummary over data and training seeds (mean, min-max), ${clock()}:`);
const stat = (xs: number[]) => `${pct(xs.reduce((a, b) => a + b, 0) / xs.length)} (${pct(Math.min(...xs))}-${pct(Math.max(...xs))})`;
const table: Record<string, unknown> = {};
for (const [name, es] of Object.entries(results)) {
  console.log(`${name.padEnd(34)} kNN ${stat(es.map((e) => e.knn.accuracy))}  probe ${stat(es.map((e) => e.linearProbe.accuracy))}  P@10 ${stat(es.map((e) => e.precisionAtK))}`);
  table[name] = es.map((e) => ({ knn: e.knn.accuracy, probe: e.linearProbe.accuracy, p10: e.precisionAtK, perClass: e.knn.perClass, effectiveRank: e.effectiveRank }));
}
if (args.json) writeFileSync(args.json, JSON.stringify({ kind, n: N, args, results: table }, null, 2));
