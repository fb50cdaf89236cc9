// Every entry of the shared FITS conformance corpus (astropy 5.2.1 reference values): see its README for the rules.

import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FitsError, HduList } from '../../../src-main/fits/index.ts';
import { referenceTool } from '../../support/reference-tools.ts';
import { corpusDir, corpusPresent, loadManifest, sha256OfFloat64, statsOf } from './corpus.ts';
import type { ManifestEntry, ManifestImage } from './corpus.ts';

// In CI a missing corpus fails (it is ../shared beside the clone); elsewhere it skips.
referenceTool(`FITS conformance corpus at ${corpusDir}`, 'shared/fits-corpus, or set ASTROMORPH_FITS_CORPUS', corpusPresent);

const entries: ManifestEntry[] = corpusPresent ? loadManifest() : [];
const readable = entries.filter((e) => e.kind !== 'bad');
const bad = entries.filter((e) => e.kind === 'bad');

function closeTo(got: number | null, want: number | null, tol: number, what: string): void {
  if (want === null) {
    expect(got, what).toBeNull();
    return;
  }
  expect(got, what).not.toBeNull();
  const g = got as number;
  const scale = Math.abs(want);
  expect(Math.abs(g - want), `${what}: got ${g}, want ${want}`).toBeLessThanOrEqual(tol * scale);
}

function checkImage(file: string, hdu: ReturnType<HduList['imageHdus']>[number], want: ManifestImage): void {
  const where = `${file} HDU ${want.index}`;
  expect(hdu.shape, `${where} shape`).toEqual(want.shape);
  expect(hdu.bitpix, `${where} bitpix`).toBe(want.bitpix);
  expect(hdu.name, `${where} EXTNAME`).toBe(want.extname ?? '');
  // The image header (rebuilt from the table header for compressed HDUs) states the image's own structure ...
  expect(hdu.header.get('BITPIX'), `${where} header BITPIX`).toBe(want.bitpix);
  want.shape.forEach((n, i) => expect(hdu.header.get(`NAXIS${i + 1}`), `${where} header NAXIS${i + 1}`).toBe(n));
  // ... and, rebuilt, has as many cards as astropy's (which drops BSCALE/BZERO of uncompressed HDUs once it has
  // scaled their data, so the count is only comparable for compressed ones).
  if (hdu.compressed) {
    const cards = hdu.header.cards.filter((c) => c.keyword !== 'CONTINUE');
    expect(cards.length, `${where} cards as astropy counts them`).toBe(want.n_cards_astropy);
  }
  for (const [key, value] of Object.entries(want.header)) {
    const got = hdu.header.get(key);
    if (typeof value === 'number') expect(Number(got), `${where} ${key}`).toBe(value);
    else expect(got, `${where} ${key}`).toBe(value);
  }
  const values = hdu.read();
  const stats = statsOf(values);
  const w = want.stats;
  expect([stats.n, stats.n_finite, stats.n_nan, stats.n_inf], `${where} counts`).toEqual([w.n, w.n_finite, w.n_nan, w.n_inf]);
  closeTo(stats.min, w.min, want.tolerance, `${where} min`);
  closeTo(stats.max, w.max, want.tolerance, `${where} max`);
  closeTo(stats.sumsq, w.sumsq, want.tolerance, `${where} sumsq`);
  if (w.mean !== null) {
    const scale = Math.max(Math.abs(w.mean), Math.sqrt((w.sumsq as number) / w.n_finite));
    expect(Math.abs((stats.mean as number) - w.mean), `${where} mean`).toBeLessThanOrEqual(want.tolerance * scale);
  }
  // A float64 reader matches sha256 exactly everywhere (README note 6 concerns float32 readers only).
  expect(sha256OfFloat64(values), `${where} sha256`).toBe(want.sha256);
  // A section (the middle of the last plane) agrees with the whole read.
  const [nx, ny] = [hdu.shape[0], hdu.shape.length > 1 ? hdu.shape[1] : 1];
  const [x0, y0, sw, sh] = [Math.floor(nx / 4), Math.floor(ny / 4), Math.ceil(nx / 2), Math.ceil(ny / 2)];
  const section = hdu.readSection(hdu.nPlanes - 1, x0, y0, sw, sh);
  const wantSection: number[] = [];
  for (let y = y0; y < y0 + sh; y++) for (let x = x0; x < x0 + sw; x++) wantSection.push(Math.fround(values[(hdu.nPlanes - 1) * nx * ny + y * nx + x]));
  expect(Array.from(section), `${where} section`).toEqual(wantSection);
  // Plane reads agree with the whole read, rounded to float32.
  const plane = hdu.planeSize;
  for (const p of [0, hdu.nPlanes - 1]) {
    const got = hdu.readPlane(p);
    expect(got.length).toBe(plane);
    expect(Array.from(got), `${where} plane ${p}`).toEqual(Array.from(new Float32Array(values.subarray(p * plane, (p + 1) * plane))));
  }
}

