// Sharing a project: data found again by content hash in another folder, a lock between two real
// processes, and a backup before an older schema is upgraded.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { addFolders } from '../../../src-main/dataset/index.ts';
import { writeImageFits } from '../../../src-main/fits/index.ts';
import { lockPath, migrate, MIGRATIONS, Project, ProjectError, relocate, SCHEMA_VERSION } from '../../../src-main/project/index.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'am-sharing-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function image(seed: number): Float32Array {
  return Float32Array.from({ length: 16 * 16 }, (_, i) => Math.sin(i * 0.37 + seed) * 10 + seed);
}

describe('relocate', () => {
  it('finds moved and renamed files by content hash and lists the ones still missing', async () => {
    const home = path.join(dir, 'alice');
    fs.mkdirSync(path.join(home, 'data', 'sub'), { recursive: true });
    for (const [name, seed] of [['a.fits', 1], ['b.fits', 2], ['sub/c.fits', 3]] as const) {
      writeImageFits(path.join(home, 'data', name), image(seed), [16, 16]);
    }
    const p = Project.create(path.join(home, 'survey.amproj'));
    await addFolders(p, [path.join(home, 'data')], { workers: 1 });
    p.close();

    // Bob gets the project file alone; his copies of two of the files have other names and places.
    const bob = path.join(dir, 'bob');
    fs.mkdirSync(path.join(bob, 'projects'), { recursive: true });
    fs.mkdirSync(path.join(bob, 'archive', 'x'), { recursive: true });
    fs.copyFileSync(path.join(home, 'survey.amproj'), path.join(bob, 'projects', 'survey.amproj'));
    fs.copyFileSync(path.join(home, 'data', 'a.fits'), path.join(bob, 'archive', 'x', 'renamed.fits'));
    fs.copyFileSync(path.join(home, 'data', 'sub', 'c.fits'), path.join(bob, 'archive', 'c_copy.fits'));
    writeImageFits(path.join(bob, 'archive', 'other.fits'), image(9), [16, 16]); // same size, other content

    const q = Project.open(path.join(bob, 'projects', 'survey.amproj'));
    try {
      const report = relocate(q, path.join(bob, 'archive'));
      expect(report.present).toBe(0);
      expect(report.filesSeen).toBe(3);
      expect(report.filesHashed).toBe(3);
      expect(report.found.map((f) => [f.from, f.to]).sort()).toEqual([
        ['data/a.fits', '../archive/x/renamed.fits'],
        ['data/sub/c.fits', '../archive/c_copy.fits'],
      ].sort());
      expect(report.missing).toEqual(['data/b.fits']);
      const byName = new Map(q.items.list().map((i) => [path.basename(i.absolutePath), i]));
      expect(byName.get('renamed.fits')!.absolutePath).toBe(path.join(bob, 'archive', 'x', 'renamed.fits'));
      expect(byName.get('renamed.fits')!.status).toBe('ok');
      // A second run finds them present and hashes nothing.
      const again = relocate(q, path.join(bob, 'archive'));
      expect(again).toMatchObject({ present: 2, found: [], missing: ['data/b.fits'] });
    } finally {
      q.close();
    }
  });
});

function startHolder(file: string): Promise<{ child: ChildProcess; pid: number; readOnly: boolean }> {
  const child = spawn(process.execPath, [path.join(import.meta.dirname, 'lock-child.ts'), file], { stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`lock child exited early with ${code}`)));
    child.stdout!.once('data', (b: Buffer) => resolve({ child, ...(JSON.parse(b.toString()) as { pid: number; readOnly: boolean }) }));
  });
}

describe('project lock between two processes', () => {
  it('opens read-only while another live process holds it, writable again once it is gone', async () => {
    const file = path.join(dir, 'locked.amproj');
    Project.create(file).close();
    const holder = await startHolder(file);
    expect(holder.readOnly).toBe(false);
    expect(fs.existsSync(lockPath(file))).toBe(true);

    const q = Project.open(file, { lock: true });
    expect(q.readOnly).toBe(true);
    expect(q.lockedBy).toMatchObject({ pid: holder.pid, host: os.hostname() });
    expect(q.items.list()).toEqual([]); // reading works
    expect(() => q.settings.set('x', 1)).toThrow(/readonly/i);
    expect(() => q.assertWritable('relocate its data')).toThrow(new RegExp(`process ${holder.pid} on ${os.hostname()}`));
    expect(() => relocate(q, dir)).toThrow(ProjectError);
    q.close();
    expect(fs.existsSync(lockPath(file))).toBe(true); // a read-only opener never removes the holder's lock

    // Killed without closing: the lock file stays, but its pid is dead, so the next opener takes over.
    holder.child.kill('SIGKILL');
    await new Promise((r) => holder.child.once('exit', r));
    expect(fs.existsSync(lockPath(file))).toBe(true);
    const r = Project.open(file, { lock: true });
    expect(r.readOnly).toBe(false);
    r.settings.set('x', 1);
    r.close();
    expect(fs.existsSync(lockPath(file))).toBe(false);
  });

  it('a holder that closes normally removes its lock; the lock is shared within one process', async () => {
    const file = path.join(dir, 'locked2.amproj');
    Project.create(file).close();
    const holder = await startHolder(file);
    holder.child.stdin!.write('close\n');
    await new Promise((r) => holder.child.once('exit', r));
    expect(fs.existsSync(lockPath(file))).toBe(false);

    const a = Project.open(file, { lock: true });
    const b = Project.open(file, { lock: true });
    expect([a.readOnly, b.readOnly]).toEqual([false, false]);
    a.close();
    expect(fs.existsSync(lockPath(file))).toBe(true);
    b.close();
    expect(fs.existsSync(lockPath(file))).toBe(false);
  });
});

describe('schema upgrade', () => {
  it('copies an older project to a backup before migrating it', () => {
    expect(SCHEMA_VERSION).toBeGreaterThan(1);
    const file = path.join(dir, 'old.amproj');
    const db = new Database(file);
    migrate(db, file, MIGRATIONS.slice(0, 1));
    db.prepare("INSERT INTO settings (key, value) VALUES ('colormap', '\"viridis\"')").run();
    db.close();

    const p = Project.open(file);
    expect(p.schemaVersion).toBe(SCHEMA_VERSION);
    expect(p.backupPath).toBe(path.join(dir, 'old.schema-1.backup.amproj'));
    expect(p.settings.get('colormap')).toBe('viridis');
    p.close();
    const copy = new Database(p.backupPath!, { readonly: true });
    expect(copy.pragma('user_version', { simple: true })).toBe(1);
    expect(copy.prepare('SELECT value FROM settings').pluck().get()).toBe('"viridis"');
    copy.close();
    // Opening the upgraded project again makes no further copies; neither does creating one.
    const again = Project.open(file);
    expect(again.backupPath).toBeNull();
    again.close();
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('old.schema-'))).toEqual(['old.schema-1.backup.amproj']);
  });

  it('refuses a newer schema with a clear message and leaves the file alone', () => {
    const file = path.join(dir, 'newer.amproj');
    Project.create(file).close();
    const db = new Database(file);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    const before = fs.readFileSync(file);
    expect(() => Project.open(file)).toThrow(/newer version of Astromorph/);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });
});
