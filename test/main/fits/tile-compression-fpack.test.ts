// Files compressed here with fpack (CFITSIO), decoded by our codec and compared with funpack's output value for
// value, and with the original pixels where the compression is lossless. Then damaged files: each must end in a
// FitsError, never a crash, a hang or a huge allocation.

import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haveCfitsio as cfitsioInstalled } from '../../support/reference-tools.ts';
import { FitsError } from '../../../src-main/fits/errors.ts';
import { FitsFile } from '../../../src-main/fits/fits-file.ts';
import { Header } from '../../../src-main/fits/header.ts';
import { HduList } from '../../../src-main/fits/hdu-list.ts';
import { readStructure } from '../../../src-main/fits/structure.ts';
import { writeImageFits, type WritableArray } from '../../../src-main/fits/writer.ts';
import { decompressImage, type PixelArray } from '../../../src-main/fits/tile-compression/index.ts';

const haveCfitsio = cfitsioInstalled('funpack', 'fpack');

type Lookup = { get(key: string): string | number | boolean | bigint | undefined };

function bintable(file: string, index = 1): { header: Header; data: Uint8Array } {
  const f = FitsFile.open(file);
  try {
    const layout = readStructure(f, [])[index];
    return { header: Header.fromRecords(layout.headerText), data: f.read(layout.dataOffset, layout.dataBytes) };
  } finally {
    f.close();
  }
}

/** The header with some keywords replaced (undefined removes one). */
function withKeys(header: Lookup, changes: Record<string, string | number | boolean | undefined>): Lookup {
  return { get: (key) => (key in changes ? changes[key] : header.get(key)) };
}

/** mulberry32: small seeded generator so the test images are the same on every run */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
}

function sameValues(got: PixelArray, want: ArrayLike<number | bigint>): { mismatches: number; first: number } {
  let mismatches = 0;
  let first = -1;
  for (let i = 0; i < got.length; i++) {
    const a = got[i];
    const b = want[i];
    const same = a === b ? (a !== 0 || Object.is(a, b)) : (Number.isNaN(a) && Number.isNaN(b));
    if (!same) {
      mismatches++;
      if (first < 0) first = i;
    }
  }
  return { mismatches, first };
}

interface Case {
  name: string;
  data: WritableArray;
  shape: number[];
  cards?: Record<string, string | number | boolean>;
  fpack: string[];
  lossless: boolean;
  /** keyword values the compressed header must show, proving fpack made what the case is about */
  expectHeader?: Record<string, string | number>;
  expectColumn?: string;
  check?: (values: PixelArray, blank: number | bigint | undefined, original: WritableArray) => void;
}

