// A text cell that starts with = + - @, a tab or a carriage return is a formula to a spreadsheet: a
// FITS header (OBJECT = '=HYPERLINK(...)') or a folder name must not become one in any CSV the app
// writes. Such cells get a leading ', read back by Python's csv module; numbers (-0.5) stay numbers.
// Real FITS files, the real CLI, the desktop service's selection export.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDispatch } from '../../../src-main/api/transport/dispatch.ts';
import { DesktopService } from '../../../src-main/api/services/desktop-service.ts';
import { EventHub } from '../../../src-main/api/contract/index.ts';
import { csvField } from '../../../src-main/export/index.ts';
import { writeImageFits } from '../../../src-main/fits/index.ts';
import { cli } from '../cli/run-cli.ts';

let dir: string;
let runId: number;
const OBJECTS = ['=HYPERLINK("http://evil.example","click")', '+1+cmd', '-2+3', '@SUM(A1:A9)', 'NGC 253'];

function pythonRows(file: string): string[][] {
  const res = spawnSync('/usr/bin/python3', ['-c', 'import csv,json,sys; print(json.dumps(list(csv.reader(open(sys.argv[1], newline="")))))', file], { encoding: 'utf8' });
  expect(res.status, res.stderr).toBe(0);
  return JSON.parse(res.stdout);
}

/** Every text cell of the table that a spreadsheet would evaluate. */
function formulaCells(rows: string[][]): string[] {
  return rows.flat().filter((c) => /^[=+@\t\r]/.test(c) || (/^-/.test(c) && !Number.isFinite(Number(c))));
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'astromorph-csv-formula-'));
  const data = join(dir, '@data'); // a folder name a spreadsheet would read as a formula, in the file column
  mkdirSync(data);
  OBJECTS.forEach((object, i) => {
    writeImageFits(join(data, `g${i}.fits`), new Float32Array(16 * 16).map((_, k) => Math.sin(k * (i + 1))), [16, 16],
      { cards: { OBJECT: object, RA: 10.5 + i, DEC: -25.25 - i } });
  });
  expect(cli(['init', 'survey'], dir).status).toBe(0);
  expect(cli(['add', 'survey', data, '--no-progress'], dir).status).toBe(0);
  // Vectors made elsewhere: no training needed for a run to export.
  writeFileSync(join(dir, 'theirs.csv'), 'file,emb_0,emb_1\n' + OBJECTS.map((_, i) => `@data/g${i}.fits,-0.5,${i + 0.25}`).join('\n') + '\n');
  const imported = cli(['import', 'survey', join(dir, 'theirs.csv'), '--json'], dir);
  expect(imported.status, imported.stderr).toBe(0);
  runId = JSON.parse(imported.stdout).runId;
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('CSV formula injection', () => {
  it('csvField neutralises text that starts a formula, and leaves numbers alone', () => {
    expect(csvField('=1+1')).toBe("'=1+1");
    expect(csvField('+1')).toBe("'+1");
    expect(csvField('-2+3')).toBe("'-2+3");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('\tx')).toBe("'\tx");
    expect(csvField('\rx')).toBe('"\'\rx"');
    expect(csvField('=a,b')).toBe('"\'=a,b"');
    expect(csvField(-0.5)).toBe('-0.5');
    expect(csvField('NGC 253')).toBe('NGC 253');
  });

  it('export embeddings --format csv: header text neutralised, coordinates and vectors still numbers', () => {
    const out = join(dir, 'embeddings.csv');
    const res = cli(['export', 'survey', 'embeddings', '--format', 'csv', '--out', out, '--run', String(runId)], dir);
    expect(res.status, res.stderr).toBe(0);
    const rows = pythonRows(out);
    expect(formulaCells(rows)).toEqual([]);
    const header = rows[0]!;
    const col = (name: string) => header.indexOf(name);
    const g0 = rows.find((r) => r[col('file')] === "'@data/g0.fits")!;
    expect(g0[col('object')]).toBe(`'${OBJECTS[0]}`);
    expect(g0[col('dec')]).toBe('-25.25');
    expect(g0[col('emb_0')]).toBe('-0.5');
    expect(rows.find((r) => r[col('file')] === "'@data/g2.fits")![col('object')]).toBe("'-2+3");
    expect(rows.find((r) => r[col('file')] === "'@data/g4.fits")![col('object')]).toBe('NGC 253');

    // The app reads back what it wrote: importing the export matches every row.
    const again = cli(['import', 'survey', out, '--json'], dir);
    expect(again.status, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ rows: 5, imported: 5, unmatched: [] });
  });

  it('export --format npy writes its metadata CSV neutralised too', () => {
    const out = join(dir, 'vectors.npy');
    const res = cli(['export', 'survey', 'embeddings', '--format', 'npy', '--out', out, '--run', String(runId)], dir);
    expect(res.status, res.stderr).toBe(0);
    const csv = res.stdout.match(/\S+\.csv/)?.[0] ?? join(dir, 'vectors.csv');
    const rows = pythonRows(csv);
    expect(formulaCells(rows)).toEqual([]);
    expect(rows.flat()).toContain(`'${OBJECTS[0]}`);
    expect(rows.flat()).toContain('-25.25');
  });

  it('the desktop selection export neutralises its text cells', async () => {
    const service = new DesktopService({ events: new EventHub(), host: 'browser' });
    try {
      const dispatch = createDispatch(service);
      await dispatch('openProject', { path: join(dir, 'survey.amproj') });
      const page = await dispatch('queryItems', {}) as { items: { id: number }[] };
      const csv = await dispatch('exportItems', { ids: page.items.map((i) => i.id), runId }) as { text: string };
      const file = join(dir, 'selection.csv');
      writeFileSync(file, csv.text);
      const rows = pythonRows(file);
      expect(formulaCells(rows)).toEqual([]);
      expect(rows.flat()).toContain(`'${OBJECTS[0]}`);
      expect(rows.flat()).toContain('-0.5');
      expect(readFileSync(file, 'utf8')).toContain(',-25.25,');
    } finally {
      await service.close();
    }
  });
});
