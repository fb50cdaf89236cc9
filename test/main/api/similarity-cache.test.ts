// similar() keeps a run's vectors and exact index in memory per open project: repeated queries must
// not read the vectors again, and any change to the run's embeddings (a re-embed here, a write by
// another connection, a delete-and-refill that reuses SQLite row ids) must show in the next answer.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProjectSession } from '../../../src-main/api/services/project/project-session.ts';
import { addTags } from '../../../src-main/api/services/project/tags.ts';
import { similar } from '../../../src-main/api/services/exploration/similarity.ts';
import { vectorLoads } from '../../../src-main/api/services/exploration/search-indexes.ts';
import { Project } from '../../../src-main/project/index.ts';
import { makeBlobProject } from './exploration-fixture.ts';
import type { BlobProject } from './exploration-fixture.ts';

let dir: string;
let fx: BlobProject;
let session: ProjectSession;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'astromorph-simcache-'));
  fx = makeBlobProject(dir);
  session = ProjectSession.open(fx.file);
});
afterAll(() => {
  session?.close();
  rmSync(dir, { recursive: true, force: true });
});

const nearest = async (s: ProjectSession, query: number, runId: number) => (await similar(s, query, { runId, k: 3 })).neighbours.map((n) => n.itemId);

/** The run's vectors with item `moved` placed on top of item `onto`. */
function moved(vectors: Float32Array, dim: number, moved: number, onto: number): { itemId: number; vector: Float32Array }[] {
  return fx.itemIds.map((itemId, i) => {
    const from = itemId === moved ? fx.itemIds.indexOf(onto) : i;
    return { itemId, vector: vectors.slice(from * dim, (from + 1) * dim) };
  });
}

describe('similarity cache', () => {
  it('answers repeated and filtered queries without reading the vectors again', async () => {
    const query = fx.itemIds[4];
    const first = await nearest(session, query, fx.blobRun);
    const loads = vectorLoads();
    expect(await nearest(session, query, fx.blobRun)).toEqual(first);
    const filtered = await similar(session, query, { runId: fx.blobRun, k: 5, filter: { instrument: 'ALMA' } });
    expect(filtered.neighbours.length).toBe(5);
    expect((await similar(session, query, { runId: fx.blobRun, k: 3, metric: 'euclidean' })).neighbours.length).toBe(3);
    expect(vectorLoads()).toBe(loads);
  });

  it('reuses the rows a filter passes across query items and sees a tag added since', async () => {
    const [a, b, c] = [fx.itemIds[1], fx.itemIds[2], fx.itemIds[30]];
    addTags(session, a, ['cached-filter']);
    addTags(session, b, ['cached-filter']);
    const byTag = async (query: number) => (await similar(session, query, { runId: fx.blobRun, k: 10, filter: { tag: 'cached-filter' } }));
    const fromA = await byTag(a);
    expect(fromA.neighbours.map((n) => n.itemId)).toEqual([b]);
    expect(fromA.candidates).toBe(1);
    const fromC = await byTag(c); // the query is outside the filter: both tagged items answer
    expect(fromC.neighbours.map((n) => n.itemId).sort()).toEqual([a, b].sort());
    expect(fromC.candidates).toBe(2);
    addTags(session, c, ['cached-filter']);
    expect((await byTag(a)).neighbours.map((n) => n.itemId).sort()).toEqual([b, c].sort());
  });

  it('sees a re-embed through the same session', async () => {
    const query = fx.itemIds[4];
    const far = fx.outlierId;
    expect(await nearest(session, query, fx.blobRun)).not.toContain(far);
    const loads = vectorLoads();
    session.project.embeddings.putMany(fx.blobRun, moved(fx.vectors, fx.dim, far, query));
    expect((await nearest(session, query, fx.blobRun))[0]).toBe(far);
    expect(vectorLoads()).toBe(loads + 1);
  });

  it('sees a delete-and-refill of the run (same count, reused row ids) by another connection', async () => {
    const query = fx.itemIds[4];
    const other = fx.itemIds[50]; // another blob, nowhere near the query
    expect(await nearest(session, query, fx.blobRun)).not.toContain(other);
    const writer = Project.open(fx.file);
    try {
      writer.transaction(() => {
        writer.embeddings.deleteRun(fx.blobRun);
        writer.embeddings.putMany(fx.blobRun, moved(fx.vectors, fx.dim, other, query));
      });
    } finally {
      writer.close();
    }
    expect((await nearest(session, query, fx.blobRun))[0]).toBe(other);
  });

  it('keeps each open project apart and at most two runs per project', async () => {
    const dir2 = mkdtempSync(join(tmpdir(), 'astromorph-simcache2-'));
    const fx2 = makeBlobProject(dir2);
    const session2 = ProjectSession.open(fx2.file);
    try {
      const query = fx.itemIds[4];
      // The first project's vectors were changed above, the second's are as made.
      expect((await nearest(session, query, fx.blobRun))[0]).toBe(fx.itemIds[50]);
      expect(await nearest(session2, fx2.itemIds[4], fx2.blobRun)).not.toContain(fx2.itemIds[50]);

      const third = session.project.runs.create({ config: {}, backend: 'cpu', seed: 0 }).id;
      session.project.embeddings.putMany(third, fx.itemIds.map((itemId, i) => ({ itemId, vector: fx.vectors.slice(i * fx.dim, (i + 1) * fx.dim) })));
      await nearest(session, query, fx.blobRun);
      await nearest(session, query, fx.sizeRun);
      const loads = vectorLoads();
      await nearest(session, query, fx.sizeRun);
      await nearest(session, query, third); // evicts blobRun, the least recently used
      expect(vectorLoads()).toBe(loads + 1);
      await nearest(session, query, fx.sizeRun);
      expect(vectorLoads()).toBe(loads + 1);
      await nearest(session, query, fx.blobRun);
      expect(vectorLoads()).toBe(loads + 2);
    } finally {
      session2.close();
      rmSync(dir2, { recursive: true, force: true });
    }
  });
});
