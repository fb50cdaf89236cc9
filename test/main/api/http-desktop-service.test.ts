// The desktop service's long operations on a real project: training paused (checkpoint and stop),
// resumed to the end, embedded, mapped, clustered and queried for similar items; events in order.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { computeClusters } from '../../../src-main/api/services/exploration/clusters.ts';
import { computeMap } from '../../../src-main/api/services/exploration/maps.ts';
import { computeOutliers } from '../../../src-main/api/services/exploration/outliers.ts';
import { createDispatch } from '../../../src-main/api/transport/dispatch.ts';
import { DesktopService } from '../../../src-main/api/services/desktop-service.ts';
import { EventHub } from '../../../src-main/api/contract/index.ts';
import { ProjectSession } from '../../../src-main/api/services/project/project-session.ts';
import { similar as similarItems } from '../../../src-main/api/services/exploration/similarity.ts';
import type { ApiEvents, EventName } from '../../../src-main/api/contract/index.ts';
import type { Dispatch } from '../../../src-main/api/transport/dispatch.ts';

let service: DesktopService;
let projectPath: string;
let dispatch: Dispatch;
const seen: { event: EventName; payload: unknown }[] = [];
const events = new EventHub();
events.listen((event, payload) => seen.push({ event, payload }));

const SETTINGS = { epochs: 3, batch_size: 16, encoder: 'small-cnn', image_size: 32, width: 8, depth: 2, projection_size: 32, projection_hidden_size: 64, backend: 'wasm' };

function next<E extends EventName>(event: E, test: (p: ApiEvents[E]) => boolean = () => true): Promise<ApiEvents[E]> {
  return new Promise((done) => {
    const stop = events.listen((e, p) => {
      if ((e as string) === event && test(p as unknown as ApiEvents[E])) {
        stop();
        done(p as ApiEvents[E]);
      }
    });
  });
}

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'astromorph-desktop-'));
  cpSync(resolve(import.meta.dirname, '../../../resources/sample-data/disks'), join(dir, 'disks'), { recursive: true });
  service = new DesktopService({ events, host: 'browser' });
  dispatch = createDispatch(service);
  projectPath = (await dispatch('createProject', { path: join(dir, 'survey') }) as { path: string }).path;
  await dispatch('addFolders', { folders: [join(dir, 'disks')] });
});

afterAll(async () => {
  await service?.close();
});

