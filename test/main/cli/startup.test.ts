// Short commands load only what they run: `--version`, `ls` and `similar` on an item of the project
// never load tfjs (nor pdfkit, resvg or the FITS scanner), whose loading was most of their time.
// Checked on the modules the process loads (a module hook), not on timings, which vary by machine.
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeBlobProject } from '../api/exploration-fixture.ts';
import { LAUNCHER, NODE } from './run-cli.ts';

let dir: string;
let project: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'astromorph-startup-'));
  project = makeBlobProject(dir).file;
  writeFileSync(join(dir, 'trace.mjs'), `import { registerHooks } from 'node:module';
import { writeFileSync } from 'node:fs';
const seen = [];
registerHooks({ load(url, context, next) { seen.push(url); return next(url, context); } });
process.on('exit', () => writeFileSync(process.env.TRACE_OUT, seen.join('\\n')));
`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function modulesLoadedBy(args: string[]): string[] {
  const out = join(dir, 'loaded.txt');
  const res = spawnSync(NODE, ['--import', join(dir, 'trace.mjs'), LAUNCHER, ...args], {
    encoding: 'utf8', env: { ...process.env, TRACE_OUT: out }, timeout: 60_000,
  });
  expect(res.status, res.stderr).toBe(0);
  return readFileSync(out, 'utf8').split('\n');
}

const HEAVY = /@tensorflow|\/pdfkit\/|@resvg|\/pngjs\/|src-main\/model\/(?!settings|errors)|src-main\/dataset\/scan|src-main\/export\//;

describe('start-up', () => {
  it('--version loads the command definitions only', () => {
    const loaded = modulesLoadedBy(['--version']);
    expect(loaded.filter((u) => HEAVY.test(u) || /better-sqlite3|src-main\/project\//.test(u))).toEqual([]);
  });

  it('ls and similar load the project store and the search, not tfjs, the scanner or the exporters', () => {
    expect(modulesLoadedBy(['ls', project]).filter((u) => HEAVY.test(u))).toEqual([]);
    expect(modulesLoadedBy(['similar', project, 'data/item_003.fits', '--k', '3']).filter((u) => HEAVY.test(u))).toEqual([]);
  });
});
