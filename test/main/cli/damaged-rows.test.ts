// A FITS file with a NUL byte in a header card must not brick the project: the scan stores its error
// with the byte escaped, and a row that an older version already stored with the raw byte is reported
// and skipped by `ls` and the Dataset view instead of failing every listing. Real CLI, real files.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDispatch } from '../../../src-main/api/transport/dispatch.ts';
import { DesktopService } from '../../../src-main/api/services/desktop-service.ts';
import { EventHub } from '../../../src-main/api/contract/index.ts';
import { writeImageFits } from '../../../src-main/fits/index.ts';
import { cli, hasStackTrace } from './run-cli.ts';

let dir: string;
let data: string;

/** A 200 x 100 float image whose NAXIS1 card carries a NUL byte after the value. */
function fitsWithNulCard(file: string): void {
  const card = (s: string) => s.padEnd(80, ' ');
  const header = [
    card('SIMPLE  =                    T'), card('BITPIX  =                  -32'), card('NAXIS   =                    2'),
    card('NAXIS1  =                  200 \x00'), card('NAXIS2  =                  100'), card('END'),
  ].join('').padEnd(2880, ' ');
  writeFileSync(file, Buffer.concat([Buffer.from(header, 'latin1'), Buffer.alloc(Math.ceil((200 * 100 * 4) / 2880) * 2880)]));
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'astromorph-damaged-'));
  data = join(dir, 'data');
  mkdirSync(data);
  writeImageFits(join(data, 'm51.fits'), new Float32Array(32 * 24).map((_, k) => Math.sin(k)), [32, 24], { cards: { OBJECT: 'M 51' } });
  fitsWithNulCard(join(data, 'nul.fits'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a NUL byte in a FITS card', () => {
  it('is stored escaped: add, ls and ls --status failed keep working', () => {
    expect(cli(['init', 'survey'], dir).status).toBe(0);
    const add = cli(['add', 'survey', data, '--no-progress'], dir);
    expect(add.status, add.stderr).toBe(0);
    expect(add.stdout).not.toContain('\0');
    expect(add.stdout).toMatch(/nul\.fits: .*\\x00/);

    for (const args of [['ls', 'survey'], ['ls', 'survey', '--status', 'failed']]) {
      const res = cli(args, dir);
      expect(res.status, res.stderr).toBe(0);
      expect(res.stdout).toContain('nul.fits');
      expect(res.stdout).not.toContain('\0');
    }
    const rows = JSON.parse(cli(['ls', 'survey', '--json', '--status', 'failed'], dir).stdout);
    expect(rows).toHaveLength(1);
    expect(rows[0].error).toContain('\\x00');
    expect(rows[0].error).not.toContain('\0');
  });

  it('a row already stored with a raw NUL is reported and skipped by ls, not fatal', () => {
    // What an older version wrote: the error text with the header byte as it was.
    const db = new Database(join(dir, 'survey.amproj'));
    db.prepare("UPDATE items SET error = ? WHERE path LIKE '%nul.fits'").run('HDU 0: NAXIS1 = 200 \0 is not a non-negative integer');
    db.close();

    for (const args of [['ls', 'survey'], ['ls', 'survey', '--status', 'failed'], ['ls', 'survey', '--json']]) {
      const res = cli(args, dir);
      expect(res.status, res.stderr).toBe(0);
      expect(hasStackTrace(res.stderr)).toBe(false);
      expect(res.stderr).toMatch(/warning: .*survey\.amproj: table items, row \d+, column error: text contains a NUL character \(item data\/nul\.fits\); row skipped/);
      expect(res.stdout).not.toContain('\0');
    }
    const all = JSON.parse(cli(['ls', 'survey', '--json'], dir).stdout);
    expect(all.map((r: { path: string }) => r.path)).toEqual([join(data, 'm51.fits')]);
  });

  it('the Dataset view lists the other items and names the damaged row', async () => {
    const service = new DesktopService({ events: new EventHub(), host: 'browser' });
    try {
      const dispatch = createDispatch(service);
      await dispatch('openProject', { path: join(dir, 'survey.amproj') });
      const page = await dispatch('queryItems', {}) as { total: number; items: { path: string }[]; damaged: { id: number; problem: string }[] };
      expect(page.total).toBe(1);
      expect(page.items.map((i) => i.path)).toEqual(['data/m51.fits']);
      expect(page.damaged).toEqual([{ id: expect.any(Number), path: 'data/nul.fits', problem: expect.stringMatching(/column error: text contains a NUL character/) }]);
    } finally {
      await service.close();
    }
  });

  it('a rescan after the file is removed repairs the row', () => {
    rmSync(join(data, 'nul.fits'));
    const add = cli(['add', 'survey', data, '--no-progress'], dir);
    expect(add.status, add.stderr).toBe(0);
    const res = cli(['ls', 'survey', '--json'], dir);
    expect(res.status, res.stderr).toBe(0);
    expect(res.stderr).toBe('');
    const missing = JSON.parse(res.stdout).find((r: { status: string }) => r.status === 'missing');
    expect(missing.error).toContain('\\x00');
  });
});
