// The training and embedding services on a real project file and real FITS files, in-process:
// which runs --resume may touch, cancelling an embedding, and the errors a person can act on.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../../src-main/api/contract/index.ts';
import { ProjectSession } from '../../../src-main/api/services/project/project-session.ts';
import { embedItems, exportEmbeddings } from '../../../src-main/api/services/training/embedding.ts';
import { train } from '../../../src-main/api/services/training/training.ts';
import { parseSettings } from '../../../src-main/model/index.ts';
import { writeSurveyDataset, writeSyntheticDataset } from '../../../src-main/synthetic/index.ts';
import { channelsFromData } from '../../../src-main/api/services/training/training.ts';

const TINY = {
  encoder: 'small-cnn', width: 4, depth: 2, image_size: 16, coordinates: 'cartesian', embed_profile: false, batch_size: 4, projection_size: 8, projection_hidden_size: 16,
  learning_rate: 3e-3, backend: 'wasm', core_limit: 2, epochs: 2,
} as const;

let dir: string;
let session: ProjectSession;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'astromorph-api-train-'));
  writeSyntheticDataset(join(dir, 'disks'), { n: 8, seed: 2 });
  session = ProjectSession.create(join(dir, 'p'));
  await session.addFolders([join(dir, 'disks')]);
});

afterAll(() => {
  session.close();
  rmSync(dir, { recursive: true, force: true });
});

function tinyFile(): string {
  const file = join(dir, 'tiny.toml');
  writeFileSync(file, Object.entries(TINY).map(([k, v]) => `${k} = ${JSON.stringify(v)}`).join('\n') + '\n');
  return file;
}

const code = (p: Promise<unknown>) => p.then(() => 'resolved', (e: unknown) => (e instanceof ApiError ? e.code : String(e)));