function cases(): Case[] {
  const r = seeded(20261124);
  const int32 = new Int32Array(96 * 70).map(() => Math.round(gaussian(r) * 3000) + (r() < 0.01 ? 2 ** 30 : 0));
  int32[0] = -2147483648;
  int32[1] = 2147483647;
  const int16Blank = new Int16Array(64 * 50).map(() => Math.round(gaussian(r) * 200) + 1000);
  for (let i = 0; i < int16Blank.length; i += 37) int16Blank[i] = -32768;
  const bytes = new Uint8Array(80 * 60).map((_, i) => (i * 7 + Math.round(r() * 20)) & 0xff);
  // sky-like float image: negative noise, exact zeros (a masked strip), a bright source
  const sky = (w: number, h: number, seed: number) => {
    const rr = seeded(seed);
    const a = new Float32Array(w * h);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const d2 = (x - w / 3) ** 2 + (y - h / 2) ** 2;
        a[y * w + x] = 5 * gaussian(rr) - 2 + 800 * Math.exp(-d2 / 30);
      }
    }
    for (let y = 0; y < h; y++) for (let x = 0; x < 7; x++) a[y * w + x] = 0;
    return a;
  };
  const f32 = sky(120, 90, 7);
  const f32nan = sky(120, 90, 8);
  for (let i = 500; i < f32nan.length; i += 411) f32nan[i] = NaN;
  const f64 = Float64Array.from(sky(70, 50, 9), (v) => v * 1.0000001);
  const cube = new Float32Array(40 * 30 * 5);
  for (let p = 0; p < 5; p++) cube.set(sky(40, 30, 100 + p).map((v) => v + 100 * p), p * 1200);
  // masks for PLIO_1: runs of non-negative values below 2^24
  const mask16 = new Int16Array(70 * 45);
  for (let y = 0; y < 45; y++) for (let x = 0; x < 70; x++) mask16[y * 70 + x] = (x > y && x < 2 * y) ? 3 : (y % 9 === 0 ? 4095 + y : (x * y) % 17 === 0 ? 1 : 0);
  const mask32 = new Int32Array(300 * 20);
  for (let x = 5; x < 200; x++) mask32[3 * 300 + x] = 2 ** 24 - 1;
  for (let x = 0; x < 300; x++) { mask32[4 * 300 + x] = 12345; mask32[5 * 300 + x] = x % 3 === 0 ? x * 1000 : 0; }
  mask32[6 * 300 + 7] = 4096 * 4096 - 2;
  // a smooth int16 image, for lossy HCOMPRESS (the scale divides the transform's coefficients)
  const smooth16 = Int16Array.from(sky(70, 50, 12), (v) => Math.round(v * 10));
  const constantRows = sky(60, 40, 11);
  for (let x = 0; x < 60; x++) { constantRows[5 * 60 + x] = 3.5; constantRows[6 * 60 + x] = -1; }

  const lossless = (values: PixelArray, _b: unknown, original: WritableArray) => {
    const { mismatches, first } = sameValues(values, original);
    expect(mismatches, `first mismatch at ${first}`).toBe(0);
  };
  const closeToOriginal = (values: PixelArray, _b: unknown, original: WritableArray) => {
    // quantised at q = 4 (a quarter of the noise sigma): errors stay far below the noise of 5
    let worst = 0;
    for (let i = 0; i < values.length; i++) {
      if (Number.isNaN(original[i])) { expect(values[i]).toBeNaN(); continue; }
      worst = Math.max(worst, Math.abs((values[i] as number) - original[i]));
    }
    expect(worst).toBeLessThan(2);
  };
  const zerosKept = (values: PixelArray, b: unknown, original: WritableArray) => {
    closeToOriginal(values, b, original);
    let zeros = 0;
    for (let i = 0; i < values.length; i++) if (original[i] === 0) { expect(Object.is(values[i], 0)).toBe(true); zeros++; }
    expect(zeros).toBeGreaterThan(0);
  };

  return [
    { name: 'int32 RICE_1 row tiles (incl. INT32 min/max)', data: int32, shape: [96, 70], fpack: ['-r'], lossless: true,
      expectHeader: { ZCMPTYPE: 'RICE_1' }, check: lossless },
    { name: 'int32 RICE_1 17x13 tiles with partial edge tiles', data: int32, shape: [96, 70], fpack: ['-r', '-t', '17,13'],
      lossless: true, expectHeader: { ZTILE1: 17, ZTILE2: 13 }, check: lossless },
    { name: 'int16 RICE_1 with BLANK', data: int16Blank, shape: [64, 50], cards: { BLANK: -32768 }, fpack: ['-r'], lossless: true,
      check: (v, blank, o) => { lossless(v, blank, o); expect(blank).toBe(-32768); } },
    { name: 'uint8 RICE_1 (BYTEPIX 1)', data: bytes, shape: [80, 60], fpack: ['-r'], lossless: true,
      expectHeader: { ZVAL2: 1 }, check: lossless },
    { name: 'uint8 GZIP_2', data: bytes, shape: [80, 60], fpack: ['-g2', '-t', '30,20'], lossless: true,
      expectHeader: { ZCMPTYPE: 'GZIP_2' }, check: lossless },
    { name: 'int16 GZIP_2 (byte-shuffled) 40x30 tiles', data: int16Blank, shape: [64, 50], fpack: ['-g2', '-t', '40,30'],
      lossless: true, expectHeader: { ZCMPTYPE: 'GZIP_2' }, check: lossless },
    { name: 'int32 GZIP_1 whole-image tile', data: int32, shape: [96, 70], fpack: ['-g1', '-w'], lossless: true,
      expectHeader: { ZCMPTYPE: 'GZIP_1', ZTILE2: 70 }, check: lossless },
    { name: 'int32 NOCOMPRESS (UNCOMPRESSED_DATA column)', data: int32, shape: [96, 70], fpack: ['-d'], lossless: true,
      expectHeader: { ZCMPTYPE: 'NOCOMPRESS' }, expectColumn: 'UNCOMPRESSED_DATA', check: lossless },
    { name: 'float32 RICE_1 SUBTRACTIVE_DITHER_1 q=4, ZDITHER0=17', data: f32, shape: [120, 90], fpack: ['-r', '-q17', '4'],
      lossless: false, expectHeader: { ZQUANTIZ: 'SUBTRACTIVE_DITHER_1', ZDITHER0: 17 }, check: closeToOriginal },
    { name: 'float32 SUBTRACTIVE_DITHER_2: negatives, zeros kept exactly (ZDITHER0=9999 wraps the table)', data: f32,
      shape: [120, 90], fpack: ['-r', '-qz9999', '4', '-t', '50,20'], lossless: false,
      expectHeader: { ZQUANTIZ: 'SUBTRACTIVE_DITHER_2', ZDITHER0: 9999 }, check: zerosKept },
    { name: 'float32 NO_DITHER', data: f32, shape: [120, 90], fpack: ['-r', '-q0', '4'], lossless: false,
      expectHeader: { ZQUANTIZ: 'NO_DITHER' }, check: closeToOriginal },
    { name: 'float32 with NaNs, row tiles (ZBLANK)', data: f32nan, shape: [120, 90], fpack: ['-r', '-q5', '4'], lossless: false,
      expectHeader: { ZBLANK: -2147483647 }, check: closeToOriginal },
    { name: 'float32 GZIP_1 lossless (-q 0) with NaNs', data: f32nan, shape: [120, 90], fpack: ['-g1', '-q', '0'], lossless: true,
      expectHeader: { ZQUANTIZ: 'NONE' }, check: lossless },
    { name: 'float32 constant rows stored in GZIP_COMPRESSED_DATA', data: constantRows, shape: [60, 40], fpack: ['-r', '-q3', '4'],
      lossless: false, expectColumn: 'GZIP_COMPRESSED_DATA',
      check: (v, b, o) => { for (let x = 0; x < 60; x++) { expect(v[5 * 60 + x]).toBe(3.5); expect(v[6 * 60 + x]).toBe(-1); } closeToOriginal(v, b, o); } },
    { name: 'float64 RICE_1 quantised', data: f64, shape: [70, 50], fpack: ['-r', '-q42', '4'], lossless: false,
      check: (v, b, o) => { expect(v).toBeInstanceOf(Float64Array); closeToOriginal(v, b, o); } },
    { name: '3-D float32 cube tiled per plane', data: cube, shape: [40, 30, 5], fpack: ['-r', '-q17', '4', '-t', '40,30,1'],
      lossless: false, expectHeader: { ZNAXIS: 3, ZTILE3: 1 }, check: (v, b, o) => closeToOriginal(v, b, o) },
    { name: '3-D int16 cube in 16x16x2 tiles', data: Int16Array.from(cube, (x) => Math.round(x)), shape: [40, 30, 5],
      fpack: ['-r', '-t', '16,16,2'], lossless: true, expectHeader: { ZTILE3: 2 }, check: lossless },
    // HCOMPRESS_1: the H-transform's bit planes, lossless at scale 0, lossy at -s N
    { name: 'int16 HCOMPRESS_1 lossless (16-row tiles, the last one short)', data: int16Blank, shape: [64, 50], fpack: ['-h'],
      lossless: true, expectHeader: { ZCMPTYPE: 'HCOMPRESS_1', ZVAL1: 0 }, check: lossless },
    { name: 'int16 HCOMPRESS_1 in 17x13 tiles (odd sides, partial edge tiles)', data: int16Blank, shape: [64, 50],
      fpack: ['-h', '-t', '17,13'], lossless: true, expectHeader: { ZTILE1: 17, ZTILE2: 13 }, check: lossless },
    { name: 'int32 HCOMPRESS_1 lossless with INT32 min/max and 2^30 (the 64-bit transform)', data: int32, shape: [96, 70],
      fpack: ['-h'], lossless: true, expectHeader: { ZCMPTYPE: 'HCOMPRESS_1', ZBITPIX: 32 }, check: lossless },
    { name: 'uint8 HCOMPRESS_1 whole-image tile', data: bytes, shape: [80, 60], fpack: ['-h', '-w'], lossless: true,
      expectHeader: { ZTILE2: 60 }, check: lossless },
    { name: 'int16 HCOMPRESS_1 lossy, scale 4', data: smooth16, shape: [70, 50], fpack: ['-h', '-s', '4'], lossless: false,
      expectHeader: { ZVAL1: 4 }, check: (v, _b, o) => {
        // lossy (-s 4 is relative to the noise, sigma 50 here), but the mean error stays below the noise
        let sum = 0;
        for (let i = 0; i < v.length; i++) sum += Math.abs((v[i] as number) - o[i]);
        expect(sum).toBeGreaterThan(0);
        expect(sum / v.length).toBeLessThan(50);
      } },
    { name: 'int16 HCOMPRESS_1 lossy, scale 25 in 32x32 tiles', data: smooth16, shape: [70, 50], fpack: ['-h', '-s', '25', '-t', '32,32'],
      lossless: false, expectHeader: { ZVAL1: 25 } },
    { name: 'float32 HCOMPRESS_1 quantised q=4 (SUBTRACTIVE_DITHER_1)', data: f32, shape: [120, 90], fpack: ['-h', '-q', '4'],
      lossless: false, expectHeader: { ZCMPTYPE: 'HCOMPRESS_1', ZQUANTIZ: 'SUBTRACTIVE_DITHER_1' }, check: closeToOriginal },
    { name: 'float32 HCOMPRESS_1 lossy -s 2.5 (relative to the noise) with NaNs', data: f32nan, shape: [120, 90],
      fpack: ['-h', '-s', '2.5'], lossless: false },
    { name: '3-D int16 cube HCOMPRESS_1 tiled per plane', data: Int16Array.from(cube, (x) => Math.round(x)), shape: [40, 30, 5],
      fpack: ['-h', '-t', '40,30,1'], lossless: true, expectHeader: { ZTILE3: 1 }, check: lossless },
    // PLIO_1: IRAF line lists, for masks of non-negative integers below 2^24
    { name: 'int16 mask PLIO_1', data: mask16, shape: [70, 45], fpack: ['-p'], lossless: true,
      expectHeader: { ZCMPTYPE: 'PLIO_1' }, check: lossless },
    { name: 'int32 mask PLIO_1 with values up to 2^24 - 1 and long runs', data: mask32, shape: [300, 20], fpack: ['-p'], lossless: true,
      expectHeader: { ZCMPTYPE: 'PLIO_1', ZBITPIX: 32 }, check: lossless },
    { name: 'uint8 PLIO_1', data: bytes, shape: [80, 60], fpack: ['-p'], lossless: true, check: lossless },
  ];
}

