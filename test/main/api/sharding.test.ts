// Sharded add and embed without a scheduler: tasks write shard files beside the project, merge brings
// them in. The merged vectors equal a single-process embed bit for bit; a bad shard (another project,
// another model, overlapping, unfinished, hand-made values) is refused whole. Real SQLite, real FITS.
import { copyFileSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProjectSession } from '../../../src-main/api/services/project/project-session.ts';
import { addShard, embedShard, mergeShards, shardFolder, shardProgress } from '../../../src-main/api/services/sharding/shards.ts';
import { arraySpec } from '../../../src-main/api/services/sharding/slurm.ts';
import { DesktopService } from '../../../src-main/api/services/desktop-service.ts';
import { EventHub } from '../../../src-main/api/contract/index.ts';
import { embedItems } from '../../../src-main/api/services/training/embedding.ts';
import { train } from '../../../src-main/api/services/training/training.ts';
import { shardOf } from '../../../src-main/project/shard-file.ts';
import { writeSyntheticDataset } from '../../../src-main/synthetic/index.ts';
import { cli } from '../cli/run-cli.ts';

const TINY = {
  encoder: 'small-cnn', width: 4, depth: 2, image_size: 16, coordinates: 'cartesian', embed_profile: false, batch_size: 4, projection_size: 8, projection_hidden_size: 16,
  learning_rate: 3e-3, backend: 'wasm', core_limit: 1, epochs: 1,
} as const;
const N = 20;
const SHARDS = 3;

let dir: string;
let project: string;
let single: string;

/** Every vector of run 1 as raw bytes by item path: equality here is bit for bit. */
function vectorsByPath(file: string): Map<string, string> {
  const db = new Database(file, { readonly: true });
  try {
    const rows = db.prepare('SELECT i.path, e.vector FROM embeddings e JOIN items i ON i.id = e.item_id WHERE e.run_id = 1').all() as { path: string; vector: Buffer }[];
    return new Map(rows.map((r) => [r.path, r.vector.toString('hex')]));
  } finally {
    db.close();
  }
}

async function withSession<T>(file: string, fn: (s: ProjectSession) => Promise<T> | T, readOnly = false): Promise<T> {
  const s = ProjectSession.open(file, { readOnly });
  try {
    return await fn(s);
  } finally {
    s.close();
  }
}

