// A session on a project whose lock another live process holds (here: a lock file naming this test's
// parent process, alive on this host). Stored results are shown; new maps, clusterings and outlier
// scores are computed in memory and not stored; changing anything fails with the read-only error.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addTags } from '../../../src-main/api/services/project/tags.ts';
import { ApiError } from '../../../src-main/api/contract/index.ts';
import { computeClusters } from '../../../src-main/api/services/exploration/clusters.ts';
import { computeMap } from '../../../src-main/api/services/exploration/maps.ts';
import { computeOutliers } from '../../../src-main/api/services/exploration/outliers.ts';
import { ProjectSession } from '../../../src-main/api/services/project/project-session.ts';
import { similar } from '../../../src-main/api/services/exploration/similarity.ts';
import { lockPath } from '../../../src-main/project/index.ts';
import { makeBlobProject } from './exploration-fixture.ts';
import type { BlobProject } from './exploration-fixture.ts';

let dir: string;
let blobs: BlobProject;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'astromorph-readonly-'));
  blobs = makeBlobProject(dir);
  const session = ProjectSession.open(blobs.file);
  try {
    await computeMap(session, { runId: blobs.blobRun, method: 'pca' });
  } finally {
    session.close();
  }
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function readOnlyError(e: unknown): boolean {
  return e instanceof ApiError && e.code === 'read-only' && e.message.startsWith(`blobs.amproj is open in another process (process ${process.ppid} on `);
}

describe('a read-only session', () => {
  it('shows stored maps, refuses new results and changes, and searches without storing', async () => {
    writeFileSync(lockPath(blobs.file), JSON.stringify({ pid: process.ppid, host: hostname(), since: Date.now() }));
    const session = ProjectSession.open(blobs.file);
    try {
      expect(session.readOnly).toBe(true);
      expect(session.lockedBy?.pid).toBe(process.ppid);
      const map = await computeMap(session, { runId: blobs.blobRun, method: 'pca' });
      expect(map.reused).toBe(true);
      const maps = session.project.maps.list(blobs.blobRun).length;
      const fresh = await computeMap(session, { runId: blobs.blobRun, method: 'pca', recompute: true });
      expect(fresh).toMatchObject({ id: 0, stored: false, reused: false, items: map.items });
      expect(fresh.points.map((p) => p.x)).toEqual(map.points.map((p) => p.x));
      const umap = await computeMap(session, { runId: blobs.blobRun, method: 'umap', neighbors: 5 });
      expect(umap).toMatchObject({ id: 0, stored: false });
      expect(umap.points.every((p) => Number.isFinite(p.x) && Number.isFinite(p.y))).toBe(true);
      expect(session.project.maps.list(blobs.blobRun)).toHaveLength(maps);
      const clusters = await computeClusters(session, { runId: blobs.blobRun, method: 'kmeans', k: 3 });
      expect(clusters).toMatchObject({ id: 0, stored: false, clusterCount: 3 });
      expect(session.project.clusterings.latest(blobs.blobRun)).toBeNull();
      const outliers = await computeOutliers(session, { runId: blobs.blobRun });
      expect(outliers).toMatchObject({ id: 0, stored: false });
      expect(outliers.ranked.length).toBeGreaterThan(0);
      expect(session.project.outliers.latest(blobs.blobRun)).toBeNull();
      expect(() => addTags(session, blobs.itemIds[0], ['spiral'])).toThrow(/opened read-only, so it cannot tag items; close it there first \(if no astromorph has it open, `astromorph unlock blobs\.amproj` removes the lock\)$/);
      await expect(session.addFolders([dir])).rejects.toSatisfy(readOnlyError);
      const found = await similar(session, blobs.itemIds[0], { runId: blobs.blobRun, k: 3 });
      expect(found.neighbours).toHaveLength(3);
    } finally {
      session.close();
      rmSync(lockPath(blobs.file), { force: true });
    }
    // Without the foreign lock the same session writes.
    const writer = ProjectSession.open(blobs.file);
    try {
      expect(writer.readOnly).toBe(false);
      expect(addTags(writer, blobs.itemIds[0], ['spiral']).tags).toContain('spiral');
    } finally {
      writer.close();
    }
  });
});
