// A survey-sized project on the local Slurm (scripts/local-slurm.sh): N small synthetic cutouts
// (16x16 float32 FITS), scanned and embedded in `--tasks` shards through `astromorph slurm --submit`,
// with a tiny encoder trained on the sample data and imported (`astromorph model export/import`).
// Prints wall times, shard sizes, merge times, project size, and the peak memory (max RSS) of
// `similar` and `map --method pca` at that size. Needs sbatch on the PATH (a running Slurm).
//   node bench/scale.ts [--n 100000] [--tasks 16] [--dir DIR] [--keep]
//   node bench/scale.ts --rows-only --n 1000000   no files, no Slurm: N item rows written straight into the
//       project and N random vectors into 16 shard files as tasks would write them; then the merge, the
//       project size and similar/map at that size (what a 1e6 survey costs after the embedding itself).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { encodeImageFits } from '../src-main/fits/index.ts';
import { Rng } from '../src-main/base/random.ts';
import { emptyMetadata } from '../src-main/dataset/index.ts';
import { Project } from '../src-main/project/index.ts';
import { shardFileName, shardOf, ShardWriter } from '../src-main/project/shard-file.ts';
import { modelFingerprint, shardFolder } from '../src-main/api/services/sharding/shards.ts';

const { values: args } = parseArgs({
  options: {
    n: { type: 'string', default: '100000' }, tasks: { type: 'string', default: '16' }, dir: { type: 'string' }, keep: { type: 'boolean' },
    'rows-only': { type: 'boolean' },
  },
});
const N = Number(args.n);
const TASKS = Number(args.tasks);
const REPO = fileURLToPath(new URL('../', import.meta.url));
const LAUNCHER = path.join(REPO, 'src-main/cli/astromorph.mjs');
const dir = args.dir ? path.resolve(args.dir) : fs.mkdtempSync(path.join(os.tmpdir(), 'astromorph-scale-'));
fs.mkdirSync(dir, { recursive: true });
const data = path.join(dir, 'cutouts');
const project = path.join(dir, 'survey.amproj');
const SIDE = 16;
/** Preloaded into each CLI run: prints the process's peak RSS (KiB) on stderr as it exits. */
const REPORT_RSS = path.join(dir, 'report-rss.mjs');
fs.writeFileSync(REPORT_RSS, "import { isMainThread } from 'node:worker_threads';\n"
  + "if (isMainThread) process.on('exit', () => process.stderr.write(`@maxrss ${process.resourceUsage().maxRSS}\\n`));\n");

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
function log(line: string): void {
  console.log(line);
}

/** Runs the real CLI; returns stdout, the wall time and the peak RSS (reported by the child itself at exit). */
function astromorph(argv: string[]): { stdout: string; ms: number; maxRssKiB: number } {
  const t = performance.now();
  const res = spawnSync(process.execPath, [LAUNCHER, ...argv], {
    encoding: 'utf8', maxBuffer: 1 << 28,
    env: { ...process.env, NODE_OPTIONS: `--import=${REPORT_RSS}` },
  });
  const ms = performance.now() - t;
  if (res.status !== 0) throw new Error(`astromorph ${argv.join(' ')} exited ${res.status}: ${res.stderr}`);
  const rss = /@maxrss (\d+)/.exec(res.stderr);
  return { stdout: res.stdout, ms, maxRssKiB: rss ? Number(rss[1]) : NaN };
}

function jobDone(ids: string[]): boolean {
  const res = spawnSync('squeue', ['-h', '-j', ids.join(','), '-o', '%i'], { encoding: 'utf8' });
  return res.status === 0 && res.stdout.trim() === '';
}

async function waitFor(ids: string[]): Promise<void> {
  while (!jobDone(ids)) await new Promise((r) => setTimeout(r, 1000));
}

function sizes(folder: string, pattern: RegExp): number[] {
  return fs.readdirSync(folder).filter((f) => pattern.test(f)).map((f) => fs.statSync(path.join(folder, f)).size);
}

function summary(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  return `${values.length} files, min ${mib(sorted[0] ?? 0)}, median ${mib(sorted[Math.floor(sorted.length / 2)] ?? 0)}, max ${mib(sorted.at(-1) ?? 0)}, total ${mib(values.reduce((a, b) => a + b, 0))}`;
}

function mergeLine(folder: string, prefix: string): string {
  const logs = fs.readdirSync(path.join(folder, 'logs')).filter((f) => f.startsWith(prefix)).sort();
  const last = logs.at(-1);
  return last ? fs.readFileSync(path.join(folder, 'logs', last), 'utf8').trim().split('\n')[0]! : '(no merge log)';
}

