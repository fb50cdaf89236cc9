// Real FITS files for scan tests, written with the project's own writer plus a few from the shared corpus.
import fs from 'node:fs';
import path from 'node:path';
import { writeImageFits } from '../../../src-main/fits/index.ts';

export const CORPUS = '/work/shared/fits-corpus';

export function gaussianImage(nx: number, ny: number, cx: number, cy: number, sigma: number, peak = 100): Float32Array {
  const a = new Float32Array(nx * ny);
  for (let y = 0; y < ny; y++) {
    for (let x = 0; x < nx; x++) a[y * nx + x] = 1 + peak * Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * sigma * sigma));
  }
  return a;
}

export interface DataFolder {
  root: string;
  good: string[];
  bad: string[];
}

/** A folder tree of good and bad files; returns their absolute paths. */
export function makeDataFolder(root: string): DataFolder {
  const good: string[] = [];
  const bad: string[] = [];
  const put = (rel: string): string => {
    const f = path.join(root, rel);
    fs.mkdirSync(path.dirname(f), { recursive: true });
    return f;
  };

  const m31 = gaussianImage(64, 48, 40, 30, 4);
  for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) m31[y * 64 + x] = Number.NaN; // bottom-left corner
  writeImageFits(put('sky/m31.fits'), m31, [64, 48], {
    cards: {
      OBJECT: 'M 31', TELESCOP: 'VLA', INSTRUME: 'WIDAR', BUNIT: 'Jy/beam', BMAJ: 0.0125, BMIN: 0.01, BPA: 33.5,
      CTYPE1: 'RA---SIN', CTYPE2: 'DEC--SIN', CRVAL1: 10.6847, CRVAL2: 41.269, CRPIX1: 32, CRPIX2: 24,
      CDELT1: -0.001, CDELT2: 0.001, RESTFRQ: 1.420405752e9, 'DATE-OBS': '2020-01-02',
    },
  });
  good.push(put('sky/m31.fits'));

  const ngc = new Int16Array(200 * 100);
  for (let i = 0; i < ngc.length; i++) ngc[i] = (i * 7919) % 1000;
  writeImageFits(put('sky/deep/ngc253.FITS'), ngc, [200, 100], { cards: { OBJECT: 'NGC 253', RA: '00:47:33.1', DEC: '-25:17:18' } });
  good.push(put('sky/deep/ngc253.FITS'));

  writeImageFits(put('sky/packed.fits.gz'), gaussianImage(40, 40, 20, 20, 5), [40, 40], { gzip: true, cards: { OBJECT: 'packed' } });
  good.push(put('sky/packed.fits.gz'));

  const cube = new Float32Array(32 * 32 * 5);
  for (let c = 0; c < 5; c++) cube.set(gaussianImage(32, 32, 10 + c, 16, 3), c * 32 * 32);
  writeImageFits(put('cubes/cube.fit'), cube, [32, 32, 5], {
    cards: { CTYPE1: 'RA---TAN', CTYPE2: 'DEC--TAN', CTYPE3: 'FREQ', CRVAL1: 201.365, CRVAL2: -43.019, CRVAL3: 1.15e11, RESTFREQ: 115271202000 },
  });
  good.push(put('cubes/cube.fit'));

  // A 1-D spectrum in the primary HDU: readable, but no thumbnail.
  writeImageFits(put('cubes/spectrum.fts'), Float32Array.from({ length: 50 }, (_, i) => Math.sin(i)), [50]);
  good.push(put('cubes/spectrum.fts'));

  for (const rel of ['synthetic/cube_vrad_64x64x16.fits', 'synthetic/alma_4d_float32.fits', 'real/astropy_dss.14.29.56-62.41.05.fits.gz',
    'synthetic/fpack_rice_int32.fits.fz']) {
    fs.copyFileSync(path.join(CORPUS, rel), put(`corpus/${path.basename(rel)}`));
    good.push(put(`corpus/${path.basename(rel)}`));
  }
  for (const rel of ['bad/truncated_data.fits', 'bad/gzip_corrupt.fits.gz', 'real/astropy_header_with_time.fits']) {
    fs.copyFileSync(path.join(CORPUS, rel), put(`corpus/${path.basename(rel)}`));
    bad.push(put(`corpus/${path.basename(rel)}`));
  }
  fs.writeFileSync(put('bad/noise.fits'), Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 131) % 256)));
  bad.push(put('bad/noise.fits'));

  fs.writeFileSync(put('sky/readme.txt'), 'not FITS, not scanned');
  fs.writeFileSync(put('sky/m31.fits.bak'), 'not scanned either');
  return { root, good: good.sort(), bad: bad.sort() };
}
