// init, add and ls end to end: a real project file, real FITS files (good and bad), the real CLI.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeImageFits } from '../../../src-main/fits/index.ts';
import { cli, hasStackTrace } from './run-cli.ts';

let dir: string;
let data: string;
const objects = ['M 51', 'NGC 4414', 'Arp 220'];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'astromorph-project-'));
  data = join(dir, 'data');
  mkdirSync(join(data, 'nested'), { recursive: true });
  objects.forEach((object, i) => {
    const pixels = new Float32Array(32 * 24).map((_, k) => Math.sin(k * (i + 1)));
    writeImageFits(join(data, i === 2 ? 'nested' : '', `galaxy${i}.fits`), pixels, [32, 24], { cards: { OBJECT: object } });
  });
  writeFileSync(join(data, 'broken.fits'), 'this is not a FITS file at all, just text\n'.repeat(100));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('astromorph init / add / ls', () => {
  it('init creates NAME.amproj and refuses to overwrite it', () => {
    const first = cli(['init', 'survey'], dir);
    expect(first.status, first.stderr).toBe(0);
    expect(existsSync(join(dir, 'survey.amproj'))).toBe(true);
    expect(first.stdout).toContain(join(dir, 'survey.amproj'));
    const before = readFileSync(join(dir, 'survey.amproj'));
    const second = cli(['init', 'survey.amproj'], dir);
    expect(second.status).toBe(1);
    expect(second.stderr).toMatch(/already exists/);
    expect(readFileSync(join(dir, 'survey.amproj')).equals(before)).toBe(true);
  });

  it('init refuses to overwrite any existing file', () => {
    writeFileSync(join(dir, 'notes.txt'), 'keep me');
    const res = cli(['init', 'notes.txt'], dir);
    expect(res.status).toBe(1);
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('keep me');
  });

  it('add scans recursively, lists the failed file with its reason and still exits 0', () => {
    const res = cli(['add', 'survey', data], dir);
    expect(res.status, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/added 3\b/);
    expect(res.stdout).toMatch(/failed 1\b/);
    expect(res.stdout).toMatch(/failed files \(1\):\n\s+.*broken\.fits: \S+/);
  });

  it('add --json reports the scan; a second add skips the unchanged files and retries the failed one', () => {
    const res = cli(['add', 'survey.amproj', data, '--json', '--no-progress'], dir);
    expect(res.status, res.stderr).toBe(0);
    expect(res.stderr).toBe('');
    const report = JSON.parse(res.stdout);
    expect(report).toMatchObject({ added: 0, updated: 0, unchanged: 3, failed: 1, missing: 0, cancelled: false, itemsInProject: 4 });
    expect(report.failures).toEqual([{ path: join(data, 'broken.fits'), error: expect.stringContaining(join(data, 'broken.fits')) }]);
  });

  it('ls --json gives the documented keys for every item', () => {
    const res = cli(['ls', 'survey', '--json'], dir);
    expect(res.status, res.stderr).toBe(0);
    const rows = JSON.parse(res.stdout);
    expect(rows).toHaveLength(4);
    for (const row of rows) expect(Object.keys(row)).toEqual(['path', 'hdu', 'status', 'shape', 'bitpix', 'object', 'error']);
    const ok = rows.filter((r: { status: string }) => r.status === 'ok');
    expect(ok.map((r: { object: string }) => r.object).sort()).toEqual([...objects].sort());
    for (const row of ok) expect(row).toMatchObject({ hdu: 0, shape: [32, 24], bitpix: -32, error: null });
    const failed = rows.find((r: { status: string }) => r.status === 'failed');
    expect(failed.path).toBe(join(data, 'broken.fits'));
    expect(failed.error).toEqual(expect.any(String));
  });

  it('ls --status filters; the table shows path, status, shape, bitpix, object and error', () => {
    const failed = JSON.parse(cli(['ls', 'survey', '--json', '--status', 'failed'], dir).stdout);
    expect(failed).toHaveLength(1);
    const table = cli(['ls', 'survey'], dir);
    expect(table.status).toBe(0);
    const lines = table.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^PATH\s+STATUS\s+SHAPE\s+BITPIX\s+OBJECT\s+ERROR$/);
    expect(table.stdout).toMatch(/data\/nested\/galaxy2\.fits\s+ok\s+32x24\s+-32\s+Arp 220/);
    expect(table.stdout).toMatch(/data\/broken\.fits\s+failed\s+-\s+-\s+\S/);
    expect(lines.at(-2)).toBe('4 items: 3 ok, 1 failed, 0 missing');
    // Then the file's size and what takes it.
    expect(lines.at(-1)).toMatch(/^survey\.amproj: \d+\.\d (kB|MB): .*items \d+\.\d (kB|MB)/);
  });

  it('a file removed from disk shows as missing after the next add', () => {
    rmSync(join(data, 'galaxy0.fits'));
    const res = cli(['add', 'survey', data, '--json'], dir);
    expect(res.status).toBe(0);
    expect(JSON.parse(res.stdout).missing).toBe(1);
    const missing = JSON.parse(cli(['ls', 'survey', '--json', '--status', 'missing'], dir).stdout);
    expect(missing.map((r: { path: string }) => r.path)).toEqual([join(data, 'galaxy0.fits')]);
  });

  it('a missing project is a clear one-line error (exit 1), for add and ls', () => {
    for (const args of [['ls', 'nowhere'], ['add', 'nowhere', data]]) {
      const res = cli(args, dir);
      expect(res.status).toBe(1);
      expect(res.stderr.trim()).toMatch(/^astromorph: no project file at nowhere/);
      expect(res.stderr.trim().split('\n')).toHaveLength(1);
    }
  });

  it('an unreadable project file and a missing folder are errors (exit 1) without stack traces', () => {
    writeFileSync(join(dir, 'junk.amproj'), 'not a database');
    const junk = cli(['ls', 'junk.amproj'], dir);
    expect(junk.status).toBe(1);
    expect(junk.stderr).toMatch(/junk\.amproj/);
    expect(hasStackTrace(junk.stderr)).toBe(false);
    const noFolder = cli(['add', 'survey', join(dir, 'no-such-folder')], dir);
    expect(noFolder.status).toBe(1);
    expect(noFolder.stderr).toMatch(/no-such-folder is not a folder/);
  });
});