/** A tiny encoder, trained on the sample data in a project of its own and exported (once per DIR). */
function tinyModel(): string {
  const model = path.join(dir, 'model');
  if (!fs.existsSync(path.join(model, 'model.json'))) {
    const small = path.join(dir, 'small.amproj');
    fs.rmSync(small, { force: true });
    fs.writeFileSync(path.join(dir, 'tiny.toml'), ['encoder = "small-cnn"', 'width = 4', 'depth = 2', 'image_size = 16', 'coordinates = "cartesian"',
      'embed_profile = false', 'batch_size = 16', 'projection_size = 8', 'projection_hidden_size = 16', 'backend = "wasm"', 'epochs = 1', ''].join('\n'));
    astromorph(['init', small]);
    astromorph(['add', small, path.join(REPO, 'resources/sample-data'), '--no-progress']);
    astromorph(['train', small, '--config', path.join(dir, 'tiny.toml'), '--no-progress']);
    fs.rmSync(model, { recursive: true, force: true });
    astromorph(['model', 'export', small, model]);
  }
  return model;
}

/** Item rows and shard files written directly: merge and queries at a size the 2-core machine cannot embed in time. */
function rowsOnly(): void {
  log(`scale bench (rows only): ${N} item rows, ${TASKS} shards of random vectors, in ${dir}`);
  const model = tinyModel();
  fs.rmSync(project, { force: true });
  fs.rmSync(shardFolder(project), { recursive: true, force: true });
  astromorph(['init', project]);
  astromorph(['model', 'import', project, model]);
  astromorph(['merge', project]); // the project's id
  let t = performance.now();
  const p = Project.open(project);
  const datasetId = p.transaction(() => p.datasets.add(path.join(dir, 'cutouts')));
  const rng = new Rng(3);
  p.transaction(() => {
    for (let i = 0; i < N; i++) {
      p.items.save({
        path: `cutouts/f${String(Math.floor(i / 1000)).padStart(4, '0')}/c${i}.fits`, datasetId, size: 5760, mtimeMs: 0, contentHash: null, hdu: 0,
        shape: [SIDE, SIDE], axisKinds: ['spatial', 'spatial'], bitpix: -32, status: 'ok', error: null,
        metadata: { ...emptyMetadata(), object: `src${i}`, ra: rng.next() * 360, dec: rng.next() * 180 - 90 }, header: {}, issues: [],
      });
    }
  });
  const run = p.runs.list()[0]!;
  const checkpoint = p.checkpoints.latest(run.id)!;
  const projectId = p.settings.get('projectId') as string;
  const fingerprint = modelFingerprint(run, checkpoint.weights);
  const items = p.items.embeddable();
  p.close();
  log(`wrote ${N} item rows in ${seconds(performance.now() - t)}; project ${mib(fs.statSync(project).size)}`);
  t = performance.now();
  const folder = shardFolder(project);
  fs.mkdirSync(folder, { recursive: true });
  const shares: { path: string }[][] = Array.from({ length: TASKS }, () => []);
  for (const item of items) shares[shardOf(item.path, TASKS)]!.push(item);
  shares.forEach((share, index) => {
    const w = ShardWriter.create(path.join(folder, shardFileName('embed', index, TASKS, run.id)), {
      kind: 'embed', projectId, index, count: TASKS, runId: run.id, checkpointId: checkpoint.id, fingerprint, assigned: share.length,
    });
    for (let i = 0; i < share.length; i += 1000) {
      w.putVectors(share.slice(i, i + 1000).map((it) => ({ path: it.path, vector: Float32Array.from({ length: 8 }, () => rng.next() - 0.5) })));
    }
    w.finish();
  });
  log(`wrote ${TASKS} shard files in ${seconds(performance.now() - t)}: ${summary(sizes(folder, /^embed-.*\.amshard$/))}`);
  const merge = astromorph(['merge', project, '--embed', '--run', String(run.id), '--tasks', String(TASKS)]);
  log(`merge (CLI, ${N} vectors): ${seconds(merge.ms)} wall, max RSS ${mib(merge.maxRssKiB * 1024)}; ${merge.stdout.split('\n')[0]}`);
  const again = astromorph(['merge', project, '--embed', '--run', String(run.id), '--tasks', String(TASKS)]);
  log(`merge again (idempotent): ${seconds(again.ms)}, max RSS ${mib(again.maxRssKiB * 1024)}`);
  log(`project after merge: ${mib(fs.statSync(project).size)}`);
  const sim = astromorph(['similar', project, '1', '--k', '12', '--json']);
  log(`similar (exact, k=12): ${seconds(sim.ms)}, max RSS ${mib(sim.maxRssKiB * 1024)}`);
  const map = astromorph(['map', project, '--method', 'pca', '--json']);
  log(`map --method pca (computed): ${seconds(map.ms)}, max RSS ${mib(map.maxRssKiB * 1024)}`);
  const reused = astromorph(['map', project, '--method', 'pca']);
  log(`map --method pca (stored, reused): ${seconds(reused.ms)}, max RSS ${mib(reused.maxRssKiB * 1024)}`);
  if (!args.keep && !args.dir) fs.rmSync(dir, { recursive: true, force: true });
}

