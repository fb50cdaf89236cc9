// The tile-compression codec against the conformance corpus (manifest checksums and stats) and against CFITSIO
// itself (funpack / imcopy on the same file, compared value for value), plus files made here with fpack.

import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haveCfitsio as cfitsioInstalled, referenceTool } from '../../support/reference-tools.ts';
import { FitsError } from '../../../src-main/fits/errors.ts';
import { FitsFile } from '../../../src-main/fits/fits-file.ts';
import { Header } from '../../../src-main/fits/header.ts';
import { HduList } from '../../../src-main/fits/hdu-list.ts';
import { ImageHdu } from '../../../src-main/fits/image-hdu.ts';
import { readStructure } from '../../../src-main/fits/structure.ts';
import { decompressImage, ditherRandoms, type PixelArray } from '../../../src-main/fits/tile-compression/index.ts';
import { corpusDir, corpusPresent, loadManifest, sha256OfFloat64, statsOf, type ManifestImage } from './corpus.ts';

const haveCfitsio = cfitsioInstalled('funpack', 'fpack', 'imcopy');

/** The BINTABLE header and its whole data area (table + heap), as an ImageHdu's reader would hand them over. */
function bintable(file: string, index: number): { header: Header; data: Uint8Array } {
  const f = FitsFile.open(file);
  try {
    const layout = readStructure(f, [])[index];
    const available = Math.max(0, Math.min(layout.dataBytes, f.size - layout.dataOffset));
    return { header: Header.fromRecords(layout.headerText), data: f.read(layout.dataOffset, available) };
  } finally {
    f.close();
  }
}

function decode(file: string, index: number): ReturnType<typeof decompressImage> {
  const { header, data } = bintable(file, index);
  return decompressImage(header, data, file, index);
}

/** CFITSIO's own decompression of HDU `index`: funpack where it accepts the file, else imcopy. Stored values. */
function cfitsioReference(file: string, index: number, dir: string): PixelArray {
  const out = path.join(dir, `ref-${path.basename(file)}-${index}-${Math.random().toString(36).slice(2)}.fits`);
  let ordinal = 0;
  try {
    execFileSync('funpack', ['-O', out, file], { stdio: 'pipe' });
    // funpack may move the image into the primary HDU: match the compressed HDU by its rank among images
    const source = HduList.open(file);
    ordinal = source.imageHdus().findIndex((h) => h.index === index);
    source.close();
  } catch {
    execFileSync('imcopy', [`${file}[${index}]`, out], { stdio: 'pipe' });
  }
  const list = HduList.open(out);
  try {
    return list.imageHdus()[ordinal].readRaw();
  } finally {
    list.close();
  }
}

/** Same values, bit for bit (NaN payloads aside). */
function expectSameValues(got: PixelArray, want: PixelArray): void {
  expect(got.constructor.name).toBe(want.constructor.name);
  expect(got.length).toBe(want.length);
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
  expect(mismatches, `first mismatch at ${first}: ${got[first]} vs ${want[first]}`).toBe(0);
}

/** Physical values per the corpus README: integers scaled in float64 (multiply, then add), BLANK -> NaN. */
function physical(values: PixelArray, image: ManifestImage, blank: number | bigint | undefined): Float64Array {
  const out = new Float64Array(values.length);
  const scaled = image.bitpix > 0 && !(image.bscale === 1 && image.bzero === 0);
  for (let i = 0; i < values.length; i++) {
    const raw = values[i];
    if (image.bitpix > 0 && blank !== undefined && raw == blank) out[i] = NaN;
    else out[i] = scaled ? Number(raw) * image.bscale + image.bzero : Number(raw);
  }
  return out;
}

