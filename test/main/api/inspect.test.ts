// inspectFile on a multi-extension file assembled card by card, so the structure is known exactly.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectFile } from '../../../src-main/api/services/project/inspect.ts';
import { FitsError } from '../../../src-main/fits/index.ts';

let dir: string;

function card(key: string, value: string | number | boolean): string {
  const v = typeof value === 'string' ? `'${value.padEnd(8)}'` : typeof value === 'boolean' ? (value ? 'T' : 'F') : String(value);
  return `${key.padEnd(8)}= ${typeof value === 'string' ? v.padEnd(20) : v.padStart(20)}`.padEnd(80);
}

function block(cards: string[]): Buffer {
  const text = [...cards, 'END'.padEnd(80)].join('');
  return Buffer.from(text.padEnd(Math.ceil(text.length / 2880) * 2880), 'latin1');
}

function padded(data: Buffer): Buffer {
  return Buffer.concat([data, Buffer.alloc((2880 - (data.length % 2880)) % 2880)]);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'astromorph-api-inspect-'));
  const primary = block([card('SIMPLE', true), card('BITPIX', 8), card('NAXIS', 0), card('EXTEND', true)]);
  const sci = Buffer.alloc(4 * 3 * 2 * 2);
  [1, 2, 3, 4, 5, 6, NaN, 8, 9, 10, 11, 12].forEach((v, i) => sci.writeFloatBE(v, i * 4));
  const image = block([
    card('XTENSION', 'IMAGE'), card('BITPIX', -32), card('NAXIS', 3), card('NAXIS1', 3), card('NAXIS2', 2),
    card('NAXIS3', 2), card('PCOUNT', 0), card('GCOUNT', 1), card('EXTNAME', 'SCI'),
  ]);
  const rows = Buffer.alloc(8);
  rows.writeInt32BE(7, 0);
  rows.writeInt32BE(9, 4);
  const table = block([
    card('XTENSION', 'BINTABLE'), card('BITPIX', 8), card('NAXIS', 2), card('NAXIS1', 4), card('NAXIS2', 2),
    card('PCOUNT', 0), card('GCOUNT', 1), card('TFIELDS', 1), card('TFORM1', 'J'), card('TTYPE1', 'FLUX'), card('EXTNAME', 'CAT'),
  ]);
  writeFileSync(join(dir, 'mef.fits'), Buffer.concat([primary, image, padded(sci), table, padded(rows)]));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('inspectFile', () => {
  it('summarises every HDU; statistics only where there is image data', () => {
    const report = inspectFile(join(dir, 'mef.fits'));
    expect(report.hdus.map((h) => [h.index, h.name, h.kind, h.bitpix, h.shape])).toEqual([
      [0, 'PRIMARY', 'image', 8, []],
      [1, 'SCI', 'image', -32, [3, 2, 2]],
      [2, 'CAT', 'table', 8, [4, 2]],
    ]);
    expect(report.hdus[0]!.stats).toBeNull();
    expect(report.hdus[2]!.stats).toBeNull();
    const finite = [1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12];
    expect(report.hdus[1]!.stats).toEqual({
      finite: finite.length, nan: 1, infinite: 0, min: 1, max: 12, mean: finite.reduce((a, b) => a + b) / finite.length,
    });
  });

  it('throws a FitsError naming the file when it is not FITS', () => {
    const file = join(dir, 'text.fits');
    writeFileSync(file, 'hello'.repeat(1000));
    expect(() => inspectFile(file)).toThrow(FitsError);
    expect(() => inspectFile(file)).toThrow(file);
  });
});
