// A project file worth sharing: a finished run keeps only the encoder it embeds with; a run that can
// resume keeps its full state until compact --drop-resumable; compacting shrinks the file and every
// use of a finished run (embed, similar, a file outside the project, figures, export, model export)
// still works from the copy.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../../src-main/api/contract/index.ts';
import { compactProject } from '../../../src-main/api/services/project/compact.ts';
import { ProjectSession } from '../../../src-main/api/services/project/project-session.ts';
import { computeMap } from '../../../src-main/api/services/exploration/maps.ts';
import { similar } from '../../../src-main/api/services/exploration/similarity.ts';
import { exportFigure } from '../../../src-main/api/services/sharing/figures.ts';
import { exportModel } from '../../../src-main/api/services/sharing/sharing.ts';
import { embedItems, exportEmbeddings } from '../../../src-main/api/services/training/embedding.ts';
import { train } from '../../../src-main/api/services/training/training.ts';
import { decodeCheckpoint, isResumableCheckpoint } from '../../../src-main/model/index.ts';
import { writeSyntheticDataset } from '../../../src-main/synthetic/index.ts';
import { cli } from '../cli/run-cli.ts';

const TINY = {
  encoder: 'small-cnn', width: 4, depth: 2, image_size: 16, coordinates: 'cartesian', embed_profile: false, batch_size: 4,
  projection_size: 8, projection_hidden_size: 16, learning_rate: 3e-3, backend: 'wasm', core_limit: 2, epochs: 2,
} as const;

let dir: string;
let file: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'astromorph-compact-'));
  writeSyntheticDataset(join(dir, 'disks'), { n: 8, seed: 3 });
  file = join(dir, 'p.amproj');
  const session = ProjectSession.create(file);
  await session.addFolders([join(dir, 'disks')]);
  session.close();
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function settingsFile(): string {
  const f = join(dir, 'tiny.toml');
  writeFileSync(f, Object.entries(TINY).map(([k, v]) => `${k} = ${JSON.stringify(v)}`).join('\n') + '\n');
  return f;
}

const code = (p: Promise<unknown>) => p.then(() => 'resolved', (e: unknown) => (e instanceof ApiError ? e.code : String(e)));