describe.skipIf(!haveCfitsio)('files compressed with fpack', () => {
  let dir = '';
  beforeAll(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fits-fpack-')); });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  cases().forEach((c, k) => {
    it(c.name, () => {
      const input = path.join(dir, `in${k}.fits`);
      const packed = path.join(dir, `in${k}.fits.fz`);
      const unpacked = path.join(dir, `out${k}.fits`);
      writeImageFits(input, c.data, c.shape, { cards: c.cards });
      execFileSync('fpack', ['-C', ...c.fpack, '-O', packed, input], { stdio: 'pipe' });
      execFileSync('funpack', ['-C', '-O', unpacked, packed], { stdio: 'pipe' });

      const { header, data } = bintable(packed);
      for (const [key, value] of Object.entries(c.expectHeader ?? {})) expect(header.get(key), key).toBe(value);
      if (c.expectColumn) {
        const names = Array.from({ length: header.get('TFIELDS') as number }, (_, i) => header.get(`TTYPE${i + 1}`));
        expect(names).toContain(c.expectColumn);
      }
      const { values, blank } = decompressImage(header, data, packed, 1);
      expect(values.length).toBe(c.data.length);

      const list = HduList.open(unpacked);
      const reference = list.primaryImage().readRaw();
      list.close();
      expect(values.constructor.name).toBe(reference.constructor.name);
      const { mismatches, first } = sameValues(values, reference);
      expect(mismatches, `first mismatch with funpack at ${first}: ${values[first]} vs ${reference[first]}`).toBe(0);
      c.check?.(values, blank, c.data);
    });
  });
});

