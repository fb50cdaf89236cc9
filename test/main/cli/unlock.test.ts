// A lock file that names a live process which is not the one that took it (a pid reused after a crash, or a
// lock copied along with the project) must not keep the project read-only for ever: the lock records the
// holder's start time, a reused pid is told apart, and `astromorph unlock` removes a lock that holds nothing,
// refusing (without --force) when the process that took it is really still running.
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeImageFits } from '../../../src-main/fits/index.ts';
import { cli, hasStackTrace, NODE, REPO } from './run-cli.ts';

let dir: string;
let project: string;
const lockFile = (): string => `${project}-lock`;
const onLinux = existsSync('/proc/self/stat');

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'astromorph-unlock-'));
  mkdirSync(join(dir, 'data'));
  writeImageFits(join(dir, 'data', 'g.fits'), new Float32Array(16 * 16).map((_, k) => Math.cos(k)), [16, 16]);
  project = join(dir, 'survey.amproj');
  expect(cli(['init', project], dir).status).toBe(0);
  expect(cli(['add', project, join(dir, 'data'), '--no-progress'], dir).status).toBe(0);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function startHolder(): Promise<ChildProcessWithoutNullStreams> {
  const child = spawn(NODE, [join(REPO, 'test/main/project/lock-child.ts'), project], { cwd: dir });
  return new Promise((resolve, reject) => {
    child.stdout.once('data', (d: Buffer) => (JSON.parse(d.toString()).readOnly ? reject(new Error('holder opened read-only')) : resolve(child)));
    child.on('exit', (code) => reject(new Error(`holder exited ${code}`)));
  });
}

describe('a lock naming a live process that did not take it', () => {
  it.skipIf(!onLinux)('is stale when the pid was reused: the recorded start time is not that process\'s', () => {
    // pid 1 is alive, but it started long before this "holder" did
    writeFileSync(lockFile(), JSON.stringify({ pid: 1, host: hostname(), since: Date.now() - 60_000, start: 'not-the-start-of-pid-1' }));
    const tag = cli(['tag', project, '1', 'spiral'], dir);
    expect(tag.status, tag.stderr).toBe(0);
    expect(existsSync(lockFile())).toBe(false);
  });

  it('a lock without a start time (an older version\'s) is removed by `astromorph unlock`, which says why', () => {
    writeFileSync(lockFile(), JSON.stringify({ pid: 1, host: hostname(), since: Date.now() - 60_000 }));
    const refused = cli(['tag', project, '1', 'ring'], dir);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/is open in another process \(process 1 on /);
    expect(refused.stderr).toContain('astromorph unlock');
    const unlock = cli(['unlock', project], dir);
    expect(unlock.status, unlock.stderr).toBe(0);
    expect(unlock.stdout).toMatch(/^removed the lock on survey\.amproj: process 1 on \S+ is not astromorph \(.+\); the project can be written again\n$/);
    expect(existsSync(lockFile())).toBe(false);
    expect(cli(['tag', project, '1', 'ring'], dir).status).toBe(0);
  });

  it('`astromorph unlock` on a project nobody holds says so; on a dead holder it removes the lock', () => {
    const none = cli(['unlock', project], dir);
    expect(none.status).toBe(0);
    expect(none.stdout).toBe('survey.amproj is not locked\n');
    writeFileSync(lockFile(), JSON.stringify({ pid: 2 ** 22 - 3, host: hostname(), since: Date.now() }));
    const dead = cli(['unlock', project], dir);
    expect(dead.status, dead.stderr).toBe(0);
    expect(dead.stdout).toMatch(/^removed the lock on survey\.amproj: process 4194301 on \S+ is no longer running; /);
  });

  it('refuses to unlock a project the astromorph process that took the lock still has open, unless --force', async () => {
    const holder = await startHolder();
    try {
      const refused = cli(['unlock', project], dir);
      expect(refused.status).toBe(1);
      expect(refused.stderr).toMatch(new RegExp(`^astromorph: survey\\.amproj is open in process ${holder.pid} on \\S+ \\(astromorph, since \\S+Z\\): `
        + 'not unlocked; close it there, or add --force if that process is stuck \\(two processes writing one project can lose work\\)\\n$'));
      expect(hasStackTrace(refused.stderr)).toBe(false);
      expect(JSON.parse(readFileSync(lockFile(), 'utf8')).pid).toBe(holder.pid);

      const forced = cli(['unlock', project, '--force'], dir);
      expect(forced.status, forced.stderr).toBe(0);
      expect(forced.stderr).toMatch(new RegExp(`^astromorph: warning: removed the lock although process ${holder.pid} on \\S+ \\(astromorph\\) still has survey\\.amproj open`));
      expect(existsSync(lockFile())).toBe(false);
    } finally {
      holder.stdin.write('close\n');
      await new Promise((resolve) => holder.once('exit', resolve));
    }
  });
});
