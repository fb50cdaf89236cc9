// One unusable image (an N x 1 plane, a 1-D spectrum) must not stop `train` or `embed` for the whole
// project: it is skipped with its reason, printed and stored with the run, and the rest go on.
// Real FITS files, a real project file, the real CLI.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeImageFits } from '../../../src-main/fits/index.ts';
import { Project } from '../../../src-main/project/index.ts';
import { writeSyntheticDataset } from '../../../src-main/synthetic/index.ts';
import { cli, hasStackTrace } from './run-cli.ts';

const TINY = {
  encoder: 'small-cnn', width: 4, depth: 2, image_size: 16, coordinates: 'cartesian', embed_profile: false, batch_size: 4, projection_size: 8, projection_hidden_size: 16,
  learning_rate: 3e-3, backend: 'wasm', core_limit: 1, epochs: 1,
} as const;

let dir: string;
let settings: string;
let strip: string;
let spectrum: string;
let runId: number;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'astromorph-unusable-'));
  const disks = join(dir, 'disks');
  writeSyntheticDataset(disks, { n: 8, seed: 7 });
  strip = join(disks, 'strip.fits');
  writeImageFits(strip, Float32Array.from({ length: 100 }, (_, i) => Math.sin(i)), [100, 1], { cards: { OBJECT: 'slit' } });
  spectrum = join(disks, 'spectrum.fits');
  writeImageFits(spectrum, Float32Array.from({ length: 50 }, (_, i) => Math.cos(i)), [50]);
  settings = join(dir, 'tiny.toml');
  writeFileSync(settings, Object.entries(TINY).map(([k, v]) => `${k} = ${JSON.stringify(v)}`).join('\n') + '\n');
  expect(cli(['init', 'survey'], dir).status).toBe(0);
  const add = cli(['add', 'survey', disks, '--no-progress'], dir);
  expect(add.status, add.stderr).toBe(0);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('unusable items', () => {
  it('train skips an N x 1 image and a 1-D spectrum, lists them with the reason, and trains on the rest', () => {
    const res = cli(['train', 'survey', '--config', settings, '--no-progress'], dir);
    expect(res.status, res.stderr).toBe(0);
    expect(hasStackTrace(res.stderr)).toBe(false);
    const all = res.stdout + res.stderr;
    expect(all).toMatch(/skipping 2 items that cannot be used for training:/);
    expect(all).toMatch(/strip\.fits: .*image plane 100 x 1 is too small/);
    expect(all).toMatch(/spectrum\.fits: .*needs at least 2 axes/);
    expect(res.stdout).toMatch(/run \d+ finished 1 epochs/);
    runId = Number(/run (\d+) finished/.exec(res.stdout)![1]);

    const p = Project.open(join(dir, 'survey.amproj'));
    try {
      const run = p.runs.get(runId)!;
      expect(run.status).toBe('done');
      expect(run.skipped.map((s) => s.path).sort()).toEqual(['disks/spectrum.fits', 'disks/strip.fits']);
      expect(run.skipped.find((s) => s.path === 'disks/strip.fits')!.reason).toMatch(/image plane 100 x 1 is too small/);
    } finally {
      p.close();
    }

    const json = JSON.parse(cli(['train', 'survey', '--config', settings, '--no-progress', '--json'], dir).stdout);
    expect(json.skipped).toEqual(expect.arrayContaining([{ path: strip, reason: expect.stringMatching(/too small/) }]));
  });

  it('embed gives the unusable items no vector, reports them, and embeds the rest', () => {
    const res = cli(['embed', 'survey', '--run', String(runId), '--json', '--no-progress'], dir);
    expect(res.status, res.stderr).toBe(0);
    const report = JSON.parse(res.stdout);
    expect(report).toMatchObject({ cancelled: false, items: 8, total: 10, stale: 0 });
    expect(report.skipped.map((s: { path: string }) => s.path).sort()).toEqual([spectrum, strip]);
    expect(report.skipped.find((s: { path: string }) => s.path === strip)).toMatchObject({ reason: expect.stringMatching(/too small/), keptStale: false });
  });
});
