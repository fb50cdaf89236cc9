// train -> embed -> export through the real CLI on tiny real FITS files (16 synthetic disks, 16x16
// small CNN): the loss falls, checkpoints and losses land in the project, one vector per item, and
// the CSV has one row per item with the header the README documents. Interruptions: Ctrl-C saves a
// checkpoint and exits 130, SIGKILL leaves a sound project, and --resume finishes the same run.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSyntheticDataset } from '../../../src-main/synthetic/index.ts';
import { Project } from '../../../src-main/project/index.ts';
import { ProjectSession } from '../../../src-main/api/services/project/project-session.ts';
import { cli, cliProcess, hasStackTrace } from './run-cli.ts';

const ITEMS = 16;
const SETTINGS = `# tiny model for tests
encoder = "small-cnn"
width = 4
depth = 2
image_size = 16
coordinates = "cartesian"
embed_profile = false
batch_size = 4
projection_size = 8
projection_hidden_size = 16
learning_rate = 3e-3
backend = "wasm"
core_limit = 2
`;
const DIM = 8; // small-cnn: width * 2^(depth-1)

let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'astromorph-train-'));
  writeSyntheticDataset(join(dir, 'disks'), { n: ITEMS, seed: 11 });
  writeFileSync(join(dir, 'settings.toml'), SETTINGS);
  expect(cli(['init', 'survey'], dir).status).toBe(0);
  expect(cli(['add', 'survey', 'disks'], dir).status).toBe(0);
  // The interruption tests' projects through the API: the same files, two CLI start-ups fewer each.
  for (const name of ['killed', 'stopped']) {
    const session = ProjectSession.create(join(dir, name));
    await session.addFolders([join(dir, 'disks')]);
    session.close();
  }
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function withProject<T>(name: string, fn: (p: Project) => T): T {
  const p = Project.open(join(dir, `${name}.amproj`));
  try {
    return fn(p);
  } finally {
    p.close();
  }
}

function epochMeans(p: Project, runId: number): number[] {
  const sums = new Map<number, { sum: number; n: number }>();
  for (const l of p.losses.list(runId)) {
    const e = sums.get(l.epoch) ?? { sum: 0, n: 0 };
    e.sum += l.loss;
    e.n++;
    sums.set(l.epoch, e);
  }
  return [...sums.entries()].sort((a, b) => a[0] - b[0]).map(([, e]) => e.sum / e.n);
}

/** Starts `train` and calls `at` on the first stderr text matching `when`; resolves with the exit. */
function trainUntil(args: string[], when: RegExp, at: (child: ReturnType<typeof cliProcess>) => void) {
  const child = cliProcess(['train', ...args], dir);
  let stdout = '';
  let stderr = '';
  let fired = false;
  child.stdout.on('data', (c) => (stdout += c));
  child.stderr.on('data', (c) => {
    stderr += c;
    if (!fired && when.test(stderr)) {
      fired = true;
      at(child);
    }
  });
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; fired: boolean }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr, fired })));
}