describe.skipIf(!corpusPresent)('FITS conformance corpus: readable files', () => {
  it('has entries', () => {
    expect(readable.length).toBeGreaterThan(40);
    expect(bad.length).toBeGreaterThan(10);
  });

  for (const entry of readable) {
    it(entry.path, () => {
      const file = path.join(corpusDir, entry.path);
      const list = HduList.open(file);
      try {
        expect(list.length, 'number of HDUs').toBe(entry.n_hdus);
        for (const h of entry.hdus ?? []) {
          const hdu = list.hdu(h.index);
          const stored = hdu.kind === 'image' ? hdu.storedHeader : hdu.header;
          expect(stored.cards.length, `HDU ${h.index} cards before END`).toBe(h.n_cards);
        }
        const images = list.imageHdus();
        expect(images.map((h) => h.index), 'image HDU indices').toEqual((entry.image_hdus ?? []).map((h) => h.index));
        if (entry.no_image_hdu) {
          let caught: unknown;
          try {
            list.primaryImage();
          } catch (e) {
            caught = e;
          }
          expect(caught).toBeInstanceOf(FitsError);
          expect((caught as FitsError).code).toBe('no-image');
          expect((caught as FitsError).message).toContain(file);
          return;
        }
        expect(list.primaryImage().index).toBe(entry.image_hdus![0].index);
        // The corpus README lets a reader refuse some files (may_reject: HCOMPRESS) as unsupported compression;
        // every image astropy reads, this reader reads, so those are checked like the rest.
        images.forEach((hdu, k) => checkImage(entry.path, hdu, entry.image_hdus![k]));
      } finally {
        list.close();
      }
    });
  }
});

describe.skipIf(!corpusPresent)('FITS conformance corpus: bad files are rejected', () => {
  const probe = path.join(path.dirname(new URL(import.meta.url).pathname), 'open-bad-file.ts');
  for (const entry of bad) {
    it(`${entry.path}: ${entry.reason}`, () => {
      const file = path.join(corpusDir, entry.path);
      const run = spawnSync(process.execPath, ['--max-old-space-size=256', probe, file], { encoding: 'utf8', timeout: 15_000 });
      expect(run.error, 'child process did not hang').toBeUndefined();
      expect(run.status, `child exited cleanly (stderr: ${run.stderr})`).toBe(0);
      const result = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as { threw: boolean; name?: string; code?: string; file?: string; message?: string; maxRssKb: number };
      expect(result.threw, 'rejected').toBe(true);
      expect(result.name).toBe('FitsError');
      expect(result.file).toBe(file);
      expect(result.message).toContain(file);
      expect(result.code).not.toBe('io');
      expect(result.maxRssKb, 'peak memory of the child (KB)').toBeLessThan(300 * 1024);
    });
  }
});
