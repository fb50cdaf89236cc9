// The command line as a whole: help, version, usage errors and their exit codes.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { REPO, cli, hasStackTrace } from './run-cli.ts';

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
});
