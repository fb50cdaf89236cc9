// `npm run demo`: the main job, headless, on the bundled sample data, through the real CLI.
// Leaves demo/sample.amproj behind to look at (ls it, or open it in the app). Steps that later parts
// of the pipeline add (train, embed) go at the end of STEPS.
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

const STEPS: string[][] = [
  ['init', project],
  ['add', project, samples],
  ['ls', project],
  ['inspect', join(samples, 'alma', 'ring_continuum_4d.fits')],
];

mkdirSync(folder, { recursive: true });
for (const suffix of ['', '-wal', '-shm']) rmSync(project + suffix, { force: true });

const started = performance.now();
for (const args of STEPS) {
  process.stdout.write(`\n$ astromorph ${args.map((a) => (a.startsWith(repo) ? relative(repo, a) : a)).join(' ')}\n`);
  const res = spawnSync(process.execPath, [launcher, ...args], { cwd: repo, stdio: 'inherit' });
  if (res.status !== 0) {
    console.error(`\ndemo: step "astromorph ${args.join(' ')}" failed with exit status ${res.status ?? res.signal}`);
    process.exit(1);
  }
}
console.log(`\ndemo finished in ${((performance.now() - started) / 1000).toFixed(1)} s; project: ${project}`);