async function embedAllShards(file: string): Promise<string[]> {
  const files: string[] = [];
  for (let i = 0; i < SHARDS; i++) {
    const r = await withSession(file, (s) => embedShard(s, { shard: { index: i, count: SHARDS } }), true);
    files.push(r.file!);
  }
  return files;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'astromorph-shards-'));
  writeSyntheticDataset(join(dir, 'disks'), { n: N, seed: 9 });
  const settings = join(dir, 'tiny.toml');
  writeFileSync(settings, Object.entries(TINY).map(([k, v]) => `${k} = ${JSON.stringify(v)}`).join('\n') + '\n');
  const session = ProjectSession.create(join(dir, 'survey'));
  project = session.path;
  try {
    await session.addFolders([join(dir, 'disks')], { workers: 0 });
    await train(session, { settingsFile: settings });
  } finally {
    session.close();
  }
  single = join(dir, 'single.amproj');
  copyFileSync(project, single);
  await withSession(single, (s) => embedItems(s));
}, 180_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sharded embed', () => {
  it('a task needs the project id that merge or slurm gives, and never writes the project', async () => {
    await expect(withSession(project, (s) => embedShard(s, { shard: { index: 0, count: SHARDS } }), true)).rejects.toThrow(/no project id yet/);
    const merged = await withSession(project, (s) => mergeShards(s, []));
    expect(merged.merged).toEqual([]);
  });

  it('shards share the items out by path and merge into the vectors a single process gives, bit for bit', async () => {
    const files = await embedAllShards(project);
    expect(files.map((f) => f.slice(shardFolder(project).length + 1))).toEqual(['embed-run1-000-of-003.amshard', 'embed-run1-001-of-003.amshard', 'embed-run1-002-of-003.amshard']);
    const progress = shardProgress(project, 'embed', SHARDS, 1);
    expect(progress.complete).toBe(true);
    expect(progress.shards.reduce((a, s) => a + s.assigned, 0)).toBe(N);

    // One shard first: the report says which are missing, and those vectors are in.
    const partial = await withSession(project, (s) => mergeShards(s, [files[1]!]));
    expect(partial).toMatchObject({ complete: false, missingShards: [0, 2], merged: [1] });
    expect(partial.missingItems).toBe(N - partial.written);
    expect(vectorsByPath(project).size).toBe(partial.written);

    const report = await withSession(project, (s) => mergeShards(s, files));
    expect(report).toMatchObject({ kind: 'embed', runId: 1, complete: true, missingShards: [], written: N, missingItems: 0 });
    const want = vectorsByPath(single);
    expect(want.size).toBe(N);
    expect(vectorsByPath(project)).toEqual(want);
    for (const path of want.keys()) expect(shardOf(path, SHARDS)).toBeLessThan(SHARDS);

    // Idempotent: the same merge again changes nothing.
    await withSession(project, (s) => mergeShards(s, files));
    expect(vectorsByPath(project)).toEqual(want);
  }, 120_000);

  it('refuses overlapping, unfinished, foreign and hand-made shards whole, naming the file', async () => {
    const files = readdirSync(shardFolder(project)).filter((f) => f.endsWith('.amshard')).map((f) => join(shardFolder(project), f)).sort();
    const merge = (list: string[]) => withSession(project, (s) => mergeShards(s, list));
    await expect(merge([files[0]!, files[0]!])).rejects.toThrow(/given twice.*may not overlap/);

    const copy = (name: string, edit: (db: Database.Database) => void): string => {
      const f = join(dir, name);
      copyFileSync(files[0]!, f);
      const db = new Database(f);
      edit(db);
      db.close();
      return f;
    };
    const foreign = copy('foreign.amshard', (db) => db.prepare("UPDATE header SET value = '\"someone-else\"' WHERE key = 'projectId'").run());
    await expect(merge([foreign])).rejects.toThrow(/foreign\.amshard: a shard of another project/);
    const retrained = copy('model.amshard', (db) => db.prepare(`UPDATE header SET value = '"${'0'.repeat(64)}"' WHERE key = 'fingerprint'`).run());
    await expect(merge([retrained])).rejects.toThrow(/model\.amshard: embedded with another model/);
    const unfinished = copy('unfinished.amshard', (db) => db.prepare("UPDATE header SET value = 'false' WHERE key = 'complete'").run());
    await expect(merge([unfinished])).rejects.toThrow(/unfinished shard/);
    const nan = copy('nan.amshard', (db) => db.prepare('UPDATE vectors SET vector = ? WHERE rowid = 1').run(Buffer.from(new Float32Array(8).fill(Number.NaN).buffer)));
    const before = vectorsByPath(project);
    await expect(merge([files[1]!, nan])).rejects.toThrow(/nan\.amshard: table vectors, row 1, column vector/);
    const stolen = copy('stolen.amshard', (db) => db.prepare("UPDATE header SET value = '1' WHERE key = 'index'").run());
    await expect(merge([stolen])).rejects.toThrow(/belongs to shard 0, not 1/);
    const trigger = copy('trigger.amshard', (db) => db.exec('CREATE TRIGGER t AFTER INSERT ON vectors BEGIN SELECT 1; END'));
    await expect(merge([trigger])).rejects.toThrow(/schema objects a shard never has/);
    writeFileSync(join(dir, 'text.amshard'), 'not a shard at all');
    await expect(merge([join(dir, 'text.amshard')])).rejects.toThrow(/text\.amshard: not a shard file/);
    // Nothing of a refused merge went in (files[1] was given with the NaN shard).
    expect(vectorsByPath(project)).toEqual(before);
  }, 60_000);

  it('a task still running shows as running, and its .partial is never merged', async () => {
    const f = join(shardFolder(project), 'embed-run1-002-of-003.amshard');
    renameSync(f, `${f}.partial`);
    const progress = shardProgress(project, 'embed', SHARDS, 1);
    expect(progress.shards.map((s) => s.state)).toEqual(['done', 'done', 'running']);
    expect(progress.complete).toBe(false);
    expect(progress.shards[2]!.done).toBe(progress.shards[2]!.assigned);
    renameSync(`${f}.partial`, f);
  });
});

describe('the desktop service', () => {
  it('shows a job\'s shard progress from the files and merges it when complete', async () => {
    const file = join(dir, 'desktop.amproj');
    copyFileSync(project, file);
    const service = new DesktopService({ events: new EventHub(), host: 'browser' });
    try {
      service.openPath(file);
      expect(await service.shardJob()).toBeNull();
      await withSession(file, (s) => embedShard(s, { shard: { index: 1, count: 2 } }), true);
      const half = await service.shardJob();
      expect(half).toMatchObject({ kind: 'embed', runId: 1, count: 2, complete: false });
      expect(half!.shards.map((s) => s.state)).toEqual(['waiting', 'done']);
      await withSession(file, (s) => embedShard(s, { shard: { index: 0, count: 2 } }), true);
      expect((await service.shardJob())!.complete).toBe(true);
      const report = await service.mergeShardJob();
      expect(report).toMatchObject({ complete: true, written: N });
      expect((await service.embeddingSets())[0]).toMatchObject({ runId: 1, items: N });
    } finally {
      await service.close();
    }
    expect(vectorsByPath(file)).toEqual(vectorsByPath(single));
  }, 60_000);
});

