// The sharing commands as a user runs them, in real processes: relocate, import, model export/import,
// and a clear refusal while another process holds the project.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addFolders } from '../../../src-main/dataset/index.ts';
import { writeImageFits } from '../../../src-main/fits/index.ts';
import { parseSettings, runTraining, selectBackend } from '../../../src-main/model/index.ts';
import { Rng } from '../../../src-main/base/random.ts';
import type { BatchLoader, ViewBatch } from '../../../src-main/model/index.ts';
import { Project } from '../../../src-main/project/index.ts';
import { cli, hasStackTrace } from '../cli/run-cli.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'am-sharing-cli-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const file = path.join(dir, 'home', 'survey.amproj');

class NoisePairs implements BatchLoader {
  readonly stepsPerEpoch = 1;
  waitMs = 0;
  async batch(): Promise<ViewBatch> {
    const rng = new Rng(1);
    const view1 = Float32Array.from({ length: 4 * 256 }, () => rng.normal());
    return { view1, view2: view1.map((v) => v * 0.9), batchSize: 4, size: 16, channels: 1, indices: [0, 1, 2, 3] };
  }
  async close(): Promise<void> {}
}

beforeAll(async () => {
  fs.mkdirSync(path.join(dir, 'home', 'data'), { recursive: true });
  for (let i = 0; i < 3; i++) writeImageFits(path.join(dir, 'home', 'data', `d${i}.fits`), Float32Array.from({ length: 256 }, (_, k) => Math.cos(k + i)), [16, 16]);
  const p = Project.create(file);
  await addFolders(p, [path.join(dir, 'home', 'data')], { workers: 1 });
  await selectBackend('wasm');
  const settings = parseSettings({ encoder: 'small-cnn', width: 4, depth: 3, image_size: 16, batch_size: 4, projection_size: 8, projection_hidden_size: 16, epochs: 1, seed: 5, coordinates: 'cartesian', embed_profile: false });
  const { checkpoint } = await runTraining({ settings, loader: new NoisePairs(), backend: 'wasm' });
  const run = p.runs.create({ config: settings as unknown as Record<string, unknown>, backend: 'wasm', seed: 5 });
  p.checkpoints.save({ runId: run.id, epoch: 1, step: 1, weights: checkpoint, rng: null });
  p.close();
}, 120_000);