async function main(): Promise<void> {
  if (args['rows-only']) {
    rowsOnly();
    return;
  }
  if (spawnSync('sinfo', ['-h'], { encoding: 'utf8' }).status !== 0) throw new Error('no Slurm answers: start one with scripts/local-slurm.sh');
  log(`scale bench: ${N} cutouts of ${SIDE}x${SIDE} float32, ${TASKS} shards, ${os.availableParallelism()} cores, in ${dir}`);

  // 1. The cutouts: a Gaussian blob of random width, position and flux on noise, 1000 per folder.
  let t = performance.now();
  if (!fs.existsSync(path.join(data, 'done'))) {
    const rng = new Rng(7);
    const pixels = new Float32Array(SIDE * SIDE);
    for (let i = 0; i < N; i++) {
      const sub = path.join(data, `f${String(Math.floor(i / 1000)).padStart(4, '0')}`);
      if (i % 1000 === 0) fs.mkdirSync(sub, { recursive: true });
      const cx = 6 + rng.next() * 4;
      const cy = 6 + rng.next() * 4;
      const s = 1 + rng.next() * 3;
      const flux = 1 + rng.next() * 9;
      for (let y = 0; y < SIDE; y++) for (let x = 0; x < SIDE; x++) {
        pixels[y * SIDE + x] = flux * Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * s * s)) + 0.1 * (rng.next() - 0.5);
      }
      fs.writeFileSync(path.join(sub, `c${i}.fits`), encodeImageFits(pixels, [SIDE, SIDE], { cards: { OBJECT: `src${i}` } }));
    }
    fs.writeFileSync(path.join(data, 'done'), '');
    log(`wrote ${N} FITS files in ${seconds(performance.now() - t)}`);
  }

  // 2. A tiny encoder (trained on the sample data).
  const model = tinyModel();

  // 3. Sharded add on Slurm.
  fs.rmSync(project, { force: true });
  fs.rmSync(path.join(dir, 'survey.shards'), { recursive: true, force: true });
  astromorph(['init', project]);
  t = performance.now();
  const add = JSON.parse(astromorph(['slurm', project, 'add', data, '--tasks', String(TASKS), '--submit', '--json']).stdout) as { arrayJobId: string; mergeJobId: string };
  await waitFor([add.arrayJobId, add.mergeJobId]);
  const addMs = performance.now() - t;
  const shards = path.join(dir, 'survey.shards');
  log(`sharded add: ${seconds(addMs)} wall (submit to merged); shards: ${summary(sizes(shards, /^add-.*\.amshard$/))}`);
  log(`  merge: ${mergeLine(shards, 'merge-add')}`);
  log(`  project after add: ${mib(fs.statSync(project).size)}`);

  // 4. The model as a run, then sharded embed on Slurm.
  astromorph(['model', 'import', project, model]);
  t = performance.now();
  const embed = JSON.parse(astromorph(['slurm', project, 'embed', '--tasks', String(TASKS), '--submit', '--json']).stdout) as { arrayJobId: string; mergeJobId: string };
  await waitFor([embed.arrayJobId, embed.mergeJobId]);
  const embedMs = performance.now() - t;
  log(`sharded embed: ${seconds(embedMs)} wall (submit to merged), ${(N / (embedMs / 1000)).toFixed(0)} items/s overall; `
    + `shards: ${summary(sizes(shards, /^embed-.*\.amshard$/))}`);
  log(`  merge: ${mergeLine(shards, 'merge-embed')}`);
  const vectors = /merged \d+ of \d+ shards: (\d+) vectors/.exec(mergeLine(shards, 'merge-embed'));
  if (!vectors || Number(vectors[1]) !== N) log(`  WARNING: expected ${N} vectors merged`);
  log(`  project after embed: ${mib(fs.statSync(project).size)}`);

  // 5. Queries at this size: peak memory and time of one process each.
  const sim = astromorph(['similar', project, 'cutouts/f0000/c0.fits', '--k', '12', '--json']);
  log(`similar (exact, k=12): ${seconds(sim.ms)}, max RSS ${mib(sim.maxRssKiB * 1024)}`);
  const map = astromorph(['map', project, '--method', 'pca', '--json']);
  log(`map --method pca: ${seconds(map.ms)}, max RSS ${mib(map.maxRssKiB * 1024)}`);
  const again = astromorph(['similar', project, 'cutouts/f0000/c1.fits', '--k', '12', '--json']);
  log(`similar again (another item): ${seconds(again.ms)}, max RSS ${mib(again.maxRssKiB * 1024)}`);
  log(`project in the end: ${mib(fs.statSync(project).size)}`);
  if (!args.keep && !args.dir) fs.rmSync(dir, { recursive: true, force: true });
}

await main();
