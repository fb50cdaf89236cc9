// ProjectSession in-process: a real project file in a temp folder, the bundled sample data.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../../src-main/api/contract/index.ts';
import { ProjectSession } from '../../../src-main/api/services/project/project-session.ts';
import type { ScanProgress } from '../../../src-main/api/contract/index.ts';

const SAMPLES = new URL('../../../resources/sample-data/', import.meta.url).pathname;
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'astromorph-session-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof ApiError ? err.code : `not an ApiError: ${err}`;
  }
  return undefined;
}

describe('ProjectSession', () => {
  it('create adds .amproj, refuses an existing file; open needs an existing project', () => {
    const session = ProjectSession.create(join(dir, 'one'));
    expect(session.path).toBe(join(dir, 'one.amproj'));
    session.close();
    expect(codeOf(() => ProjectSession.create(join(dir, 'one')))).toBe('project-exists');
    writeFileSync(join(dir, 'other.txt'), 'x');
    expect(codeOf(() => ProjectSession.create(join(dir, 'other.txt')))).toBe('project-exists');
    expect(codeOf(() => ProjectSession.open(join(dir, 'two')))).toBe('no-project');
    ProjectSession.open(join(dir, 'one')).close();
  });

  it('scans the sample data with progress, then lists every file as ok', async () => {
    const session = ProjectSession.open(join(dir, 'one'));
    try {
      const seen: ScanProgress[] = [];
      const report = await session.addFolders([SAMPLES], { onProgress: (p) => seen.push(p) });
      expect(report).toMatchObject({ added: 64, failed: 0, cancelled: false, itemsInProject: 64, failures: [] });
      expect(seen.length).toBeGreaterThan(0);
      const reads = seen.filter((p) => p.phase === 'read');
      expect(reads.length).toBeGreaterThan(0);
      for (let i = 1; i < reads.length; i++) expect(reads[i]!.done).toBeGreaterThanOrEqual(reads[i - 1]!.done);
      expect(reads.at(-1)).toMatchObject({ done: 64, total: 64, failed: 0 });
      const rows = session.listItems();
      expect(rows).toHaveLength(64);
      expect(session.listItems({ status: 'failed' })).toEqual([]);
      const cube = rows.find((r) => r.path.endsWith('spiral_co21_cube.fits'))!;
      expect(cube).toMatchObject({ status: 'ok', hdu: 0, shape: [48, 48, 16], bitpix: -32, error: null });
    } finally {
      session.close();
    }
  });

  it('a scan aborted before it starts is reported as cancelled and leaves the project usable', async () => {
    const session = ProjectSession.create(join(dir, 'aborted'));
    try {
      const controller = new AbortController();
      controller.abort();
      const report = await session.addFolders([SAMPLES], { signal: controller.signal });
      expect(report.cancelled).toBe(true);
      expect(report.itemsInProject).toBeLessThan(64);
      const again = await session.addFolders([SAMPLES]);
      expect(again).toMatchObject({ cancelled: false, itemsInProject: 64 });
    } finally {
      session.close();
    }
  });

  it('adding something that is not a folder is ApiError not-a-folder', async () => {
    const session = ProjectSession.open(join(dir, 'one'));
    try {
      await expect(session.addFolders([join(dir, 'other.txt')])).rejects.toMatchObject({ code: 'not-a-folder' });
      await expect(session.addFolders([])).rejects.toMatchObject({ code: 'bad-argument' });
    } finally {
      session.close();
    }
  });
});