describe('sharing from the command line', () => {
  it('model export writes tfjs files and model import makes a new run with that checkpoint', () => {
    const out = path.join(dir, 'model');
    const e = cli(['model', 'export', file, out]);
    expect(e.stderr).toBe('');
    expect(fs.readdirSync(out).sort()).toEqual(['model.json', 'weights.bin']);
    const i = cli(['model', 'import', file, out]);
    expect(i.stderr).toBe('');
    const runId = Number(/as run (\d+)/.exec(i.stdout)![1]);
    const p = Project.open(file);
    try {
      expect(p.checkpoints.latest(runId)!.meta).toMatchObject({ encoderOnly: true }); // counted as encoder weights, not training state
      expect(p.runs.get(runId)!.config).toMatchObject({ image_size: 16, encoder: 'small-cnn' });
    } finally {
      p.close();
    }
    // The collaborator's side: embed with the imported network.
    const embedded = cli(['embed', file, '--run', String(runId), '--json', '--no-progress']);
    expect(embedded.status).toBe(0);
    expect(hasStackTrace(embedded.stderr)).toBe(false);
    expect(JSON.parse(embedded.stdout)).toMatchObject({ runId, items: 3, total: 3, dim: 16, cancelled: false });
  }, 60_000);

  it('relocate reports found and missing files', () => {
    const moved = path.join(dir, 'moved');
    fs.mkdirSync(moved);
    fs.renameSync(path.join(dir, 'home', 'data', 'd0.fits'), path.join(moved, 'zero.fits'));
    fs.renameSync(path.join(dir, 'home', 'data', 'd2.fits'), path.join(moved, 'two.fits'));
    fs.rmSync(path.join(dir, 'home', 'data', 'd1.fits'));
    const r = cli(['relocate', file, moved]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('found    data/d0.fits -> ../moved/zero.fits');
    expect(r.stdout).toContain('missing  data/d1.fits');
    expect(r.stdout).toMatch(/2 found, 0 already in place, 1 still missing/);
    const json = JSON.parse(cli(['relocate', file, moved, '--json']).stdout);
    expect(json).toMatchObject({ found: [], present: 2, missing: ['data/d1.fits'] });
  });

  it('import stores a CSV of embeddings as a new run and names the rows it could not match', () => {
    const csv = path.join(dir, 'theirs.csv');
    fs.writeFileSync(csv, 'file,emb_1,emb_0\n' + 'elsewhere/zero.fits,1,2\n' + 'data/d1.fits,3,4\n' + 'nothing.fits,5,6\n');
    const r = cli(['import', file, csv, '--json']);
    expect(r.stderr).toBe('');
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ rows: 3, imported: 2, dim: 2, unmatched: ['nothing.fits'] });
    // The imported run is searchable like any other.
    const near = cli(['similar', file, 'data/d1.fits', '--run', String(report.runId), '--k', '1', '--json']);
    // Two items of the project were imported: results made from them say the others are left out.
    expect(near.stderr).toMatch(/^astromorph: warning: run \d+'s embeddings are incomplete: \d+ readable items? of the project ha(s|ve) no vector in run \d+; results cover the 2 items with vectors\n$/);
    expect(JSON.parse(near.stdout).neighbours.map((n: { path: string }) => path.basename(n.path))).toEqual(['zero.fits']);
    const p = Project.open(file);
    try {
      const zero = p.items.list().find((i) => i.path.endsWith('zero.fits'))!;
      expect(Array.from(p.embeddings.get(report.runId, zero.id)!)).toEqual([2, 1]); // emb_0 first, whatever the column order
      expect(p.runs.get(report.runId)).toMatchObject({ status: 'done', backend: 'imported' });
    } finally {
      p.close();
    }
    const bad = cli(['import', file, path.join(dir, 'none.csv')]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/none\.csv: no such file/);
    expect(hasStackTrace(bad.stderr)).toBe(false);
  });

  it("import takes astromorph's own CSV export; the run shows on the map beside ours, with astromorph's clusters", () => {
    const csv = path.join(dir, 'improved_net_e_10_20240101_1200.csv');
    fs.writeFileSync(csv, ';cluster;object;right ascension;declination;rest freq;filepath;emb_dim_0;emb_dim_1\n'
      + '0;1;Disk A;269.1;-21.9;230538000000.0;/home/astro/data/d1.fits;0.5;-1.0\n'
      + '1;0;"Disk; B";248.1;-24.5;;/home/astro/data/two.fits;2.0;0.25\n');
    const r = cli(['import', file, csv]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^imported 2 of 2 rows \(2 dimensions\) as run (\d+), with its 2 clusters$/m);
    const runId = Number(/as run (\d+)/.exec(r.stdout)![1]);
    const map = cli(['map', file, '--run', String(runId), '--method', 'pca', '--json']);
    expect(map.status, map.stderr).toBe(0);
    expect(JSON.parse(map.stdout).points.map((p: { path: string }) => path.basename(p.path)).sort()).toEqual(['d1.fits', 'two.fits']);
    const p = Project.open(file);
    try {
      expect(p.runs.get(runId)).toMatchObject({ status: 'done', backend: 'imported', config: { imported: expect.objectContaining({ from: path.basename(csv) }) } });
      const clustering = p.clusterings.get(p.clusterings.list(runId)[0]!.id)!;
      expect(clustering).toMatchObject({ method: 'kmeans', clusterCount: 2, params: { imported: path.basename(csv) } });
    } finally {
      p.close();
    }
  });

  it('refuses to change a project another process has open, naming that process', async () => {
    const child = spawn(process.execPath, [path.join(import.meta.dirname, 'lock-child.ts'), file], { stdio: ['pipe', 'pipe', 'inherit'] });
    const pid = await new Promise<number>((resolve) => child.stdout!.once('data', (b: Buffer) => resolve(JSON.parse(b.toString()).pid)));
    try {
      const r = cli(['relocate', file, dir]);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(`cannot relocate its data: the project is open read-only because process ${pid} on ${os.hostname()}`);
    } finally {
      child.stdin!.write('close\n');
      await new Promise((r) => child.once('exit', r));
    }
  });
});