describe('compacting a project', () => {
  it('a finished run keeps one encoder-only checkpoint, and the file is vacuumed', async () => {
    const session = ProjectSession.open(file);
    try {
      const report = await train(session, { settingsFile: settingsFile(), epochs: 3 });
      expect(report.status).toBe('done');
      const p = session.project;
      const list = p.checkpoints.list(report.runId);
      expect(list).toHaveLength(1);
      expect(list[0]).toMatchObject({ epoch: 3, meta: expect.objectContaining({ encoderOnly: true, kind: 'epoch', epochLosses: expect.any(Array) }) });
      const kept = p.checkpoints.latest(report.runId)!.weights;
      expect(isResumableCheckpoint(kept)).toBe(false);
      // The training set's embedding statistics (the final epoch's) stay: embeddings standardise with them.
      expect([...decodeCheckpoint(kept).tensors.keys()]).toEqual(expect.arrayContaining(['embedding/mean', 'embedding/scale']));
      const storage = session.storage();
      expect(storage).toMatchObject({ trainingStateBytes: 0, trainingStateRuns: [], resumableRuns: [] });
      expect(storage.encoderWeightsBytes).toBeGreaterThan(0);
      expect(storage.freeBytes).toBeLessThan(storage.fileBytes / 10);
      expect(storage.tables.map((t) => t.table)).toEqual(expect.arrayContaining(['items', 'thumbnails', 'checkpoints', 'losses']));
      expect(storage.tables.reduce((a, t) => a + t.bytes, 0) + storage.freeBytes).toBeLessThanOrEqual(storage.fileBytes);
    } finally {
      session.close();
    }
  });

  it('a cancelled run keeps its full training state through a plain compact; a run paused by a live process even when asked', async () => {
    const session = ProjectSession.open(file);
    try {
      const controller = new AbortController();
      let epochs = 0;
      const report = await train(session, {
        settingsFile: settingsFile(), epochs: 6, signal: controller.signal,
        onEpoch: () => { if (++epochs === 3) controller.abort(); },
      });
      expect(report.status).toBe('cancelled');
      const p = session.project;
      expect(p.checkpoints.list(report.runId)).toHaveLength(3);
      const before = session.storage();
      expect(before).toMatchObject({ trainingStateRuns: [report.runId], resumableRuns: [report.runId] });
      const plain = compactProject(p);
      expect(plain.compacted).toEqual([]);
      expect(plain.keptResumable).toEqual([report.runId]);
      expect(p.checkpoints.list(report.runId)).toHaveLength(3);
      expect(isResumableCheckpoint(p.checkpoints.latest(report.runId)!.weights)).toBe(true);
      expect(plain.after.trainingStateBytes).toBe(before.trainingStateBytes);
      // Paused by a process that is still alive: left whole even when asked to drop resumable state.
      const other = spawn('sleep', ['30']);
      await new Promise((r) => other.once('spawn', r));
      try {
        p.runs.setStatus(report.runId, 'paused');
        p.settings.set(`training.process.${report.runId}`, { pid: other.pid, host: hostname(), since: Date.now() });
        const asked = compactProject(p, { dropResumable: true });
        expect(asked.compacted).toEqual([]);
        expect(asked.keptResumable).toEqual([report.runId]);
        expect(isResumableCheckpoint(p.checkpoints.latest(report.runId)!.weights)).toBe(true);
      } finally {
        other.kill('SIGKILL');
        p.settings.set(`training.process.${report.runId}`, undefined);
        p.runs.setStatus(report.runId, 'cancelled');
      }
    } finally {
      session.close();
    }
  });

  it('compact --drop-resumable (the CLI) shrinks the file; the run then embeds but refuses to resume', async () => {
    const size = statSync(file).size;
    const res = cli(['compact', file, '--drop-resumable', '--json']);
    expect(res.status, res.stderr).toBe(0);
    const report = JSON.parse(res.stdout);
    expect(report.compacted).toEqual([2]);
    expect(report.after.trainingStateBytes).toBe(0);
    // The training state goes, but for the encoder's share of it (a tiny network here, beside the thumbnails).
    expect(report.before.trainingStateBytes).toBeGreaterThan(0);
    expect(report.after.fileBytes).toBeLessThan(report.before.fileBytes - report.before.trainingStateBytes / 2);
    expect(statSync(file).size).toBeLessThan(size - report.before.trainingStateBytes / 2);
    expect(statSync(file).size).toBe(report.after.fileBytes);
    const text = cli(['ls', file]);
    expect(text.stdout).toMatch(/^p\.amproj: \d+\.\d (kB|MB): .*checkpoints \d/m);

    const session = ProjectSession.open(file);
    try {
      expect(await code(train(session, { resume: true }))).toBe('no-run');
      await expect(train(session, { resume: true })).rejects.toThrow(/run 2 cannot resume: its training state was dropped/);
    } finally {
      session.close();
    }
  });

  it('every view and export of the runs still works from a copy of the compacted file', async () => {
    const copy = join(dir, 'copy.amproj');
    copyFileSync(file, copy);
    const session = ProjectSession.open(copy);
    try {
      for (const runId of [1, 2]) {
        const embedded = await embedItems(session, { runId });
        expect(embedded).toMatchObject({ runId, items: 8, cancelled: false });
        const item = session.project.items.list()[0]!;
        const near = await similar(session, item.id, { runId, k: 3 });
        expect(near.neighbours).toHaveLength(3);
        // A file outside the project is embedded on the fly with the run's (encoder-only) checkpoint.
        const outside = await similar(session, item.absolutePath, { runId, k: 3 });
        expect(outside.neighbours.length).toBe(3);
        const csv = await exportEmbeddings(session, { runId, format: 'csv', out: join(dir, `e${runId}.csv`) });
        expect(csv.rows).toBe(8);
        expect(readFileSync(join(dir, `e${runId}.csv`), 'utf8').split('\n')[0]).toContain('emb_0');
        expect((await computeMap(session, { runId, method: 'pca' })).runId).toBe(runId);
        const model = exportModel(session.project, join(dir, `model${runId}`), runId);
        expect(statSync(model.weights).size).toBeGreaterThan(0);
      }
      for (const kind of ['loss', 'map'] as const) {
        const fig = await exportFigure(session, kind, join(dir, `${kind}.svg`), { format: 'svg', ...(kind === 'map' ? { thumbnails: 4, method: 'pca' } : {}) });
        expect(statSync(fig.path).size).toBeGreaterThan(1000);
      }
    } finally {
      session.close();
    }
  });
});