describe('dither random numbers', () => {
  it('matches the Park–Miller sequence CFITSIO checks (10000th seed 1043618065)', () => {
    const r = ditherRandoms();
    expect(r.length).toBe(10000);
    // first value: 16807 / (2^31 - 1) as float32; all in (0, 1)
    expect(r[0]).toBe(Math.fround(16807 / 2147483647));
    expect(r[9999]).toBe(Math.fround(1043618065 / 2147483647));
    expect(r.every((x) => x > 0 && x < 1)).toBe(true);
  });
});

referenceTool(`FITS conformance corpus at ${corpusDir}`, 'shared/fits-corpus, or set ASTROMORPH_FITS_CORPUS', corpusPresent);
describe.skipIf(!corpusPresent)('tile-compressed files of the conformance corpus', () => {
  const manifest = corpusPresent ? loadManifest() : [];
  const compressed = manifest.filter((e) => e.image_hdus?.some((h) => (h as { compression?: unknown }).compression));
  let dir = '';
  beforeAll(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fits-tiles-')); });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('covers every compressed file the brief names', () => {
    const names = compressed.map((e) => e.path).sort();
    expect(names).toEqual(expect.arrayContaining([
      'real/astropy_comp.fits', 'real/astropy_double_ext.fits',
      'synthetic/fpack_gzip1_int16.fits.fz', 'synthetic/fpack_gzip2_float32_lossless.fits.fz',
      'synthetic/fpack_hcompress_int16.fits.fz', 'synthetic/fpack_rice_float32_dither1.fits.fz',
      'synthetic/fpack_rice_float32_dither2.fits.fz', 'synthetic/fpack_rice_float32_nan_zblank.fits.fz',
      'synthetic/fpack_rice_int32.fits.fz',
    ]));
  });

  for (const entry of compressed) {
    const file = path.join(corpusDir, entry.path);
    for (const image of entry.image_hdus!.filter((h) => (h as { compression?: unknown }).compression)) {
      // HCOMPRESS_1 included: decoded since the reader ported CFITSIO's hdecompress
      const cmptype = (image as unknown as { compression: { zcmptype: string } }).compression.zcmptype;
      it(`${entry.path} [${image.index}] ${cmptype}: matches the manifest checksum and stats`, () => {
        const { values, blank } = decode(file, image.index);
        expect(values.length).toBe(image.stats.n);
        if (image.blank !== null) expect(String(blank)).toBe(String(image.blank));
        const phys = physical(values, image, blank);
        const stats = statsOf(phys);
        expect(stats.n_finite).toBe(image.stats.n_finite);
        expect(stats.n_nan).toBe(image.stats.n_nan);
        expect(stats.min).toBe(image.stats.min);
        expect(stats.max).toBe(image.stats.max);
        expect(sha256OfFloat64(phys)).toBe(image.sha256);
      });

      it.skipIf(!haveCfitsio)(`${entry.path} [${image.index}] ${cmptype}: equals CFITSIO's decompression value for value`, () => {
        expectSameValues(decode(file, image.index).values, cfitsioReference(file, image.index, dir));
      });
    }
  }

  it('reads compressed images through HduList the same way (ImageHdu.read)', () => {
    const entry = compressed.find((e) => e.path === 'synthetic/fpack_rice_float32_nan_zblank.fits.fz')!;
    const list = HduList.open(path.join(corpusDir, entry.path));
    try {
      const hdu = list.hdu(1) as ImageHdu;
      expect(hdu.compressed).toBe(true);
      expect(sha256OfFloat64(hdu.read())).toBe(entry.image_hdus![0].sha256);
    } finally {
      list.close();
    }
  });

  it('a heap cut short is a FitsError naming the file and HDU, not a crash', () => {
    const file = path.join(corpusDir, 'bad/compressed_truncated_heap.fits.fz');
    const err = (() => { try { decode(file, 1); } catch (e) { return e; } })();
    expect(err).toBeInstanceOf(FitsError);
    expect(['truncated', 'corrupt-data']).toContain((err as FitsError).code);
    expect((err as FitsError).message).toContain(file);
    expect((err as FitsError).hdu).toBe(1);
  });
});
