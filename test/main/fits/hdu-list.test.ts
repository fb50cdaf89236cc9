import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FitsError, HduList, hduKind, Header, writeImageFits } from '../../../src-main/fits/index.ts';
import type { ImageHdu } from '../../../src-main/fits/index.ts';
import { concat, emptyPrimary, float32Data, headerBytes, imageExtension } from './fits-bytes.ts';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fits-hdulist-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const file = (name: string) => path.join(dir, name);
const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (e) {
    if (e instanceof FitsError) return e.code;
    throw e;
  }
  return undefined;
};

function ramp(n: number, f: (i: number) => number) {
  return Array.from({ length: n }, (_, i) => f(i));
}

describe('writeImageFits and ImageHdu round trip', () => {
  const cases = [
    { bitpix: 8, data: Uint8Array.from(ramp(60, (i) => (i * 7) % 256)) },
    { bitpix: 16, data: Int16Array.from(ramp(60, (i) => i * 1000 - 30000)) },
    { bitpix: 32, data: Int32Array.from(ramp(60, (i) => i * 70000000 - 2100000000)) },
    { bitpix: -32, data: Float32Array.from(ramp(60, (i) => Math.sin(i) * 1e5)) },
    { bitpix: -64, data: Float64Array.from(ramp(60, (i) => Math.cos(i) / 3)) },
  ] as const;
  for (const { bitpix, data } of cases) {
    it(`BITPIX ${bitpix}: header, raw values and physical values come back`, () => {
      const p = file(`rt${bitpix}.fits`);
      const source = '/a/very/long/path/'.repeat(8) + `image-${bitpix}.fits`;
      writeImageFits(p, data, [10, 6], { cards: { OBJECT: 'M51', EXPTIME: 30.5, FLAG: true, SOURCE: source, HISTORY: 'written by the test' } });
      expect(fs.statSync(p).size % 2880).toBe(0);
      const list = HduList.open(p);
      const hdu = list.primaryImage();
      expect(hdu.bitpix).toBe(bitpix);
      expect(hdu.shape).toEqual([10, 6]);
      expect(hdu.header.get('OBJECT')).toBe('M51');
      expect(hdu.header.get('EXPTIME')).toBe(30.5);
      expect(hdu.header.get('FLAG')).toBe(true);
      expect(hdu.header.get('SOURCE')).toBe(source);
      expect(hdu.header.history()).toEqual(['written by the test']);
      const raw = hdu.readRaw();
      expect(raw.constructor).toBe(data.constructor);
      expect(Array.from(raw as ArrayLike<number>)).toEqual(Array.from(data));
      expect(Array.from(hdu.read())).toEqual(Array.from(data));
      expect(list.issues).toEqual([]);
      list.close();
    });
  }

  it('converts to a requested BITPIX and refuses values that do not fit', () => {
    const p = file('conv.fits');
    writeImageFits(p, new Float64Array([1, 2, 3, 4]), [2, 2], { bitpix: 16 });
    expect(HduList.open(p).primaryImage().readRaw()).toEqual(new Int16Array([1, 2, 3, 4]));
    expect(() => writeImageFits(p, new Float64Array([1, 2, 3, 70000]), [2, 2], { bitpix: 16 })).toThrow(/does not fit/);
    expect(() => writeImageFits(p, new Float32Array(5), [2, 2])).toThrow(/holds 4 values/);
  });

  it('reads each plane of a 3-D cube and of a 4-D cube with a degenerate axis, touching only that plane', () => {
    const nx = 7, ny = 5, nz = 4;
    const data = Float32Array.from(ramp(nx * ny * nz, (i) => i * 0.5 - 3));
    for (const shape of [[nx, ny, nz], [nx, ny, nz, 1], [nx, ny, 1, nz]]) {
      const p = file(`cube${shape.length}.fits`);
      writeImageFits(p, data, shape);
      const list = HduList.open(p);
      const hdu = list.primaryImage();
      expect(hdu.nPlanes).toBe(nz);
      const before = list.bytesRead;
      for (let z = 0; z < nz; z++) expect(hdu.readPlane(z)).toEqual(data.subarray(z * nx * ny, (z + 1) * nx * ny));
      expect(list.bytesRead - before).toBe(nx * ny * nz * 4);
      expect(codeOf(() => hdu.readPlane(nz))).toBe('bad-naxis');
      list.close();
    }
  });

  it('reads sections of a plane, touching only the rows they span', () => {
    const nx = 9, ny = 6, nz = 3;
    const data = Int16Array.from(ramp(nx * ny * nz, (i) => i - 100));
    const p = file('section.fits');
    writeImageFits(p, data, [nx, ny, nz], { cards: { BSCALE: 2, BZERO: 1 } });
    const list = HduList.open(p);
    const hdu = list.primaryImage();
    const before = list.bytesRead;
    const box = hdu.readSection(2, 3, 1, 4, 2);
    expect(list.bytesRead - before).toBe(2 * nx * 2);
    const want = [];
    for (let y = 1; y < 3; y++) for (let x = 3; x < 7; x++) want.push(data[2 * nx * ny + y * nx + x] * 2 + 1);
    expect(Array.from(box)).toEqual(want);
    expect(hdu.readSection(0, 0, 0, nx, ny)).toEqual(hdu.readPlane(0));
    expect(codeOf(() => hdu.readSection(0, 6, 0, 4, 1))).toBe('bad-naxis');
    expect(codeOf(() => hdu.readSection(3, 0, 0, 1, 1))).toBe('bad-naxis');
  });

  it('scales integer data with BSCALE/BZERO/BLANK, and readPlane gives float32 of the same', () => {
    const p = file('scaled.fits');
    writeImageFits(p, new Int16Array([-32768, -1, 0, 1, 32767, -999]), [3, 2], { cards: { BSCALE: 0.5, BZERO: 32768, BLANK: -999 } });
    const hdu = HduList.open(p).primaryImage();
    expect(Array.from(hdu.read())).toEqual([16384, 32767.5, 32768, 32768.5, 49151.5, NaN]);
    expect(Array.from(hdu.readPlane(0))).toEqual([16384, 32767.5, 32768, 32768.5, 49151.5, NaN]);
  });

  it('reads gzip files by their magic bytes, whatever the name, and caps the inflated size', () => {
    const data = Float32Array.from(ramp(100 * 80, (i) => i));
    const p = file('zipped.fits'); // no .gz suffix on purpose
    writeImageFits(p, data, [100, 80], { gzip: true });
    expect(fs.readFileSync(p).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    const list = HduList.open(p);
    expect(list.gzipped).toBe(true);
    expect(list.primaryImage().read()).toEqual(new Float64Array(data));
    expect(list.primaryImage().readPlane(0)).toEqual(data);
    expect(codeOf(() => HduList.open(p, { maxInflatedBytes: 10000 }))).toBe('too-large');
  });
});

describe('HduList structure', () => {
  it('lists images in extensions, skips tables and keeps EXTNAME', () => {
    const table = concat(
      headerBytes([['XTENSION', 'BINTABLE'], ['BITPIX', 8], ['NAXIS', 2], ['NAXIS1', 4], ['NAXIS2', 3], ['PCOUNT', 0], ['GCOUNT', 1], ['TFIELDS', 1], ['TFORM1', '1J'], ['EXTNAME', 'CAT']]),
      new Uint8Array(2880),
    );
    const p = file('mef.fits');
    fs.writeFileSync(p, concat(emptyPrimary(), imageExtension([3, 2], [1, 2, 3, 4, 5, 6], [['EXTNAME', 'SCI']]), table, imageExtension([2, 2], [9, 8, 7, 6], [['EXTNAME', 'ERR']])));
    const list = HduList.open(p);
    expect(list.bytesRead, 'open reads the four headers and no data').toBe(4 * 2880);
    expect(list.length).toBe(4);
    expect(list.hdu(2).kind).toBe('table');
    expect(list.imageHdus().map((h) => [h.index, h.name])).toEqual([[1, 'SCI'], [3, 'ERR']]);
    expect(Array.from(list.imageHdus()[1].read())).toEqual([9, 8, 7, 6]);
    expect(list.primaryImage().index).toBe(1);
    expect(() => list.hdu(4)).toThrow(RangeError);
  });

  it('keeps earlier HDUs readable when an extension header is corrupt, and reports it', () => {
    const badExt = concat(headerBytes([['XTENSION', 'IMAGE'], ['BITPIX', 17], ['NAXIS', 1], ['NAXIS1', 4], ['PCOUNT', 0], ['GCOUNT', 1]]), new Uint8Array(2880));
    const p = file('corrupt-ext.fits');
    fs.writeFileSync(p, concat(emptyPrimary(), imageExtension([2, 2], [1, 2, 3, 4]), badExt));
    const list = HduList.open(p);
    expect(list.length).toBe(3);
    expect(list.hdu(2).kind).toBe('corrupt');
    const corrupt = list.hdu(2);
    if (corrupt.kind !== 'corrupt') throw new Error('unreachable');
    expect(corrupt.error.code).toBe('bad-bitpix');
    expect(corrupt.error.hdu).toBe(2);
    expect(list.imageHdus().map((h) => h.index)).toEqual([1]);
    expect(Array.from(list.primaryImage().read())).toEqual([1, 2, 3, 4]);
    expect(list.issues.some((i) => i.hdu === 2 && i.code === 'bad-bitpix')).toBe(true);
  });

  it('keeps later HDUs when a compressed HDU has unusable image keywords', () => {
    const badZ = concat(
      headerBytes([['XTENSION', 'BINTABLE'], ['BITPIX', 8], ['NAXIS', 2], ['NAXIS1', 8], ['NAXIS2', 1], ['PCOUNT', 0], ['GCOUNT', 1], ['TFIELDS', 1], ['TFORM1', '1PB(0)'], ['ZIMAGE', true], ['ZBITPIX', 12], ['ZNAXIS', 2], ['ZNAXIS1', 4], ['ZNAXIS2', 4]]),
      new Uint8Array(2880),
    );
    const p = file('bad-zbitpix.fits');
    fs.writeFileSync(p, concat(emptyPrimary(), badZ, imageExtension([2, 1], [5, 6])));
    const list = HduList.open(p);
    expect(list.hdu(1).kind).toBe('corrupt');
    expect(list.imageHdus().map((h) => h.index)).toEqual([2]);
    expect(list.issues.some((i) => i.hdu === 1 && /ZBITPIX/.test(i.message))).toBe(true);
  });

  it('treats truncated extension data as a corrupt HDU; primaryImage reports that error when nothing else is readable', () => {
    const ext = imageExtension([100, 100], ramp(10000, (i) => i));
    const p = file('trunc-ext.fits');
    fs.writeFileSync(p, concat(emptyPrimary(), ext.subarray(0, 2880 + 5000)));
    const list = HduList.open(p);
    expect(list.hdu(1).kind).toBe('corrupt');
    expect(codeOf(() => list.primaryImage())).toBe('truncated');
  });

  it('gives up on a header without END after a bounded number of blocks', () => {
    const p = file('endless.fits');
    const fd = fs.openSync(p, 'w');
    fs.writeSync(fd, headerBytes([['SIMPLE', true], ['BITPIX', 8]]).subarray(0, 160));
    fs.ftruncateSync(fd, 40e6); // 40 MB of zero bytes: never an END card
    fs.closeSync(fd);
    const list = (() => {
      try {
        return HduList.open(p);
      } catch (e) {
        return e as FitsError;
      }
    })();
    expect(list).toBeInstanceOf(FitsError);
    expect((list as FitsError).code).toBe('bad-header');
    // zeros are no header: it stops at the first such block instead of reading 28.8 MB of them
    expect((list as FitsError).message).toMatch(/header has no END card before binary data at byte 2880$/);
    // blank cards are a header, however many: bounded by MAX_HEADER_BLOCKS
    const blanks = file('blanks.fits');
    fs.writeFileSync(blanks, Buffer.concat([Buffer.from(headerBytes([['SIMPLE', true], ['BITPIX', 8]]).subarray(0, 160)), Buffer.alloc(30e6, 0x20)]));
    const err = (() => {
      try {
        return HduList.open(blanks);
      } catch (e) {
        return e as FitsError;
      }
    })();
    expect(err).toBeInstanceOf(FitsError);
    expect((err as FitsError).message).toMatch(/no END card in the first 28800000 bytes/);
  });

  it("says 'no-image' when no HDU holds pixels", () => {
    const p = file('noimage.fits');
    fs.writeFileSync(p, emptyPrimary());
    expect(codeOf(() => HduList.open(p).primaryImage())).toBe('no-image');
  });

  it('reports trailing bytes and missing final padding as issues, not errors', () => {
    const full = fs.readFileSync(file('rt-32.fits'));
    const p1 = file('trailing.fits');
    fs.writeFileSync(p1, concat(full, Buffer.from('garbage after the last HDU')));
    expect(HduList.open(p1).issues.map((i) => i.code)).toContain('trailing-bytes');
    const p2 = file('unpadded.fits');
    fs.writeFileSync(p2, full.subarray(0, 2880 + 60 * 4));
    const list = HduList.open(p2);
    expect(list.issues.map((i) => i.code)).toContain('missing-padding');
    expect(list.primaryImage().read().length).toBe(60);
  });

  it('throws FitsError naming the file for missing files and non-FITS content', () => {
    let err: unknown;
    try {
      HduList.open(file('nope.fits'));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FitsError);
    expect((err as FitsError).code).toBe('io');
    expect((err as FitsError).message).toContain('nope.fits');
    expect(codeOf(() => HduList.open(dir))).toBe('io');
    const fifo = file('pipe.fits');
    if (spawnSync('mkfifo', [fifo]).status === 0) expect(codeOf(() => HduList.open(fifo))).toBe('io');
    const p = file('text.fits');
    fs.writeFileSync(p, 'hello world, this is not FITS at all');
    expect(codeOf(() => HduList.open(p))).toBe('not-fits');
  });
});

describe('hduKind', () => {
  const hdr = (cards: Array<[string, string | number | boolean]>) => Header.fromRecords(Buffer.from(headerBytes(cards)).toString('latin1'));
  it('classifies headers', () => {
    expect(hduKind(hdr([['SIMPLE', true], ['BITPIX', 16], ['NAXIS', 2], ['NAXIS1', 3], ['NAXIS2', 3]]))).toBe('image');
    expect(hduKind(hdr([['SIMPLE', true], ['BITPIX', -32], ['NAXIS', 2], ['NAXIS1', 0], ['NAXIS2', 3], ['GROUPS', true]]))).toBe('random-groups');
    expect(hduKind(hdr([['XTENSION', 'IMAGE'], ['BITPIX', 8], ['NAXIS', 0]]))).toBe('image');
    expect(hduKind(hdr([['XTENSION', 'BINTABLE'], ['BITPIX', 8], ['NAXIS', 2], ['NAXIS1', 3], ['NAXIS2', 3]]))).toBe('table');
    expect(hduKind(hdr([['XTENSION', 'TABLE'], ['BITPIX', 8], ['NAXIS', 2], ['NAXIS1', 3], ['NAXIS2', 3]]))).toBe('table');
    expect(hduKind(hdr([['XTENSION', 'BINTABLE'], ['BITPIX', 8], ['NAXIS', 2], ['NAXIS1', 8], ['NAXIS2', 3], ['ZIMAGE', true], ['ZBITPIX', -32], ['ZNAXIS', 2], ['ZNAXIS1', 10], ['ZNAXIS2', 10]]))).toBe('tile-compressed');
    expect(hduKind(hdr([['XTENSION', 'BINTABLE'], ['BITPIX', 8], ['NAXIS', 2], ['NAXIS1', 8], ['NAXIS2', 3], ['ZIMAGE', true], ['ZBITPIX', 7], ['ZNAXIS', 2]]))).toBe('corrupt');
    expect(hduKind(hdr([['SIMPLE', true], ['BITPIX', 12], ['NAXIS', 0]]))).toBe('corrupt');
    expect(hduKind(hdr([['SIMPLE', true], ['BITPIX', 8], ['NAXIS', 1], ['NAXIS1', -4]]))).toBe('corrupt');
  });
});

describe('verify issues', () => {
  it('flags lowercase keywords, BLANK on float data, keyword order and bad values', () => {
    const p = file('issues.fits');
    fs.writeFileSync(p, concat(
      headerBytes([['SIMPLE', true], ['NAXIS', 2], ['BITPIX', -32], ['NAXIS1', 2], ['NAXIS2', 1], 'object  = \'lower\'', ['BLANK', -1], 'WEIRD   = 12abc']),
      float32Data([1, 2]),
    ));
    const list = HduList.open(p);
    const codes = list.issues.map((i) => `${i.code}:${i.keyword ?? ''}`);
    expect(codes).toEqual(expect.arrayContaining(['keyword-order:BITPIX', 'keyword-order:NAXIS', 'lowercase-keyword:OBJECT', 'blank-on-float:BLANK', 'bad-value:WEIRD']));
    expect(list.primaryImage().header.get('OBJECT')).toBe('lower');
    expect(Array.from(list.primaryImage().read())).toEqual([1, 2]);
  });
});

describe('positional reads on a multi-GB file', () => {
  it('reads one plane of a sparse 2.5 GB float32 cube, touching only that plane', () => {
    const [nx, ny, nz] = [2048, 2048, 160];
    const p = file('sparse-cube.fits');
    const header = headerBytes([['SIMPLE', true], ['BITPIX', -32], ['NAXIS', 3], ['NAXIS1', nx], ['NAXIS2', ny], ['NAXIS3', nz]]);
    const planeBytes = nx * ny * 4;
    const fd = fs.openSync(p, 'w');
    try {
      fs.writeSync(fd, header, 0, header.length, 0);
      // A few real values inside plane 100, so the read is checked, not just counted.
      const marks = new Uint8Array(8);
      new DataView(marks.buffer).setFloat32(0, 1.5, false);
      new DataView(marks.buffer).setFloat32(4, -2.25, false);
      fs.writeSync(fd, marks, 0, 8, header.length + 100 * planeBytes + 4 * (nx * 3 + 5));
      fs.ftruncateSync(fd, header.length + Math.ceil((planeBytes * nz) / 2880) * 2880);
    } finally {
      fs.closeSync(fd);
    }
    expect(fs.statSync(p).size).toBeGreaterThan(2.5e9);
    const list = HduList.open(p);
    const opened = list.bytesRead;
    expect(opened).toBe(2880); // one header block, no data
    const hdu: ImageHdu = list.primaryImage();
    expect(hdu.shape).toEqual([nx, ny, nz]);
    const plane = hdu.readPlane(100);
    expect(list.bytesRead - opened).toBe(planeBytes);
    expect(plane.length).toBe(nx * ny);
    expect(plane[nx * 3 + 5]).toBe(1.5);
    expect(plane[nx * 3 + 6]).toBe(-2.25);
    expect(plane[0]).toBe(0);
    list.close();
    fs.rmSync(p);
  });
});
