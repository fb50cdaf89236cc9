import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { Project } from '../../../src-main/project/index.ts';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amcrash-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

it('a process killed while saving a checkpoint leaves the previous checkpoint and a sound file', async () => {
  const file = path.join(dir, 'a.amproj');
  Project.create(file).close();
  const marker = path.join(dir, 'inside');
  const child = spawn(process.execPath, [new URL('./crash-child.ts', import.meta.url).pathname, file, marker], { stdio: 'inherit' });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  const deadline = Date.now() + 30_000;
  while (!fs.existsSync(marker)) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error('the child never reached the checkpoint write');
    await new Promise((r) => setTimeout(r, 20));
  }
  // The unfinished transaction's pages sit in the WAL, uncommitted.
  expect(fs.statSync(`${file}-wal`).size).toBeGreaterThan(8 << 20);
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');

  const p = Project.open(file);
  try {
    expect(p.integrityCheck()).toEqual(['ok']);
    const [run] = p.runs.list();
    expect(run).toMatchObject({ epochsDone: 1, stepsDone: 100, status: 'running' });
    const latest = p.checkpoints.latest(run.id)!;
    expect(latest).toMatchObject({ epoch: 1, step: 100, rng: { n: 1 } });
    expect(latest.weights.byteLength).toBe(1 << 20);
    expect(latest.weights.every((b) => b === 1)).toBe(true);
    expect(p.losses.list(run.id)).toEqual([]);
  } finally {
    p.close();
  }
});
