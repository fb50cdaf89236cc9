// Runs the real `astromorph` launcher in a child process on the project's Node 24, as a user would.
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
export const NODE = `${REPO}node_modules/.bin/node`;
export const LAUNCHER = `${REPO}src-main/cli/astromorph.mjs`;

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function cli(args: string[], cwd?: string, env: Record<string, string> = {}): CliResult {
  const res = spawnSync(NODE, [LAUNCHER, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ASTROMORPH_DEBUG: '', ...env },
    timeout: 120_000,
  });
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}

/** The CLI as the unprivileged user `nobody` (for permission tests, which root would pass). */
export function cliAsNobody(args: string[], cwd: string, configDir: string): CliResult {
  const res = spawnSync('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', NODE, LAUNCHER, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ASTROMORPH_DEBUG: '', HOME: cwd, ASTROMORPH_CONFIG_DIR: configDir },
    timeout: 120_000,
  });
  if (res.error) throw res.error;
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}

export function cliProcess(args: string[], cwd?: string): ChildProcessWithoutNullStreams {
  return spawn(NODE, [LAUNCHER, ...args], { cwd, env: { ...process.env, ASTROMORPH_DEBUG: '' } });
}

/** No stack traces: a line like "    at foo (file.ts:1:2)" means an error escaped unformatted. */
export function hasStackTrace(text: string): boolean {
  return /^\s+at .+:\d+:\d+\)?$/m.test(text);
}
