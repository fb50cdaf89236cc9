// The command line as a whole: help, version, usage errors and their exit codes.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { debian, referenceTool } from '../../support/reference-tools.ts';
import { LAUNCHER, NODE, REPO, cli, hasStackTrace } from './run-cli.ts';

describe('astromorph', () => {
  it('--version prints the package version', () => {
    const { version } = JSON.parse(readFileSync(`${REPO}package.json`, 'utf8'));
    const res = cli(['--version']);
    expect(res.status).toBe(0);
    expect(res.stdout.trim()).toBe(version);
  });

  it('--help lists every command and the exit codes', () => {
    const res = cli(['--help']);
    expect(res.status).toBe(0);
    for (const command of ['init', 'add', 'ls', 'inspect']) expect(res.stdout).toMatch(new RegExp(`^\\s+${command}\\b`, 'm'));
    expect(res.stdout).toMatch(/130\s+cancelled/);
  });

  it.each(['init', 'add', 'ls', 'inspect'])('%s --help describes its arguments', (command) => {
    const res = cli([command, '--help']);
    expect(res.status).toBe(0);
    expect(res.stdout).toMatch(new RegExp(`^Usage: astromorph ${command} `, 'm'));
    expect(res.stdout).toContain('Example');
  });

  it.each(['train --help', '--help'])('astromorph %s into a reader that has gone (| head -1) exits quietly', async (line) => {
    const args = line.split(' ');
    // The read end is closed before the CLI starts, so its first write fails with EPIPE every time.
    const child = spawn(NODE, [LAUNCHER, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ASTROMORPH_DEBUG: '' } });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const status = await new Promise<number | null>((done) => child.on('close', (code) => done(code)));
    expect(stderr).toBe('');
    expect(status).toBe(0);
  });

  it('an unknown command or option is a usage error (exit 2)', () => {
    const unknown = cli(['frobnicate']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command 'frobnicate'/);
    const badOption = cli(['ls', 'x.amproj', '--colour']);
    expect(badOption.status).toBe(2);
    expect(badOption.stderr).toMatch(/unknown option '--colour'/);
    const badChoice = cli(['ls', 'x.amproj', '--status', 'weird']);
    expect(badChoice.status).toBe(2);
    expect(hasStackTrace(badChoice.stderr)).toBe(false);
  });

  it('ASTROMORPH_DEBUG=1 adds the stack trace to an error; without it there is none', () => {
    const args = ['ls', 'no-such-project-here'];
    const plain = cli(args, tmpdir());
    const debug = cli(args, tmpdir(), { ASTROMORPH_DEBUG: '1' });
    expect(plain.status).toBe(1);
    expect(debug.status).toBe(1);
    expect(hasStackTrace(plain.stderr)).toBe(false);
    expect(hasStackTrace(debug.stderr)).toBe(true);
    expect(debug.stderr).toContain(plain.stderr.trim());
  });

  // The launcher hands over to the project's Node 24 when an older system Node starts it.
  const systemNode = ['/usr/bin/node', '/usr/local/bin/node'].find((path) => {
    const res = spawnSync(path, ['-p', 'process.versions.node'], { encoding: 'utf8' });
    return res.status === 0 && Number(res.stdout.split('.')[0]) < 24;
  });
  referenceTool('an older system Node at /usr/bin/node', debian('nodejs'), systemNode !== undefined);
  it.skipIf(!systemNode)('runs under an older system Node by re-executing on Node 24, exit codes intact', () => {
    const version = spawnSync(systemNode!, [LAUNCHER, '--version'], { encoding: 'utf8' });
    expect(version.status, version.stderr).toBe(0);
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(`${REPO}package.json`, 'utf8')).version);
    const missing = spawnSync(systemNode!, [LAUNCHER, 'ls', 'no-such-project-here'], { encoding: 'utf8', cwd: tmpdir() });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/^astromorph: no project file/);
  });
});
