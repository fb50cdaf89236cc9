// The CSV writer: quoting that Python's csv module (a real, independent reader) reads back exactly,
// float32 values in the fewest digits that round-trip, and no half-written file on failure.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CsvWriter, csvField, formatFloat32, writeEmbeddingsCsv, embeddingColumns, METADATA_COLUMNS } from '../../../src-main/export/index.ts';
import type { EmbeddedItem } from '../../../src-main/export/index.ts';
import { emptyMetadata } from '../../../src-main/dataset/index.ts';
import { Rng } from '../../../src-main/base/random.ts';

const dir = mkdtempSync(join(tmpdir(), 'astromorph-csv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function pythonRows(file: string): string[][] {
  const res = spawnSync('/usr/bin/python3', ['-c', 'import csv,json,sys; print(json.dumps(list(csv.reader(open(sys.argv[1], newline="")))))', file], { encoding: 'utf8' });
  expect(res.status, res.stderr).toBe(0);
  return JSON.parse(res.stdout);
}

describe('csvField', () => {
  it('quotes only fields that need it and doubles quotes', () => {
    expect(csvField('NGC 1068')).toBe('NGC 1068');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(' padded')).toBe('" padded"');
    expect(csvField(null)).toBe('');
    expect(csvField(-0.5)).toBe('-0.5');
    expect(csvField(Number.NaN)).toBe('nan');
    expect(csvField(-Infinity)).toBe('-inf');
  });
});

describe('formatFloat32', () => {
  it('reads back as the same float32 in at most 9 significant digits, usually fewer', () => {
    const rng = new Rng(1);
    const values = Float32Array.from({ length: 20000 }, (_, i) => (rng.normal() * 10 ** ((i % 13) - 6)));
    let chars = 0;
    for (const v of values) {
      const s = formatFloat32(v);
      expect(Math.fround(Number(s)), s).toBe(v);
      expect(s.replace(/^-|e.*$|\./g, '').replace(/^0+/, '').length).toBeLessThanOrEqual(9);
      chars += s.length;
    }
    // The naive String(double) of a float32 takes about 18 digits.
    const naive = values.reduce((n, v) => n + String(v).length, 0);
    expect(chars).toBeLessThan(naive * 0.65);
    expect(formatFloat32(0.1)).toBe('0.1');
    expect(formatFloat32(1)).toBe('1');
  });
});

describe('CsvWriter', () => {
  it('writes fields that Python\'s csv module reads back exactly, across many chunks', async () => {
    const file = join(dir, 'tricky.csv');
    const tricky = ['plain', 'comma, inside', 'quote " inside', 'line\nbreak', 'crlf\r\nbreak', ' lead', 'trail ', '', 'ünïcødé ✓'];
    const w = new CsvWriter(file, ['i', 'text', 'x']);
    const expected: string[][] = [['i', 'text', 'x']];
    for (let i = 0; i < 5000; i++) {
      const text = tricky[i % tricky.length]!;
      await w.writeRow([i, text, i / 7]);
      expected.push([String(i), text, String(i / 7)]);
    }
    expect(existsSync(file)).toBe(false); // only the temporary file exists until close
    await w.close();
    expect(w.rows).toBe(5000);
    expect(pythonRows(file)).toEqual(expected);
    expect(readdirSync(dir).filter((f) => f.includes('partial'))).toEqual([]);
  });

  it('waits for each chunk without piling up listeners (no MaxListenersExceededWarning on a large table)', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
    process.on('warning', onWarning);
    try {
      const w = new CsvWriter(join(dir, 'large.csv'), ['i', 'text']);
      // 40 chunks of 64 KiB, each above the stream's high-water mark: every chunk waits for 'drain'.
      const text = 'x'.repeat(1000);
      for (let i = 0; i < 2600; i++) await w.writeRow([i, text]);
      await w.close();
      expect(w.rows).toBe(2600);
      await new Promise((done) => setImmediate(done)); // warnings are emitted on a later tick
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.filter((w) => w.includes('MaxListeners'))).toEqual([]);
  });

  it('abort leaves neither the file nor the temporary one', async () => {
    const file = join(dir, 'aborted.csv');
    const w = new CsvWriter(file, ['a']);
    await w.writeRow([1]);
    w.abort();
    expect(readdirSync(dir).filter((f) => f.startsWith('aborted'))).toEqual([]);
  });
});

describe('writeEmbeddingsCsv', () => {
  const item = (file: string, vector: number[], object: string | null): EmbeddedItem => ({
    file, hdu: 1, shape: [64, 64, 1, 1], bitpix: -32, metadata: { ...emptyMetadata(), object, ra: 83.8221, dec: -5.3911, telescope: 'ALMA' },
    vector: Float32Array.from(vector),
  });

  it('writes the documented header and one row per item, metadata quoted where needed', async () => {
    const file = join(dir, 'embeddings.csv');
    const rows = [item('a/one.fits', [0.25, -1.5, 3], 'Orion, KL'), item('b/two "x".fits', [1e-8, 2, -0], null)];
    expect(await writeEmbeddingsCsv(file, 3, rows)).toBe(2);
    const table = pythonRows(file);
    expect(table[0]).toEqual(embeddingColumns(3));
    expect(table[0]).toEqual(['file', ...METADATA_COLUMNS, 'emb_0', 'emb_1', 'emb_2']);
    const col = (name: string) => table[0]!.indexOf(name);
    expect(table).toHaveLength(3);
    expect(table[1]![col('file')]).toBe('a/one.fits');
    expect(table[1]![col('object')]).toBe('Orion, KL');
    expect(table[2]![col('file')]).toBe('b/two "x".fits');
    expect(table[2]![col('object')]).toBe('');
    expect(table[1]![col('shape')]).toBe('64x64x1x1');
    expect(Number(table[1]![col('ra')])).toBe(83.8221);
    expect(table[1]!.slice(-3).map(Number)).toEqual([0.25, -1.5, 3]);
    expect(Math.fround(Number(table[2]![col('emb_0')]))).toBe(Math.fround(1e-8));
    expect(readFileSync(file, 'utf8').split('\n')[0]).toBe(table[0]!.join(','));
  });

  it('refuses a vector of the wrong length and leaves no file', async () => {
    const file = join(dir, 'bad.csv');
    await expect(writeEmbeddingsCsv(file, 3, [item('a.fits', [1, 2], null)])).rejects.toThrow(/a\.fits: embedding has 2 values, the table has 3 columns/);
    expect(readdirSync(dir).filter((f) => f.startsWith('bad'))).toEqual([]);
  });

  it('stops when aborted and leaves no file', async () => {
    const file = join(dir, 'stopped.csv');
    const controller = new AbortController();
    function* rows() {
      for (let i = 0; ; i++) {
        if (i === 100) controller.abort();
        yield item(`f${i}.fits`, [i], null);
      }
    }
    await expect(writeEmbeddingsCsv(file, 1, rows(), controller.signal)).rejects.toThrow(/abort/i);
    expect(readdirSync(dir).filter((f) => f.startsWith('stopped'))).toEqual([]);
  });
});