describe.skipIf(!haveCfitsio)('HCOMPRESS_1 with SMOOTH = 1', () => {
  it('smooths the coefficients while inverting, as funpack does', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fits-fpack-smooth-'));
    try {
      const r = seeded(77);
      const img = Int16Array.from({ length: 90 * 64 }, (_, i) => Math.round(800 * Math.exp(-(((i % 90) - 40) ** 2 + (Math.floor(i / 90) - 30) ** 2) / 200) + 20 * gaussian(r)));
      const input = path.join(dir, 'in.fits');
      writeImageFits(input, img, [90, 64]);
      const packed = path.join(dir, 'in.fits.fz');
      execFileSync('fpack', ['-C', '-h', '-s', '12', '-O', packed, input], { stdio: 'pipe' });
      // fpack never writes SMOOTH = 1; readers honour it, so set it in the header (same width, same place)
      const bytes = fs.readFileSync(packed);
      const at = bytes.indexOf('ZVAL2   =');
      expect(bytes.subarray(at - 80, at).toString('latin1')).toMatch(/^ZNAME2  = 'SMOOTH  '/);
      bytes.write(`ZVAL2   = ${'1'.padStart(20)}`.padEnd(80), at, 'latin1');
      const smoothed = path.join(dir, 'smoothed.fits.fz');
      fs.writeFileSync(smoothed, bytes);
      const read = (file: string) => {
        const list = HduList.open(file);
        try { return list.primaryImage().readRaw(); } finally { list.close(); }
      };
      for (const [file, out] of [[packed, 'plain.fits'], [smoothed, 'smooth.fits']]) {
        execFileSync('funpack', ['-C', '-O', path.join(dir, out), file], { stdio: 'pipe' });
        const { mismatches, first } = sameValues(read(file), read(path.join(dir, out)));
        expect(mismatches, `${out}: first mismatch at ${first}`).toBe(0);
      }
      // and the smoothing changed something: the test would pass vacuously otherwise
      expect(sameValues(read(packed), read(smoothed)).mismatches).toBeGreaterThan(100);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!haveCfitsio)('compressed images through HduList', () => {
  it('ImageHdu.read() of a compressed int16 image turns its BLANK pixels into NaN', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fits-fpack-list-'));
    try {
      const pixels = new Int16Array(30 * 20).map((_, i) => (i % 11 === 0 ? -999 : i - 300));
      const input = path.join(dir, 'blank.fits');
      writeImageFits(input, pixels, [30, 20], { cards: { BLANK: -999, BZERO: 10 } });
      execFileSync('fpack', ['-C', '-r', '-O', `${input}.fz`, input], { stdio: 'pipe' });
      const list = HduList.open(`${input}.fz`);
      const hdu = list.imageHdus()[0];
      expect(hdu.compressed).toBe(true);
      const values = hdu.read();
      list.close();
      for (let i = 0; i < pixels.length; i++) {
        if (pixels[i] === -999) expect(values[i]).toBeNaN();
        else expect(values[i]).toBe(pixels[i] + 10);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!haveCfitsio)('damaged compressed data', () => {
  let dir = '';
  let rice: { header: Header; data: Uint8Array; file: string };
  let gzip: { header: Header; data: Uint8Array; file: string };
  let hcompress: { header: Header; data: Uint8Array; file: string };
  let plio: { header: Header; data: Uint8Array; file: string };
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fits-fpack-bad-'));
    const r = seeded(99);
    const img = new Int32Array(64 * 48).map(() => Math.round(gaussian(r) * 100));
    const input = path.join(dir, 'in.fits');
    writeImageFits(input, img, [64, 48]);
    const make = (args: string[], name: string) => {
      const file = path.join(dir, name);
      execFileSync('fpack', ['-C', ...args, '-O', file, input], { stdio: 'pipe' });
      return { ...bintable(file), file };
    };
    rice = make(['-r'], 'rice.fz');
    gzip = make(['-g1', '-t', '32,16'], 'gzip.fz');
    hcompress = make(['-h', '-t', '32,16'], 'hcompress.fz');
    const maskInput = path.join(dir, 'mask.fits');
    writeImageFits(maskInput, new Int32Array(64 * 48).map((_, i) => ((i * 7) % 13 < 4 ? (i % 5) * 1000 : 0)), [64, 48]);
    execFileSync('fpack', ['-C', '-p', '-O', path.join(dir, 'plio.fz'), maskInput], { stdio: 'pipe' });
    plio = { ...bintable(path.join(dir, 'plio.fz')), file: path.join(dir, 'plio.fz') };
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const failure = (f: () => unknown): FitsError => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(FitsError);
      return e as FitsError;
    }
    throw new Error('expected a FitsError, but decoding succeeded');
  };

  it('random byte damage anywhere in the data decodes or fails with a FitsError, never anything else', () => {
    const r = seeded(5);
    let failures = 0;
    for (const target of [rice, gzip, hcompress, plio]) {
      const tableBytes = (target.header.get('NAXIS1') as number) * (target.header.get('NAXIS2') as number);
      for (let trial = 0; trial < 300; trial++) {
        const data = target.data.slice();
        // mostly the heap; every fifth trial also hits the descriptors
        for (let k = 0; k < 1 + (trial % 8); k++) {
          const from = trial % 5 === 0 ? 0 : tableBytes;
          data[from + Math.floor(r() * (data.length - from))] = Math.floor(r() * 256);
        }
        try {
          const { values } = decompressImage(target.header, data, target.file, 1);
          expect(values.length).toBe(64 * 48);
        } catch (e) {
          if (!(e instanceof FitsError)) throw e;
          failures++;
        }
      }
    }
    // some damage must have been noticed, or this test would pass on a decoder that never checks anything
    expect(failures).toBeGreaterThan(200);
  });

  it('a heap shorter than PCOUNT says truncated', () => {
    const err = failure(() => decompressImage(rice.header, rice.data.subarray(0, rice.data.length - 50), rice.file, 1));
    expect(err.code).toBe('truncated');
    expect(err.message).toContain(rice.file);
    expect(err.hdu).toBe(1);
  });

  it('a descriptor pointing past the heap is corrupt data', () => {
    const data = rice.data.slice();
    new DataView(data.buffer).setInt32(4 + 8 * 3, 1e9); // offset of tile 4
    expect(failure(() => decompressImage(rice.header, data, rice.file, 1)).code).toBe('corrupt-data');
    new DataView(data.buffer).setInt32(4 + 8 * 3, -8);
    expect(failure(() => decompressImage(rice.header, data, rice.file, 1)).code).toBe('corrupt-data');
  });

  it('a Rice stream cut inside a tile is corrupt data', () => {
    const data = rice.data.slice();
    const view = new DataView(data.buffer);
    view.setInt32(8 * 2, Math.max(1, view.getInt32(8 * 2) >> 2)); // tile 3 claims a quarter of its bytes
    expect(failure(() => decompressImage(rice.header, data, rice.file, 1)).code).toBe('corrupt-data');
  });

  it('garbage in a gzip tile is corrupt data', () => {
    const data = gzip.data.slice();
    const tableBytes = (gzip.header.get('NAXIS1') as number) * (gzip.header.get('NAXIS2') as number);
    data.fill(0x55, tableBytes + 10, tableBytes + 40);
    const err = failure(() => decompressImage(gzip.header, data, gzip.file, 1));
    expect(err.code).toBe('corrupt-data');
    expect(err.message).toMatch(/tile 1/);
  });

  it('ZNAXISn that the heap cannot hold are refused before allocating', () => {
    // a 3e9 x 3e9 claim is refused outright; a merely implausible one is refused per tile
    expect(failure(() => decompressImage(withKeys(rice.header, { ZNAXIS1: 3e9, ZNAXIS2: 3e9, ZTILE1: 3e9 }), rice.data, rice.file, 1)).code)
      .toBe('too-large');
    const claim = withKeys(rice.header, { ZNAXIS1: 20_000_000, ZTILE1: 20_000_000, ZNAXIS2: 48 });
    const err = failure(() => decompressImage(claim, rice.data, rice.file, 1));
    expect(err.code).toBe('corrupt-data');
    expect(err.message).toMatch(/claims 20000000 pixels/);
  });

  it('more tiles than table rows is corrupt data', () => {
    const err = failure(() => decompressImage(withKeys(rice.header, { ZNAXIS2: 480 }), rice.data, rice.file, 1));
    expect(err.code).toBe('corrupt-data');
    expect(err.message).toMatch(/rows/);
  });

  it('BZIP2_1 is unsupported; a missing ZCMPTYPE is a bad header; Rice bytes read as HCOMPRESS or PLIO are corrupt data', () => {
    const err = failure(() => decompressImage(withKeys(rice.header, { ZCMPTYPE: 'BZIP2_1' }), rice.data, rice.file, 1));
    expect(err.code).toBe('unsupported');
    expect(err.message).toContain('BZIP2_1 tile compression is not supported');
    expect(failure(() => decompressImage(withKeys(rice.header, { ZCMPTYPE: undefined }), rice.data, rice.file, 1)).code).toBe('bad-header');
    const asHcompress = failure(() => decompressImage(withKeys(rice.header, { ZCMPTYPE: 'HCOMPRESS_1', ZTILE2: 1 }), rice.data, rice.file, 1));
    expect(asHcompress.code).toBe('corrupt-data');
    expect(asHcompress.message).toMatch(/tile 1: compressed tile does not start with the HCOMPRESS code 0xDD99/);
    // HCOMPRESS tiles are 2-D; a 64-bit HCOMPRESS image is not something CFITSIO writes
    expect(failure(() => decompressImage(withKeys(hcompress.header, { ZTILE1: 64 * 48, ZNAXIS: 1, ZNAXIS1: 64 * 48 }), hcompress.data, hcompress.file, 1)).code).toBe('bad-header');
    expect(failure(() => decompressImage(withKeys(hcompress.header, { ZBITPIX: 64 }), hcompress.data, hcompress.file, 1)).code).toBe('unsupported');
    // a tile whose stream states other dimensions than ZTILEn is refused before anything is allocated
    const wrongTile = failure(() => decompressImage(withKeys(hcompress.header, { ZTILE1: 64, ZTILE2: 8 }), hcompress.data, hcompress.file, 1));
    expect(wrongTile.code).toBe('corrupt-data');
    expect(wrongTile.message).toMatch(/tile 1: the HCOMPRESS stream says 16 rows of 32 pixels, the tile is 64 x 8/);
  });

  it('Rice BLOCKSIZE/BYTEPIX are found by ZNAMEn in any order, or positionally without names', () => {
    const want = decompressImage(rice.header, rice.data, rice.file, 1).values;
    const swapped = withKeys(rice.header, { ZNAME1: 'BYTEPIX', ZVAL1: 4, ZNAME2: 'BLOCKSIZE', ZVAL2: 32 });
    expect(sameValues(decompressImage(swapped, rice.data, rice.file, 1).values, want).mismatches).toBe(0);
    const positional = withKeys(rice.header, { ZNAME1: undefined, ZNAME2: undefined });
    expect(sameValues(decompressImage(positional, rice.data, rice.file, 1).values, want).mismatches).toBe(0);
    // the wrong block size must not decode to the same pixels (or decode at all)
    const wrong = withKeys(rice.header, { ZVAL1: 16 });
    let same = false;
    try { same = sameValues(decompressImage(wrong, rice.data, rice.file, 1).values, want).mismatches === 0; } catch (e) { expect(e).toBeInstanceOf(FitsError); }
    expect(same).toBe(false);
  });

  it('64-bit Q descriptors read the same tiles as 32-bit P descriptors', () => {
    // rebuild the table with 16-byte 'Q' descriptors pointing into the same heap
    const rows = rice.header.get('NAXIS2') as number;
    const oldWidth = rice.header.get('NAXIS1') as number;
    const heap = rice.data.subarray(oldWidth * rows);
    const data = new Uint8Array(16 * rows + heap.length);
    const src = new DataView(rice.data.buffer, rice.data.byteOffset);
    const dst = new DataView(data.buffer);
    for (let row = 0; row < rows; row++) {
      dst.setBigInt64(16 * row, BigInt(src.getInt32(oldWidth * row)));
      dst.setBigInt64(16 * row + 8, BigInt(src.getInt32(oldWidth * row + 4)));
    }
    data.set(heap, 16 * rows);
    const header = withKeys(rice.header, { NAXIS1: 16, TFORM1: '1QB(400)' });
    const q = decompressImage(header, data, rice.file, 1).values;
    const p = decompressImage(rice.header, rice.data, rice.file, 1).values;
    expect(sameValues(q, p).mismatches).toBe(0);
  });
});
