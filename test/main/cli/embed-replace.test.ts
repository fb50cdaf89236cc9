// Re-embedding never loses a run's vectors: the new set is written beside the old and swapped in at
// the end. A process killed part way leaves the old set whole; an item whose file went bad keeps its
// old vector, marked stale, and every query on the set says so. Real project, real FITS, real CLI.
import { existsSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProjectSession } from '../../../src-main/api/services/project/project-session.ts';
import { embedItems } from '../../../src-main/api/services/training/embedding.ts';
import { train } from '../../../src-main/api/services/training/training.ts';
import { Project } from '../../../src-main/project/index.ts';
import { writeSyntheticDataset } from '../../../src-main/synthetic/index.ts';
import { cli, cliProcess, hasStackTrace } from './run-cli.ts';

const TINY = {
  encoder: 'small-cnn', width: 4, depth: 2, image_size: 16, coordinates: 'cartesian', embed_profile: false, batch_size: 4, projection_size: 8, projection_hidden_size: 16,
  learning_rate: 3e-3, backend: 'wasm', core_limit: 1, epochs: 1,
} as const;
const N = 24;

let dir: string;
let projectFile: string;
let runId: number;
let dim: number;

/** Vectors no model would give (item id, then tenths): whatever replaces them is plainly not them. */
function markedVectors(project: Project): { itemIds: number[]; vectors: Float32Array } {
  const itemIds = project.items.list({ status: 'ok' }).map((i) => i.id).sort((a, b) => a - b);
  const vectors = new Float32Array(itemIds.length * dim);
  itemIds.forEach((id, r) => { for (let k = 0; k < dim; k++) vectors[r * dim + k] = id + k / 10; });
  project.embeddings.putMany(runId, itemIds.map((itemId, r) => ({ itemId, vector: vectors.slice(r * dim, (r + 1) * dim) })));
  return { itemIds, vectors };
}