describe('training and embedding services', () => {
  it('refuses to embed or export before anything is trained', async () => {
    expect(await code(embedItems(session))).toBe('no-run');
    expect(await code(exportEmbeddings(session, { format: 'csv', out: join(dir, 'e.csv') }))).toBe('no-run');
    expect(await code(train(session, { resume: true }))).toBe('no-run');
  });

  it('--resume leaves a run alone while its process lives, and restarts it once that process is gone', async () => {
    const project = session.project;
    const run = project.runs.create({ config: parseSettings(TINY) as unknown as Record<string, unknown>, backend: 'wasm', seed: 0 });
    const other = spawn('sleep', ['30']);
    await new Promise((r) => other.once('spawn', r));
    project.settings.set(`training.process.${run.id}`, { pid: other.pid, host: hostname(), since: Date.now() });
    await expect(train(session, { resume: true })).rejects.toThrow(new RegExp(`run ${run.id} is still being trained by process ${other.pid}`));
    expect(await code(train(session, { resume: true, settingsFile: 'x.toml' }))).toBe('bad-argument');
    other.kill('SIGKILL');
    await new Promise((r) => other.once('exit', r));
    const starts: unknown[] = [];
    const report = await train(session, { resume: true, onStart: (s) => starts.push(s) });
    expect(starts).toEqual([expect.objectContaining({ runId: run.id, resumed: true, fromStep: 0, backend: 'wasm' })]);
    expect(report).toMatchObject({ runId: run.id, status: 'done', epochsDone: 2, stepsDone: 4 });
    expect(project.runs.get(run.id)!.status).toBe('done');
    expect(project.settings.get(`training.process.${run.id}`)).toBeUndefined();
  });

  it('pause holds a run (shown as paused) until resume, and the run then finishes', async () => {
    let steps = 0;
    let controls: { pause(): void; resume(): void } | undefined;
    let paused: () => void;
    const pausedNow = new Promise<void>((r) => (paused = r));
    const running = train(session, {
      epochs: 3,
      // TINY settings through a file: the defaults (ResNet-18, 64x64) would be slow here.
      settingsFile: tinyFile(),
      onControls: (c) => (controls = c),
      onProgress: () => {
        steps++;
        if (steps === 1) {
          controls!.pause();
          paused();
        }
      },
    });
    await pausedNow;
    await new Promise((r) => setTimeout(r, 1500));
    const runId = session.project.runs.list().at(-1)!.id;
    expect(session.project.runs.get(runId)!.status).toBe('paused');
    expect(steps).toBeLessThanOrEqual(2); // at most the step under way when the pause arrived
    controls!.resume();
    expect(session.project.runs.get(runId)!.status).toBe('running');
    const report = await running;
    expect(report).toMatchObject({ runId, status: 'done', stepsDone: 6 });
    expect(steps).toBe(6);
    controls!.pause(); // after the end: nothing to pause
    expect(session.project.runs.get(runId)!.status).toBe('done');
  });

  it('a settings file with bad values is a bad-argument error naming the file and the key', async () => {
    const file = join(dir, 'bad.toml');
    writeFileSync(file, 'encoder = "vgg"\nepochs = 0\n');
    const err = await train(session, { settingsFile: file }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe('bad-argument');
    expect((err as Error).message).toMatch(/bad\.toml: invalid training settings: .*encoder.*epochs|bad\.toml: invalid training settings: .*epochs.*encoder/);
  });

  it('a cancelled embedding keeps the vectors written so far and says how many', async () => {
    const controller = new AbortController();
    const report = await embedItems(session, {
      batchSize: 2,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.done >= 2) controller.abort();
      },
    });
    expect(report.cancelled).toBe(true);
    expect(report.items).toBeGreaterThanOrEqual(2);
    expect(report.items).toBeLessThan(8);
    expect(session.project.embeddings.count(report.runId)).toBe(report.items);
    const full = await embedItems(session, { runId: report.runId });
    expect(full).toMatchObject({ cancelled: false, items: 8, total: 8, dim: 8 });
    expect(await code(exportEmbeddings(session, { format: 'csv', out: join(dir, 'no-such-folder', 'e.csv') }))).toBe('not-a-folder');
    const exported = await exportEmbeddings(session, { format: 'csv', out: join(dir, 'e.csv') });
    expect(exported).toMatchObject({ runId: report.runId, rows: 8, dim: 8, path: join(dir, 'e.csv') });
  });
});

describe('settings chosen from the data', () => {
  it('a project of line cubes trains on 8 velocity channels unless the settings say; images on 1', async () => {
    const cubesDir = mkdtempSync(join(tmpdir(), 'astromorph-api-cubes-'));
    try {
      writeSurveyDataset(join(cubesDir, 'cubes'), { kind: 'cubes', n: 8, seed: 3 });
      const cubes = ProjectSession.create(join(cubesDir, 'c'));
      try {
        await cubes.addFolders([join(cubesDir, 'cubes')]);
        expect(channelsFromData(cubes.project)).toBe(8);
        const { epochs: _e, ...tiny } = TINY;
        const file = join(cubesDir, 'tiny.toml');
        writeFileSync(file, Object.entries({ ...tiny, epochs: 1 }).map(([k, v]) => `${k} = ${JSON.stringify(v)}`).join('\n') + '\n');
        const report = await train(cubes, { settingsFile: file });
        const run = cubes.project.runs.get(report.runId)!;
        expect(run.config.channels).toBe(8);
        expect(run.config.cube).toBe('spectrum');
        writeFileSync(file, `${readFileSync(file, 'utf8')}channels = 3\n`);
        const three = await train(cubes, { settingsFile: file });
        expect(cubes.project.runs.get(three.runId)!.config.channels).toBe(3);
      } finally {
        cubes.close();
      }
    } finally {
      rmSync(cubesDir, { recursive: true, force: true });
    }
    expect(channelsFromData(session.project)).toBe(1); // the 2-D disks of this file's project
  });
});
