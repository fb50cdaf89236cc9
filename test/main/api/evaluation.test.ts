// evaluateRun through the dispatch both transports use (and once over HTTP): labels from item tags
// or CSV text, on a project whose run holds three well-separated blobs, so every score is known.
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDispatch } from '../../../src-main/api/transport/dispatch.ts';
import { DesktopService } from '../../../src-main/api/services/desktop-service.ts';
import { EventHub } from '../../../src-main/api/contract/index.ts';
import { startHttpServer } from '../../../src-main/api/transport/http-server.ts';
import type { Dispatch } from '../../../src-main/api/transport/dispatch.ts';
import type { EvaluationView } from '../../../src-main/api/contract/index.ts';
import type { RunningHttpServer } from '../../../src-main/api/transport/http-server.ts';
import { Project } from '../../../src-main/project/index.ts';
import { CLUSTERS, makeBlobProject, PER_CLUSTER } from './exploration-fixture.ts';
import type { BlobProject } from './exploration-fixture.ts';

let dir: string;
let fx: BlobProject;
let service: DesktopService;
let dispatch: Dispatch;
let paths: string[];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'astromorph-evaluation-'));
  fx = makeBlobProject(dir);
  const project = Project.open(fx.file);
  try {
    paths = fx.itemIds.map((id) => project.items.get(id)!.path);
  } finally {
    project.close();
  }
  service = new DesktopService({ events: new EventHub(), host: 'browser' });
  service.openPath(fx.file);
  dispatch = createDispatch(service);
});

afterAll(async () => {
  await service?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The blob of each item in row order (the planted outlier, the last row, has none). */
const blobOf = (i: number) => (i < CLUSTERS * PER_CLUSTER ? fx.labels[i] : null);

async function failure(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    return { code: (e as { code: string }).code, message: (e as Error).message };
  }
  throw new Error('expected the call to fail');
}

describe('evaluateRun', () => {
  it('labels from tags with a prefix: every blob recognised, the untagged outlier counted', async () => {
    for (let b = 0; b < CLUSTERS; b++) {
      const ids = fx.itemIds.filter((_, i) => blobOf(i) === b);
      await dispatch('tagItems', { ids, tag: `class:blob ${b + 1}` });
      await dispatch('tagItems', { ids, tag: 'seen' });
    }
    const view = await dispatch('evaluateRun', { runId: fx.blobRun, labelsFrom: { tagPrefix: 'class:' } }) as EvaluationView;
    expect(view).toMatchObject({
      runId: fx.blobRun, dim: fx.dim, items: CLUSTERS * PER_CLUSTER + 1, n: CLUSTERS * PER_CLUSTER, labelSource: 'tags',
      classes: ['blob 1', 'blob 2', 'blob 3'], classCounts: [PER_CLUSTER, PER_CLUSTER, PER_CLUSTER],
      unmatchedRows: 0, unlabelledItems: 1, ambiguousItems: 0,
    });
    expect(view.knn).toMatchObject({ k: 10, accuracy: 1, confusion: [[20, 0, 0], [0, 20, 0], [0, 0, 20]] });
    expect(view.linearProbe).toMatchObject({ folds: 5, accuracy: 1 });
    expect(view.precisionAtK).toBe(1);
    expect(view.effectiveRank).toBeGreaterThan(1);
    // Without a prefix each item needs exactly one tag: here every tagged item has two.
    const none = await failure(dispatch('evaluateRun', { runId: fx.blobRun, labelsFrom: {} }));
    expect(none).toEqual({ code: 'no-data', message: `item tags: labels none of the ${CLUSTERS * PER_CLUSTER + 1} items of run ${fx.blobRun}` });
  });

  it('labels from CSV text: paths relative to the project, unmatched rows counted, k and folds passed on', async () => {
    const lines = ['file,label', ...paths.slice(0, 30).map((p, i) => `${p},${blobOf(i) === 0 ? 'first' : 'other'}`), 'data/missing.fits,first'];
    const view = await dispatch('evaluateRun', { labelsFrom: { csv: lines.join('\n') }, k: 3, folds: 3 }) as EvaluationView;
    expect(view.runId).toBe(fx.sizeRun); // the latest run with embeddings
    expect(view).toMatchObject({ n: 30, classes: ['first', 'other'], classCounts: [10, 20], unmatchedRows: 1, unmatchedExamples: ['data/missing.fits'], unlabelledItems: 31, labelSource: 'csv' });
    expect(view.knn.k).toBe(3);
    expect(view.linearProbe.folds).toBe(3);
  });

  it('refuses bad arguments at the edge and bad tables with their reason', async () => {
    const bad = (args: unknown) => failure(dispatch('evaluateRun', args));
    expect((await bad({ labelsFrom: { csv: 'file,label\nx,y', tagPrefix: 'class:' } })).code).toBe('bad-argument');
    expect((await bad({ labelsFrom: { tagPrefix: 'class:' }, run: 1 })).message).toMatch(/unknown key 'run'/);
    expect((await bad({ labelsFrom: { csv: '' } })).code).toBe('bad-argument');
    expect((await bad({ labelsFrom: { tagPrefix: 'class:' }, k: 0 })).message).toMatch(/^evaluateRun: k:/);
    expect(await bad({ labelsFrom: { csv: 'name,label\na,b' } })).toEqual({
      code: 'no-data', message: 'the labels CSV: the header (name,label) has no file column (file, path, filename); the first line must name the columns, e.g. file,label',
    });
    expect((await bad({ runId: 99, labelsFrom: {} })).message).toMatch(/has no run 99/);
  });

  it('is served over HTTP like every other method', async () => {
    const events = new EventHub();
    const server: RunningHttpServer = await startHttpServer({ dispatch, events, staticDir: dir });
    try {
      const body = JSON.stringify({ runId: fx.blobRun, labelsFrom: { tagPrefix: 'class:' } });
      const reply = await new Promise<{ status: number; text: string }>((done, fail) => {
        const req = request({
          agent: false, host: '127.0.0.1', port: server.port, method: 'POST', path: '/api/evaluateRun',
          headers: { Host: `127.0.0.1:${server.port}`, 'x-astromorph-token': server.token, 'Content-Type': 'application/json' },
        }, (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c));
          res.on('end', () => done({ status: res.statusCode!, text }));
        });
        req.on('error', fail);
        req.end(body);
      });
      expect(reply.status).toBe(200);
      const view = (JSON.parse(reply.text) as { value: EvaluationView }).value;
      expect(view.knn.accuracy).toBe(1);
      expect(view.classes).toEqual(['blob 1', 'blob 2', 'blob 3']);
    } finally {
      await server.close();
    }
  });
});