describe('desktop service', () => {
  it('reports settings problems the way the TOML loader does', async () => {
    const r = await dispatch('checkSettings', { settings: { ...SETTINGS, batch_size: 1, nonsense: 2 } }) as { ok: boolean; errors: string[] };
    expect(r.ok).toBe(false);
    expect(r.errors.some((e) => e.startsWith('batch_size:'))).toBe(true);
    expect(r.errors).toContain("unknown key 'nonsense'");
    await expect(dispatch('startTraining', { settings: { ...SETTINGS, batch_size: 1 } })).rejects.toThrow(/batch_size/);
  });

  it('pauses a run at a checkpoint, resumes it to the end, and refuses a second run meanwhile', async () => {
    const firstStep = next('trainingProgress');
    const start = await dispatch('startTraining', { settings: SETTINGS }) as { runId: number };
    await firstStep;
    await expect(dispatch('startTraining', { settings: SETTINGS })).rejects.toThrow(/training/);
    expect(await dispatch('pauseTraining', { runId: start.runId, paused: true })).toEqual({ paused: true });
    const paused = await dispatch('trainingState', {}) as { active: unknown; runs: { id: number; status: string; stepsDone: number }[] };
    expect(paused.active).toBeNull();
    expect(paused.runs[0].status).toBe('paused');
    const ended = next('trainingEnd', (e) => e.status === 'done');
    await dispatch('pauseTraining', { runId: start.runId, paused: false });
    const end = await ended;
    expect(end.report!.resumed).toBe(true);
    expect(end.report!.epochsDone).toBe(3);
    const curve = await dispatch('lossCurve', { runId: start.runId }) as { steps: number[]; losses: number[] };
    // 60 items / 16 per batch = 3 steps per epoch (the last partial batch dropped or kept by the loader): 3 epochs of steps, no gaps.
    expect(curve.steps.length).toBeGreaterThanOrEqual(9);
    expect(new Set(curve.steps).size).toBe(curve.steps.length);
    const order = seen.map((s) => s.event).filter((e) => e.startsWith('training'));
    expect(order[0]).toBe('trainingStart');
    expect(order).toContain('trainingPaused');
    expect(order.at(-1)).toBe('trainingEnd');
  });

  it('embeds the run, maps it, clusters it and finds similar items', async () => {
    const report = await dispatch('embed', { runId: 1 }) as { items: number; dim: number };
    expect(report.items).toBe(60);
    const sets = await dispatch('embeddingSets', {}) as { runId: number; items: number }[];
    expect(sets).toEqual([expect.objectContaining({ runId: 1, items: 60 })]);
    const map = await dispatch('computeMap', { runId: 1, method: 'pca' }) as { itemIds: Int32Array; coordinates: Float32Array };
    expect(map.itemIds.length).toBe(60);
    expect(map.coordinates.length).toBe(120);
    expect(map.coordinates.every(Number.isFinite)).toBe(true);
    const clusters = await dispatch('clusters', { runId: 1, k: 4 }) as { labels: Int32Array };
    expect(new Set(clusters.labels).size).toBe(4);
    const outliers = await dispatch('outliers', { runId: 1 }) as { scores: Float32Array };
    expect(outliers.scores).toHaveLength(60);
    expect(outliers.scores.every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
    const similar = await dispatch('similar', { runId: 1, id: map.itemIds[0], k: 5 }) as { matches: { id: number; similarity: number }[] };
    expect(similar.matches).toHaveLength(5);
    expect(similar.matches.map((m) => m.id)).not.toContain(map.itemIds[0]);
    const sims = similar.matches.map((m) => m.similarity);
    expect([...sims].sort((a, b) => b - a)).toEqual(sims);
  });

  it('shows the results the CLI reads: the same stored map, clustering, outlier scores and neighbours', async () => {
    const map = await dispatch('computeMap', { runId: 1, method: 'pca' }) as { itemIds: Int32Array; coordinates: Float32Array };
    const clusters = await dispatch('clusters', { runId: 1, k: 3 }) as { labels: Int32Array };
    const outliers = await dispatch('outliers', { runId: 1 }) as { scores: Float32Array };
    const similar = await dispatch('similar', { runId: 1, id: map.itemIds[7], k: 6 }) as { matches: { id: number; similarity: number }[] };
    // A second session on the same file, as `astromorph map/cluster/outliers/similar` would open it.
    const cli = ProjectSession.open(projectPath);
    try {
      const cliMap = await computeMap(cli, { runId: 1, method: 'pca' });
      expect(cliMap.reused).toBe(true);
      const at = new Map(Array.from(map.itemIds, (id, i) => [id, i]));
      for (const p of cliMap.points) {
        const i = at.get(p.itemId)!;
        expect([map.coordinates[2 * i], map.coordinates[2 * i + 1]]).toEqual([p.x, p.y]);
      }
      const cliClusters = await computeClusters(cli, { runId: 1, method: 'kmeans', k: 3 });
      expect(cliClusters.reused).toBe(true);
      for (const a of cliClusters.assignments) expect(clusters.labels[at.get(a.itemId)!]).toBe(a.label);
      const cliOutliers = await computeOutliers(cli, { runId: 1, top: 60 });
      expect(cliOutliers.reused).toBe(true);
      for (const r of cliOutliers.ranked) expect(outliers.scores[at.get(r.itemId)!]).toBeCloseTo(r.score, 6);
      const cliSimilar = await similarItems(cli, map.itemIds[7], { runId: 1, k: 6 });
      expect(similar.matches.map((m) => m.id)).toEqual(cliSimilar.neighbours.map((n) => n.itemId));
    } finally {
      cli.close();
    }
  });

  it('a cancelled map computation rejects and leaves nothing cached', async () => {
    const controller = new AbortController();
    const pending = dispatch('computeMap', { runId: 1, method: 'tsne' }, controller.signal);
    controller.abort();
    await expect(pending).rejects.toThrow();
    const map = await dispatch('computeMap', { runId: 1, method: 'tsne' }) as { coordinates: Float32Array };
    expect(map.coordinates.length).toBe(120);
  });
});