describe('sharded add', () => {
  it('shards of a scan merge into the items, thumbnails and folder a plain add gives', async () => {
    const other = join(dir, 'other.amproj');
    ProjectSession.create(other).close();
    await withSession(other, (s) => mergeShards(s, []));
    const files: string[] = [];
    for (let i = 0; i < SHARDS; i++) {
      const r = await withSession(other, (s) => addShard(s, [join(dir, 'disks')], { shard: { index: i, count: SHARDS }, workers: 0 }), true);
      files.push(r.file!);
    }
    const report = await withSession(other, (s) => mergeShards(s, files));
    expect(report).toMatchObject({ kind: 'add', complete: true, written: N, skipped: 0 });
    const rows = (file: string) => {
      const db = new Database(file, { readonly: true });
      try {
        return {
          items: db.prepare('SELECT path, size, content_hash, hdu, shape, bitpix, status, object, header FROM items ORDER BY path').all(),
          thumbs: db.prepare('SELECT i.path, t.png FROM thumbnails t JOIN items i ON i.id = t.item_id ORDER BY i.path').all(),
          roots: db.prepare('SELECT root, scanned_at IS NOT NULL AS scanned FROM datasets').all(),
        };
      } finally {
        db.close();
      }
    };
    expect(rows(other)).toEqual(rows(project));
    // The CLI does the same from the command line.
    const res = cli(['merge', other, '--add', '--tasks', String(SHARDS)]);
    expect(res.stderr).toBe('');
    expect(res.stdout).toMatch(/merged 3 of 3 shards: 20 items/);
    expect(existsSync(shardFolder(other))).toBe(true);
  }, 60_000);

  it('a file gone since the last scan is marked missing by the shard whose share it is in', async () => {
    const data = join(dir, 'vanishing');
    cpSync(join(dir, 'disks'), data, { recursive: true });
    const file = join(dir, 'vanishing.amproj');
    ProjectSession.create(file).close();
    await withSession(file, (s) => mergeShards(s, []));
    const scan = async () => {
      const files: string[] = [];
      for (let i = 0; i < SHARDS; i++) files.push((await withSession(file, (s) => addShard(s, [data], { shard: { index: i, count: SHARDS }, workers: 0 }), true)).file!);
      return withSession(file, (s) => mergeShards(s, files));
    };
    expect((await scan()).written).toBe(N);
    const gone = readdirSync(data).find((f) => f.endsWith('.fits'))!;
    rmSync(join(data, gone));
    const again = await scan();
    expect(again.written).toBe(0); // nothing changed but the vanished file
    const status = await withSession(file, (s) => s.listItems().map((i) => [i.path.slice(data.length + 1), i.status]));
    expect(status.filter(([, st]) => st === 'missing')).toEqual([[gone, 'missing']]);
    expect(status.filter(([, st]) => st === 'ok')).toHaveLength(N - 1);

    // An add shard's records are checked field by field before anything is saved.
    const hostile = join(dir, 'hostile-add.amshard');
    copyFileSync(join(shardFolder(file), 'add-000-of-003.amshard'), hostile);
    const db = new Database(hostile);
    db.prepare('UPDATE header SET value = ? WHERE key = ?').run('true', 'complete');
    let name = 0;
    while (shardOf(`vanishing/x${name}.fits`, SHARDS) !== 0) name++; // a path in shard 0's share
    const path = `vanishing/x${name}.fits`;
    db.prepare('INSERT INTO items (path, root, record) VALUES (?, ?, ?)').run(path, data, JSON.stringify({ path, shape: [-16, 16] }));
    db.close();
    await expect(withSession(file, (s) => mergeShards(s, [hostile]))).rejects.toThrow(/hostile-add\.amshard: item ".*": (shape|size)/);
  }, 60_000);

  it('astromorph slurm writes the array and merge scripts, and says plainly when sbatch is missing', () => {
    const res = cli(['slurm', project, 'embed', '--tasks', '3', '--partition', 'gpu', '--gpus-per-task', '1', '--time', '0:30:00']);
    expect(res.stderr).toBe('');
    // Every shard of run 1 is done already (above), so nothing is left to run but the merge.
    expect(res.stdout).toMatch(/wrote .*embed-run1-of-3\.sbatch \(3 tasks\)/);
    expect(res.stdout).toMatch(/3 shards are already done; to do: none\nsubmit them with:\n  sbatch .*merge-embed-run1-of-3\.sbatch/);
    const script = readFileSync(join(shardFolder(project), 'embed-run1-of-3.sbatch'), 'utf8');
    expect(script).toMatch(/#SBATCH --array=0-2\n[\s\S]*#SBATCH --partition=gpu\n#SBATCH --time=0:30:00\n#SBATCH --gpus-per-task=1\n/);
    const bad = cli(['slurm', project, 'embed', '--tasks', '3', '--partition', 'gpu; rm -rf ~']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--partition "gpu; rm -rf ~": not a value Slurm takes/);
    const noSbatch = cli(['slurm', project, 'embed', '--tasks', '3', '--submit'], undefined, { PATH: '/nonexistent' });
    expect(noSbatch.status).toBe(1);
    expect(noSbatch.stderr).toMatch(/sbatch is not on the PATH/);
  });

  it('writes Slurm array specs compactly', () => {
    expect(arraySpec([0, 1, 2, 3])).toBe('0-3');
    expect(arraySpec([1, 3, 4, 5, 9])).toBe('1,3-5,9');
    expect(arraySpec([])).toBe('');
  });
});