describe('astromorph train, embed, export', () => {
  it('train: a run with the settings and backend used, its encoder kept, and a falling loss', () => {
    const res = cli(['train', 'survey', '--config', 'settings.toml', '--epochs', '3', '--seed', '5'], dir);
    expect(res.status, res.stderr).toBe(0);
    expect(res.stderr).toMatch(/^training run 1 on 16 items, 3 epochs; backend: wasm$/m);
    expect(res.stderr).toMatch(/^epoch 3\/3 done: mean loss \d+\.\d+, effective rank \d+\.\d \(projection \d+\.\d\) \(checkpoint \d+ saved\)$/m);
    expect(res.stdout).toMatch(/^run 1 finished 3 epochs \(12 steps\) on wasm/m);
    withProject('survey', (p) => {
      const [run, ...others] = p.runs.list();
      expect(others).toEqual([]);
      expect(run).toMatchObject({ id: 1, status: 'done', backend: 'wasm', seed: 5, epochsDone: 3, stepsDone: 12 });
      expect(run!.config).toMatchObject({ epochs: 3, seed: 5, encoder: 'small-cnn', image_size: 16, width: 4 });
      // One per epoch (at most 3 kept) while it could resume; finished, only the last, cut down to the encoder.
      const checkpoints = p.checkpoints.list(1);
      expect(checkpoints.map((c) => c.epoch)).toEqual([3]);
      expect(checkpoints[0]!.meta.encoderOnly).toBe(true);
      expect(p.losses.list(1).map((l) => l.step)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
      const means = epochMeans(p, 1);
      expect(means).toHaveLength(3);
      expect(means[2]!).toBeLessThan(means[0]!);
      expect(p.integrityCheck()).toEqual(['ok']);
    });
  });

  it('embed: one finite vector of the model\'s dimension per item', () => {
    const res = cli(['embed', 'survey', '--batch-size', '5'], dir);
    expect(res.status, res.stderr).toBe(0);
    expect(res.stderr).toMatch(/backend: wasm/);
    expect(res.stdout).toMatch(new RegExp(`^embedded ${ITEMS} items with run 1: ${DIM} values each`, 'm'));
    withProject('survey', (p) => {
      const set = p.embeddings.all(1);
      expect(set.dim).toBe(DIM);
      expect(set.itemIds.sort()).toEqual(p.items.list({ status: 'ok' }).map((i) => i.id).sort());
      expect(set.vectors.every(Number.isFinite)).toBe(true);
      // Distinct images give distinct vectors (a constant model would pass the count checks).
      expect(new Set(set.itemIds.map((_, i) => set.vectors[i * DIM]!.toFixed(6))).size).toBeGreaterThan(ITEMS / 2);
    });
  });

  it('export: a CSV with file, metadata and emb_0..emb_{D-1}, one row per item, vectors exact to float32', () => {
    const res = cli(['export', 'survey', 'embeddings', '--format', 'csv', '--out', 'embeddings.csv'], dir);
    expect(res.status, res.stderr).toBe(0);
    const lines = readFileSync(join(dir, 'embeddings.csv'), 'utf8').trimEnd().split('\n');
    const header = lines[0]!.split(',');
    expect(header.slice(0, 3)).toEqual(['file', 'hdu', 'object']);
    expect(header).toEqual(expect.arrayContaining(['ra', 'dec', 'bunit', 'telescope', 'instrument', 'shape']));
    expect(header.slice(-DIM)).toEqual(Array.from({ length: DIM }, (_, i) => `emb_${i}`));
    expect(lines).toHaveLength(ITEMS + 1);
    withProject('survey', (p) => {
      for (const line of lines.slice(1)) {
        const fields = line.split(','); // no field of these files needs quoting
        expect(fields).toHaveLength(header.length);
        const item = p.items.byPath(fields[0]!)!;
        expect(item, fields[0]).toBeDefined();
        expect(fields[0]).toMatch(/^disks\/\d+-[a-z-]+\.fits$/);
        expect(fields[header.indexOf('object')]).toBe(item.metadata.object);
        expect(Number(fields[header.indexOf('ra')])).toBe(item.metadata.ra);
        expect(fields[header.indexOf('shape')]).toBe(item.shape!.join('x'));
        const stored = p.embeddings.get(1, item.id)!;
        const written = Float32Array.from(fields.slice(-DIM).map(Number));
        expect(written).toEqual(stored);
      }
    });
  });

  it('a settings file with an unknown key is a usage error naming the key, and starts no run', () => {
    writeFileSync(join(dir, 'bad.toml'), `${SETTINGS}epochz = 3\n`);
    const res = cli(['train', 'survey', '--config', 'bad.toml'], dir);
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(/bad\.toml: .*unknown key 'epochz'/);
    expect(hasStackTrace(res.stderr)).toBe(false);
    withProject('survey', (p) => expect(p.runs.list()).toHaveLength(1));
  });

  it('an augmentation with a parameter it does not take is a usage error before any run is created', () => {
    writeFileSync(join(dir, 'bad-aug.toml'), `${SETTINGS}augmentations = [ { name = "rotation", degree = 90 } ]\n`);
    const res = cli(['train', 'survey', '--config', 'bad-aug.toml'], dir);
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(/bad-aug\.toml: .*augmentations\[0\]: unknown key 'degree' \(rotation takes p, degrees, corners\)/);
    expect(hasStackTrace(res.stderr)).toBe(false);
    withProject('survey', (p) => expect(p.runs.list()).toHaveLength(1));
  });

  it('SIGKILL mid-run leaves a sound project, and --resume continues the same run from its last checkpoint', async () => {
    const killed = await trainUntil(['killed', '--config', 'settings.toml', '--epochs', '4'], /epoch 2\/4 done/, (c) => c.kill('SIGKILL'));
    expect(killed.fired, killed.stderr).toBe(true);
    expect(killed.signal).toBe('SIGKILL');
    const saved = withProject('killed', (p) => {
      expect(p.integrityCheck()).toEqual(['ok']);
      const run = p.runs.get(1)!;
      expect(run.status).toBe('running'); // nobody was left to say otherwise
      const latest = p.checkpoints.latest(1)!;
      expect(latest.epoch).toBeGreaterThanOrEqual(2);
      expect(run.stepsDone).toBe(latest.step);
      // Losses are saved with their checkpoint, so none lie beyond it.
      expect(Math.max(...p.losses.list(1).map((l) => l.step))).toBe(latest.step);
      return latest.step;
    });
    const res = cli(['train', 'killed', '--resume'], dir);
    expect(res.status, res.stderr).toBe(0);
    expect(res.stderr).toMatch(new RegExp(`^resuming run 1 at step ${saved} \\(epoch ${saved / 4 + 1}\\)`, 'm'));
    withProject('killed', (p) => {
      expect(p.runs.list()).toHaveLength(1);
      expect(p.runs.get(1)).toMatchObject({ status: 'done', epochsDone: 4, stepsDone: 16 });
      expect(p.losses.list(1).map((l) => l.step)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
      expect(p.checkpoints.list(1).length).toBeLessThanOrEqual(3);
      expect(p.checkpoints.latest(1)!.epoch).toBe(4);
    });
    const again = cli(['train', 'killed', '--resume'], dir);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/no unfinished training run to resume/);
  });

  it('Ctrl-C saves a checkpoint at the current step, marks the run cancelled and exits 130; --resume finishes it', async () => {
    const stopped = await trainUntil(['stopped', '--config', 'settings.toml', '--epochs', '4'], /epoch 1\/4 step/, (c) => c.kill('SIGINT'));
    expect(stopped.code, stopped.stderr).toBe(130);
    expect(stopped.stderr).toMatch(/cancelling/);
    expect(stopped.stdout).toMatch(/^cancelled run 1 after .* at epoch \d, step \d+/m);
    const step = withProject('stopped', (p) => {
      const run = p.runs.get(1)!;
      expect(run.status).toBe('cancelled');
      const latest = p.checkpoints.latest(1)!;
      expect(latest.step).toBeGreaterThanOrEqual(1);
      expect(latest.meta.kind === 'cancel' || latest.step % 4 === 0).toBe(true);
      return latest.step;
    });
    expect(step).toBeLessThan(16);
    const res = cli(['train', 'stopped', '--resume', '--no-progress'], dir);
    expect(res.status, res.stderr).toBe(0);
    expect(res.stderr).toMatch(new RegExp(`^resuming run 1 at step ${step} `, 'm'));
    withProject('stopped', (p) => {
      expect(p.runs.get(1)).toMatchObject({ status: 'done', epochsDone: 4, stepsDone: 16 });
      expect(p.losses.list(1).map((l) => l.step)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
    });
  });
});
