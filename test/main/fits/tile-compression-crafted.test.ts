// Compressed tables built by hand for what fpack never writes but the convention allows: 64-bit integer images,
// raw NOCOMPRESS bytes in COMPRESSED_DATA (astropy's way), 8-byte GZIP_2 shuffling, ZSCALE/ZZERO/ZBLANK as
// keywords, a per-tile ZBLANK column. Expected pixels are computed here from the convention's formulas.

import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync, deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { haveCfitsio as cfitsioInstalled } from '../../support/reference-tools.ts';
import { formatCard } from '../../../src-main/fits/card.ts';
import { FitsError } from '../../../src-main/fits/errors.ts';
import { HduList } from '../../../src-main/fits/hdu-list.ts';
import { decompressImage } from '../../../src-main/fits/tile-compression/index.ts';

const haveFunpack = cfitsioInstalled('funpack');

type Value = string | number | boolean | bigint;

/** A BINTABLE with a 1PB COMPRESSED_DATA column (plus optional scalar 1D/1J columns), one row per tile. */
function table(tiles: Uint8Array[], keys: Record<string, Value>, scalars: Record<string, { form: 'D' | 'J'; values: number[] }> = {}) {
  const names = Object.keys(scalars);
  const rowBytes = 8 + names.reduce((a, n) => a + (scalars[n].form === 'D' ? 8 : 4), 0);
  const heapBytes = tiles.reduce((a, t) => a + t.length, 0);
  const data = new Uint8Array(rowBytes * tiles.length + heapBytes);
  const view = new DataView(data.buffer);
  let heap = 0;
  tiles.forEach((tile, row) => {
    let at = row * rowBytes;
    view.setInt32(at, tile.length);
    view.setInt32(at + 4, heap);
    data.set(tile, rowBytes * tiles.length + heap);
    heap += tile.length;
    at += 8;
    for (const n of names) {
      if (scalars[n].form === 'D') { view.setFloat64(at, scalars[n].values[row]); at += 8; }
      else { view.setInt32(at, scalars[n].values[row]); at += 4; }
    }
  });
  const header = new Map<string, Value>([
    ['XTENSION', 'BINTABLE'], ['BITPIX', 8], ['NAXIS', 2], ['NAXIS1', rowBytes], ['NAXIS2', tiles.length],
    ['PCOUNT', heapBytes], ['GCOUNT', 1], ['TFIELDS', 1 + names.length], ['TTYPE1', 'COMPRESSED_DATA'], ['TFORM1', '1PB'],
    ['ZIMAGE', true],
  ]);
  names.forEach((n, i) => { header.set(`TTYPE${i + 2}`, n); header.set(`TFORM${i + 2}`, `1${scalars[n].form}`); });
  for (const [k, v] of Object.entries(keys)) header.set(k, v);
  return { header: { get: (k: string) => header.get(k) }, data, cards: header };
}

/** Let CFITSIO decode the hand-built table: write it as a FITS file after an empty primary HDU, funpack it. */
function funpacked(t: { data: Uint8Array; cards: Map<string, Value> }): Float32Array | Float64Array | Int16Array | Int32Array | Uint8Array {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fits-crafted-'));
  try {
    const block = (records: string[]) => {
      const text = [...records, 'END'.padEnd(80)].join('');
      return Buffer.from(text.padEnd(Math.ceil(text.length / 2880) * 2880, ' '), 'latin1');
    };
    const primary = block([formatCard('SIMPLE', true), formatCard('BITPIX', 8), formatCard('NAXIS', 0), formatCard('EXTEND', true)]);
    const ext = block([...t.cards].map(([k, v]) => formatCard(k, v)));
    const data = Buffer.alloc(Math.ceil(t.data.length / 2880) * 2880);
    data.set(t.data);
    const file = path.join(dir, 'crafted.fits.fz');
    fs.writeFileSync(file, Buffer.concat([primary, ext, data]));
    execFileSync('funpack', ['-O', path.join(dir, 'out.fits'), file], { stdio: 'pipe' });
    const list = HduList.open(path.join(dir, 'out.fits'));
    const values = list.primaryImage().readRaw();
    list.close();
    return values as Float32Array;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function bigEndian(values: ArrayLike<number | bigint>, width: 2 | 4 | 8, float = false): Uint8Array {
  const out = new Uint8Array(values.length * width);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (width === 8) { if (float) view.setFloat64(i * 8, Number(v)); else view.setBigInt64(i * 8, BigInt(v)); }
    else if (width === 4) { if (float) view.setFloat32(i * 4, Number(v)); else view.setInt32(i * 4, Number(v)); }
    else view.setInt16(i * 2, Number(v));
  }
  return out;
}

function shuffle(bytes: Uint8Array, width: number): Uint8Array {
  const n = bytes.length / width;
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < n; i++) for (let j = 0; j < width; j++) out[j * n + i] = bytes[i * width + j];
  return out;
}

