// Two real processes on one project: a holder (a Node process with the project open through the API,
// as the desktop app has it) and the real CLI. The CLI reads, refuses to change, and writes again once
// the holder has closed the project or died without closing it (a stale lock).
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeImageFits } from '../../../src-main/fits/index.ts';
import { ApiError, EventHub } from '../../../src-main/api/contract/index.ts';
import { DesktopService } from '../../../src-main/api/services/desktop-service.ts';
import { cli, hasStackTrace, NODE, REPO } from './run-cli.ts';

let dir: string;
let project: string;

// Opens the project through the API (taking the lock) and keeps it open until stdin closes.
const HOLDER = `
const { ProjectSession } = await import(${JSON.stringify(`${REPO}src-main/api/services/project/project-session.ts`)});
const session = ProjectSession.open(process.argv[1]);
process.stdout.write(session.readOnly ? 'read-only\\n' : 'ready\\n');
process.stdin.on('end', () => { session.close(); process.exit(0); });
process.stdin.resume();
`;

function startHolder(): Promise<ChildProcessWithoutNullStreams> {
  const child = spawn(NODE, ['--input-type=module', '-e', HOLDER, project], { cwd: dir });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out === 'ready\n') resolve(child);
      else if (out.endsWith('\n')) reject(new Error(`holder said ${out}`));
    });
    child.on('exit', (code) => reject(new Error(`holder exited ${code}: ${err}`)));
  });
}

function exited(child: ChildProcessWithoutNullStreams): Promise<void> {
  return new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.on('exit', () => resolve())));
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'astromorph-lock-'));
  const data = join(dir, 'data');
  mkdirSync(data);
  for (let i = 0; i < 3; i++) {
    writeImageFits(join(data, `galaxy${i}.fits`), new Float32Array(16 * 16).map((_, k) => Math.cos(k * (i + 1))), [16, 16], { cards: { OBJECT: `G${i}` } });
  }
  project = join(dir, 'survey.amproj');
  expect(cli(['init', project], dir).status).toBe(0);
  const add = cli(['add', project, data, '--no-progress'], dir);
  expect(add.status, add.stderr).toBe(0);
  expect(existsSync(`${project}-lock`)).toBe(false);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a project another process has open', () => {
  it('reads, refuses changes with one line naming the holder, and writes again after the holder closes', async () => {
    const holder = await startHolder();
    try {
      const held = new RegExp(`^astromorph: survey\\.amproj is open in another process \\(process ${holder.pid} on ${hostname().replace(/[.]/g, '\\.')}, since \\S+Z\\): opened read-only, so it cannot (tag items|add folders); close it there first \\(if no astromorph has it open, \`astromorph unlock survey\\.amproj\` removes the lock\\)\\n$`);
      const tag = cli(['tag', project, '1', 'spiral'], dir);
      expect(tag.status).toBe(1);
      expect(tag.stderr).toMatch(held);
      expect(hasStackTrace(tag.stderr)).toBe(false);
      const add = cli(['add', project, join(dir, 'data'), '--no-progress'], dir);
      expect(add.status).toBe(1);
      expect(add.stderr).toMatch(held);
      const ls = cli(['ls', project], dir);
      expect(ls.status, ls.stderr).toBe(0);
      expect(ls.stdout).toMatch(/galaxy0\.fits[\s\S]*galaxy1\.fits[\s\S]*galaxy2\.fits/);

      // The desktop service in this (third) process sees the same: a summary saying why, changes refused.
      const service = new DesktopService({ events: new EventHub(), host: 'browser' });
      const summary = service.openPath(project);
      expect(summary.readOnlyBecause).toMatch(new RegExp(`^process ${holder.pid} on `));
      await expect(service.tagItems({ ids: [1], tag: 'spiral', remove: false })).rejects.toSatisfy((e) => e instanceof ApiError && e.code === 'read-only');
      await expect(service.startTraining({ settings: null } as never)).rejects.toThrow(/opened read-only, so it cannot train/);
      expect((await service.project())!.counts.ok).toBe(3);
      await service.close();
    } finally {
      holder.stdin.end();
      await exited(holder);
    }
    expect(existsSync(`${project}-lock`)).toBe(false);
    const tag = cli(['tag', project, '1', 'spiral'], dir);
    expect(tag.status, tag.stderr).toBe(0);
    expect(cli(['tag', project, '--json'], dir).stdout).toMatch(/"spiral"/);
  });

  it('a holder killed without closing leaves a stale lock that the next writer takes over', async () => {
    const holder = await startHolder();
    expect(cli(['tag', project, '2', 'ring'], dir).status).toBe(1);
    holder.kill('SIGKILL');
    await exited(holder);
    expect(existsSync(`${project}-lock`)).toBe(true);
    const tag = cli(['tag', project, '2', 'ring'], dir);
    expect(tag.status, tag.stderr).toBe(0);
    expect(existsSync(`${project}-lock`)).toBe(false);
    expect(cli(['tag', project, '--json'], dir).stdout).toMatch(/"ring"/);
  });
});