function withProject<T>(fn: (p: Project) => T): T {
  const p = Project.open(projectFile);
  try {
    return fn(p);
  } finally {
    p.close();
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'astromorph-reembed-'));
  writeSyntheticDataset(join(dir, 'disks'), { n: N, seed: 5 });
  const settings = join(dir, 'tiny.toml');
  writeFileSync(settings, Object.entries(TINY).map(([k, v]) => `${k} = ${JSON.stringify(v)}`).join('\n') + '\n');
  const session = ProjectSession.create(join(dir, 'survey'));
  projectFile = session.path;
  try {
    await session.addFolders([join(dir, 'disks')], { workers: 0 });
    runId = (await train(session, { settingsFile: settings })).runId;
    dim = (await embedItems(session)).dim;
  } finally {
    session.close();
  }
}, 180_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('re-embedding a run', () => {
  it('killed part way (kill -9 after its first progress line) leaves the old complete set intact', async () => {
    const old = withProject(markedVectors);
    expect(old.itemIds).toHaveLength(N);
    // The slow cpu backend, one image a batch: the kill lands long before the last of the 24.
    const child = cliProcess(['embed', projectFile, '--batch-size', '1', '--backend', 'cpu'], dir);
    let stderr = '';
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => {
      child.on('exit', (code, signal) => done({ code, signal }));
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (/embedding: \d+\/\d+ items/.test(stderr)) child.kill('SIGKILL');
    });
    const { signal } = await exited;
    expect(signal, `the embed finished before it was killed:\n${stderr}`).toBe('SIGKILL');
    withProject((p) => {
      const set = p.embeddings.all(runId);
      expect(set.itemIds).toEqual(old.itemIds);
      expect(set.vectors).toEqual(old.vectors);
      expect(p.embeddings.coverage(runId)).toEqual({ vectors: N, stale: 0, withoutVector: 0 });
    });
    const similar = cli(['similar', projectFile, String(old.itemIds[0]), '--k', '3', '--run', String(runId)], dir);
    expect(similar.status, similar.stderr).toBe(0);
    expect(similar.stderr).not.toMatch(/warning/);

    // The next embed runs to the end, replaces the set and leaves nothing staged behind.
    const again = cli(['embed', projectFile, '--no-progress'], dir);
    expect(again.status, again.stderr).toBe(0);
    withProject((p) => {
      const set = p.embeddings.all(runId);
      expect(set.itemIds).toEqual(old.itemIds);
      expect(set.vectors[0]).not.toBe(old.vectors[0]);
    });
    const db = new Database(projectFile, { readonly: true });
    expect(db.prepare('SELECT count(*) FROM embeddings_staging').pluck().get()).toBe(0);
    db.close();
  });

  it('a cancelled re-embed keeps the old set unchanged and says so', async () => {
    const old = withProject(markedVectors);
    const session = ProjectSession.open(projectFile);
    try {
      const controller = new AbortController();
      const report = await embedItems(session, {
        batchSize: 2, signal: controller.signal, onProgress: (p) => { if (p.done >= 2) controller.abort(); },
      });
      expect(report).toMatchObject({ cancelled: true, replaced: false, items: 0, stale: 0 });
      const set = session.project.embeddings.all(runId);
      expect(set.vectors).toEqual(old.vectors);
    } finally {
      session.close();
    }
  });

  it('an item whose file became unreadable keeps its old vector, marked stale; embed reports it and queries warn', () => {
    const old = withProject(markedVectors);
    const victim = withProject((p) => p.items.get(old.itemIds[3])!);
    expect(existsSync(victim.absolutePath)).toBe(true);
    truncateSync(victim.absolutePath, 1000); // a header cut short: no longer a FITS file

    const res = cli(['embed', projectFile, '--json', '--no-progress'], dir);
    expect(res.status, res.stderr).toBe(0);
    expect(hasStackTrace(res.stderr)).toBe(false);
    const report = JSON.parse(res.stdout);
    expect(report).toMatchObject({ cancelled: false, replaced: true, items: N - 1, total: N, stale: 1 });
    expect(report.skipped).toEqual([{ path: victim.absolutePath, reason: expect.stringContaining(victim.absolutePath), keptStale: true }]);
    withProject((p) => {
      const set = p.embeddings.all(runId);
      expect(set.itemIds).toEqual(old.itemIds);
      expect(Array.from(p.embeddings.get(runId, victim.id)!)).toEqual(Array.from(old.vectors.subarray(3 * dim, 4 * dim)));
      expect(p.embeddings.get(runId, old.itemIds[0])![0]).not.toBe(old.vectors[0]); // the others are new
      expect(p.embeddings.staleItems(runId)).toEqual([victim.id]);
    });

    const plain = cli(['embed', projectFile, '--no-progress'], dir);
    expect(plain.status, plain.stderr).toBe(0);
    expect(plain.stdout).toMatch(/could not embed 1 item \(1 kept an earlier vector, marked stale\):\n\s+.*: .*\[earlier vector kept, stale\]/);

    const similar = cli(['similar', projectFile, String(old.itemIds[0]), '--k', '3', '--json'], dir);
    expect(similar.status, similar.stderr).toBe(0);
    expect(similar.stderr).toMatch(/warning: run \d+'s embeddings are incomplete: 1 vector is stale/);
    expect(JSON.parse(similar.stdout).coverage).toMatchObject({ vectors: N, stale: 1, withoutVector: 0, complete: false });
    for (const args of [['map', projectFile, '--method', 'pca', '--json'], ['clusters', projectFile, '--method', 'kmeans', '--k', '2', '--json'],
      ['outliers', projectFile, '--json', '--no-progress']]) {
      const r = cli(args, dir);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/warning: .*1 vector is stale/);
      expect(JSON.parse(r.stdout).coverage).toMatchObject({ stale: 1, complete: false });
    }
  });
});