describe('hand-built compressed tables', () => {
  it('BITPIX 64 with GZIP_1 keeps values and a BLANK beyond 2^53 exactly', () => {
    const rows = [[1n, -2n, 2n ** 62n, -(2n ** 63n)], [9007199254740993n, 0n, 5n, -9007199254740993n]];
    const t = table(rows.map((r) => gzipSync(bigEndian(r, 8))), {
      ZCMPTYPE: 'GZIP_1', ZBITPIX: 64, ZNAXIS: 2, ZNAXIS1: 4, ZNAXIS2: 2, ZTILE1: 4, ZTILE2: 1, BLANK: 9007199254740993n,
    });
    const { values, blank } = decompressImage(t.header, t.data, 'i64.fits', 1);
    expect(values).toBeInstanceOf(BigInt64Array);
    expect(Array.from(values as BigInt64Array)).toEqual(rows.flat());
    expect(blank).toBe(9007199254740993n);
  });

  it('NOCOMPRESS with raw big-endian bytes in COMPRESSED_DATA (and zlib framing for GZIP_1)', () => {
    const pixels = [3, -4, 32767, -32768, 0, 12];
    const raw = table([bigEndian(pixels.slice(0, 3), 2), bigEndian(pixels.slice(3), 2)], {
      ZCMPTYPE: 'NOCOMPRESS', ZBITPIX: 16, ZNAXIS: 2, ZNAXIS1: 3, ZNAXIS2: 2,
    });
    expect(Array.from(decompressImage(raw.header, raw.data, 'raw.fits', 1).values as Int16Array)).toEqual(pixels);
    const zlib = table([deflateSync(bigEndian(pixels.slice(0, 3), 2)), deflateSync(bigEndian(pixels.slice(3), 2))], {
      ZCMPTYPE: 'GZIP_1', ZBITPIX: 16, ZNAXIS: 2, ZNAXIS1: 3, ZNAXIS2: 2,
    });
    expect(Array.from(decompressImage(zlib.header, zlib.data, 'zlib.fits', 1).values as Int16Array)).toEqual(pixels);
  });

  it('GZIP_2 lossless float64 unshuffles 8-byte values (NaN and -0 kept)', () => {
    const pixels = [1.5, -0, NaN, 1e300, -2.25e-300, Math.PI];
    const t = table([gzipSync(shuffle(bigEndian(pixels, 8, true), 8))], {
      ZCMPTYPE: 'GZIP_2', ZBITPIX: -64, ZNAXIS: 1, ZNAXIS1: 6, ZQUANTIZ: 'NONE',
    });
    const values = Array.from(decompressImage(t.header, t.data, 'f64.fits', 1).values as Float64Array);
    expect(values).toEqual(pixels);
    expect(Object.is(values[1], -0)).toBe(true);
  });

  it('ZSCALE/ZZERO/ZBLANK as keywords with NO_DITHER: value * ZSCALE + ZZERO, ZBLANK -> NaN', () => {
    const q = [0, 1, -5, -2147483647, 1000];
    const t = table([gzipSync(bigEndian(q, 4))], {
      ZCMPTYPE: 'GZIP_1', ZBITPIX: -32, ZNAXIS: 1, ZNAXIS1: 5, ZQUANTIZ: 'NO_DITHER',
      ZSCALE: 0.25, ZZERO: 10, ZBLANK: -2147483647,
    });
    const values = decompressImage(t.header, t.data, 'kw.fits', 1).values as Float32Array;
    expect(Array.from(values)).toEqual([10, 10.25, 8.75, NaN, 260]);
  });

  it('a per-tile ZBLANK column applies to each tile; an integer image with differing ZBLANKs is refused', () => {
    const tiles = [gzipSync(bigEndian([7, 8], 4)), gzipSync(bigEndian([7, 8], 4))];
    const floats = table(tiles, { ZCMPTYPE: 'GZIP_1', ZBITPIX: -32, ZNAXIS: 2, ZNAXIS1: 2, ZNAXIS2: 2, ZQUANTIZ: 'NO_DITHER' }, {
      ZSCALE: { form: 'D', values: [1, 2] }, ZZERO: { form: 'D', values: [0, 100] }, ZBLANK: { form: 'J', values: [7, 8] },
    });
    expect(Array.from(decompressImage(floats.header, floats.data, 'col.fits', 1).values as Float32Array)).toEqual([NaN, 8, 114, NaN]);

    const ints = table(tiles, { ZCMPTYPE: 'GZIP_1', ZBITPIX: 32, ZNAXIS: 2, ZNAXIS1: 2, ZNAXIS2: 2 }, {
      ZBLANK: { form: 'J', values: [7, 8] },
    });
    let err: unknown;
    try { decompressImage(ints.header, ints.data, 'col.fits', 1); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(FitsError);
    expect((err as FitsError).code).toBe('unsupported');
    const same = table(tiles, { ZCMPTYPE: 'GZIP_1', ZBITPIX: 32, ZNAXIS: 2, ZNAXIS1: 2, ZNAXIS2: 2 }, {
      ZBLANK: { form: 'J', values: [8, 8] },
    });
    expect(decompressImage(same.header, same.data, 'col.fits', 1).blank).toBe(8);
  });

  it.skipIf(!haveFunpack)('a float image without ZSCALE holds raw floats whatever ZQUANTIZ says (astropy lossless GZIP), as in CFITSIO', () => {
    const pixels = [0, -13.579, 1e-3, 25000.5, -0, NaN].map(Math.fround);
    const t = table([gzipSync(shuffle(bigEndian(pixels, 4, true), 4))], {
      ZCMPTYPE: 'GZIP_2', ZBITPIX: -32, ZNAXIS: 1, ZNAXIS1: 6, ZQUANTIZ: 'NO_DITHER',
    });
    const values = Array.from(decompressImage(t.header, t.data, 'astropy-lossless.fits', 1).values as Float32Array);
    expect(values).toEqual(pixels);
    expect(Array.from(funpacked(t))).toEqual(pixels);
  });

  it.skipIf(!haveFunpack)('ZSCALE/ZZERO/ZBLANK columns with SUBTRACTIVE_DITHER_1 in a float64 image agree with CFITSIO', () => {
    // (with ZSCALE as a keyword instead, CFITSIO 4.2 reads the tiles as raw floats, against the convention, so
    // that case is checked above against the formula only)
    const tiles = [gzipSync(bigEndian([7, 8, -3], 4)), gzipSync(bigEndian([7, 8, 1 << 20], 4))];
    const t = table(tiles, { ZCMPTYPE: 'GZIP_1', ZBITPIX: -64, ZNAXIS: 2, ZNAXIS1: 3, ZNAXIS2: 2, ZQUANTIZ: 'SUBTRACTIVE_DITHER_1', ZDITHER0: 3 }, {
      ZSCALE: { form: 'D', values: [0.125, 3] }, ZZERO: { form: 'D', values: [-7.5, 1e6] }, ZBLANK: { form: 'J', values: [7, 8] },
    });
    const values = decompressImage(t.header, t.data, 'columns.fits', 1).values as Float64Array;
    expect(values).toBeInstanceOf(Float64Array);
    expect(Number.isNaN(values[0]) && Number.isNaN(values[4])).toBe(true);
    expect(Array.from(values)).toEqual(Array.from(funpacked(t) as Float64Array));
  });

  it('a gzip tile that inflates to a size fitting no pixel width is corrupt data', () => {
    const t = table([gzipSync(new Uint8Array(7))], { ZCMPTYPE: 'GZIP_1', ZBITPIX: 16, ZNAXIS: 1, ZNAXIS1: 3 });
    let err: unknown;
    try { decompressImage(t.header, t.data, 'odd.fits', 1); } catch (e) { err = e; }
    expect((err as FitsError).code).toBe('corrupt-data');
    expect((err as FitsError).message).toContain('odd.fits [HDU 1]');
  });

  it('columns that hold no element (TFORM 0P, 0D) are a bad header naming the card, not an out-of-range read', () => {
    const failure = (header: { get(k: string): Value | undefined }, data: Uint8Array): FitsError => {
      try { decompressImage(header, data, 'empty-columns.fits', 1); } catch (e) {
        expect(e).toBeInstanceOf(FitsError);
        return e as FitsError;
      }
      throw new Error('expected a FitsError');
    };
    // rows of zero bytes: a million tiles that the (empty) data area cannot hold, and no descriptor at all
    const keys = new Map<string, Value>([
      ['NAXIS1', 0], ['NAXIS2', 1_000_000], ['PCOUNT', 0], ['TFIELDS', 1], ['TTYPE1', 'COMPRESSED_DATA'], ['TFORM1', '0PB'],
      ['ZIMAGE', true], ['ZCMPTYPE', 'GZIP_1'], ['ZBITPIX', 16], ['ZNAXIS', 2], ['ZNAXIS1', 10], ['ZNAXIS2', 1_000_000],
      ['ZTILE1', 10], ['ZTILE2', 1],
    ]);
    const err = failure({ get: (k) => keys.get(k) }, new Uint8Array(0));
    expect(err.code).toBe('bad-header');
    expect(err.message).toMatch(/empty-columns\.fits \[HDU 1\]: .*TFORM1 = '0PB'/);

    const t = table([gzipSync(bigEndian([7, 8], 4))], { ZCMPTYPE: 'GZIP_1', ZBITPIX: -32, ZNAXIS: 1, ZNAXIS1: 2, ZQUANTIZ: 'NO_DITHER' }, {
      ZSCALE: { form: 'D', values: [1] },
    });
    t.cards.set('TFORM2', '0D');
    const zscale = failure({ get: (k) => t.cards.get(k) }, t.data);
    expect(zscale.code).toBe('bad-header');
    expect(zscale.message).toContain("TFORM2 = '0D'");
  });
});
