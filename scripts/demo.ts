// `npm run demo`: the main job, headless, on the bundled sample data, through the real CLI.
// init, add, a short training run (scripts/demo-settings.toml), embed, export CSV. Leaves
// demo/sample.amproj and demo/embeddings.csv behind to look at (ls it, or open it in the app).
// Usage: node scripts/demo.ts [FOLDER]   (FOLDER for the project, default ./demo)
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));
const launcher = join(repo, 'src-main', 'cli', 'astromorph.mjs');
const folder = resolve(process.argv[2] ?? join(repo, 'demo'));
const project = join(folder, 'sample.amproj');
const samples = join('resources', 'sample-data');
const settings = join('scripts', 'demo-settings.toml');
const csv = join(folder, 'embeddings.csv');

const STEPS: string[][] = [
  ['init', project],
  ['add', project, samples],
  ['ls', project],
  ['inspect', join(samples, 'alma', 'ring_continuum_4d.fits')],
  ['train', project, '--config', settings],
  ['embed', project],
  ['export', project, 'embeddings', '--format', 'csv', '--out', csv],
];

mkdirSync(folder, { recursive: true });
for (const suffix of ['', '-wal', '-shm']) rmSync(project + suffix, { force: true });
rmSync(csv, { force: true });

const started = performance.now();
for (const args of STEPS) {
  process.stdout.write(`\n$ astromorph ${args.map((a) => (a.startsWith(repo) ? relative(repo, a) : a)).join(' ')}\n`);
  const res = spawnSync(process.execPath, [launcher, ...args], { cwd: repo, stdio: 'inherit' });
  if (res.status !== 0) {
    console.error(`\ndemo: step "astromorph ${args.join(' ')}" failed with exit status ${res.status ?? res.signal}`);
    process.exit(1);
  }
}
console.log(`\ndemo finished in ${((performance.now() - started) / 1000).toFixed(1)} s
  project (items, run 1, its checkpoints, losses and embeddings): ${project}
  embeddings table (file, metadata, emb_0 ...):                    ${csv}
  class labels of the sample images, to compare with:              ${join(repo, samples, 'disks', 'labels.csv')}`);
