// `npm run demo` is the README's first command: it must run start to finish on the bundled data.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NODE, REPO, cli } from './run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'astromorph-demo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run demo', () => {
  it('creates a project from resources/sample-data and lists it', () => {
    const res = spawnSync(NODE, [join(REPO, 'scripts', 'demo.ts'), dir], { cwd: REPO, encoding: 'utf8', timeout: 600_000 });
    expect(res.status, res.stdout + res.stderr).toBe(0);
    expect(res.stdout).toMatch(/^\$ astromorph add .*sample\.amproj resources\/sample-data$/m);
    expect(res.stdout).toMatch(/^64 items: 64 ok, 0 failed, 0 missing$/m);
    expect(res.stdout).toMatch(/^demo finished in/m);
    const rows = JSON.parse(cli(['ls', join(dir, 'sample.amproj'), '--json']).stdout);
    expect(rows).toHaveLength(64);
    expect(rows.find((r: { path: string }) => r.path.endsWith('ring_continuum_4d.fits')).shape).toEqual([64, 64, 1, 1]);
  });
});
