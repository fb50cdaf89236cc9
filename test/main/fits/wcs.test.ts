import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { axisKinds, convertSpectral, Header, linearWcs } from '../../../src-main/fits/index.ts';
import { headerBytes } from './fits-bytes.ts';

import { haveAstropy as astropyInstalled, PYTHON } from '../../support/reference-tools.ts';

const haveAstropy = astropyInstalled();

type Cards = Array<[string, string | number | boolean]>;
const header = (cards: Cards) => Header.fromRecords(Buffer.from(headerBytes(cards)).toString('latin1'));

const cube: Cards = [
  ['SIMPLE', true], ['BITPIX', -32], ['NAXIS', 3], ['NAXIS1', 64], ['NAXIS2', 48], ['NAXIS3', 30],
  ['CTYPE1', 'RA---TAN'], ['CTYPE2', 'DEC--TAN'], ['CTYPE3', 'FREQ'],
  ['CRVAL1', 83.8], ['CRVAL2', -5.4], ['CRVAL3', 1.4204e9],
  ['CRPIX1', 32.5], ['CRPIX2', 24.5], ['CRPIX3', 10],
  ['CDELT1', -0.001], ['CDELT2', 0.001], ['CDELT3', 48828.125],
  ['PC1_1', 0.9659258263], ['PC1_2', -0.2588190451], ['PC2_1', 0.2588190451], ['PC2_2', 0.9659258263],
  ['CUNIT1', 'deg'], ['CUNIT2', 'deg'], ['CUNIT3', 'Hz'], ['RESTFRQ', 1.420405752e9], ['SPECSYS', 'LSRK'],
];
const pixels = [[0, 0, 0], [10.5, 3, 7], [63, 47, 29], [31.5, 23.5, 9]];

function astropy(cards: Cards, script: string): unknown {
  const text = headerBytes(cards);
  const code = `
import json, sys, warnings
warnings.simplefilter('ignore')
from astropy.io import fits
from astropy.wcs import WCS
import numpy as np
h = fits.Header.fromstring(sys.stdin.read())
w = WCS(h)
pix = np.array(${JSON.stringify(pixels)}, dtype=float)
${script}`;
  const run = spawnSync(PYTHON, ['-c', code], { input: Buffer.from(text).toString('latin1'), encoding: 'utf8' });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout);
}

describe('linearWcs', () => {
  it.skipIf(!haveAstropy)('matches astropy pixel_to_world on linear axes with a rotation matrix and a frequency axis', () => {
    // Celestial axes would add a sky projection, which a linear WCS leaves out; linear CTYPEs test the matrix alone.
    const linear: Cards = cube.map(([k, v]): [string, string | number | boolean] => [k, k === 'CTYPE1' ? 'XOFFSET' : k === 'CTYPE2' ? 'YOFFSET' : v]);
    const ref = astropy(linear, 'print(json.dumps(w.wcs_pix2world(pix, 0).tolist()))') as number[][];
    const wcs = linearWcs(header(linear));
    pixels.forEach((p, k) => {
      const got = wcs.pixelToWorld(p);
      expect(got[0]).toBeCloseTo(ref[k][0], 12);
      expect(got[1]).toBeCloseTo(ref[k][1], 12);
      expect(Math.abs(got[2] - ref[k][2])).toBeLessThan(1e-6);
    });
    const sky = linearWcs(header(cube));
    expect(sky.axes.map((a) => a.kind)).toEqual(['spatial', 'spatial', 'spectral']);
    expect(sky.pixelToWorld([31.5, 23.5, 9])).toEqual([83.8, -5.4, 1.4204e9]);
    expect(sky.spectralAxis).toBe(2);
    expect(sky.restFrequency).toBe(1.420405752e9);
  });

  it.skipIf(!haveAstropy)('converts the frequency axis to radio, optical and relativistic velocity and to wavelength like astropy (wcslib sptr)', () => {
    const ref = astropy(cube, `
out = {}
for t in ['VRAD', 'VOPT-F2W', 'VELO-F2V', 'WAVE-F2W']:
    s = w.sub([3]); s.wcs.sptr(t)
    out[t[:4]] = s.wcs_pix2world(pix[:, 2:3], 0)[:, 0].tolist()
print(json.dumps(out))`) as Record<string, number[]>;
    const wcs = linearWcs(header(cube));
    for (const to of ['VRAD', 'VOPT', 'VELO', 'WAVE'] as const) {
      pixels.forEach((p, k) => {
        const freq = wcs.axisValue(2, p[2]);
        const got = wcs.spectralValue(2, freq, to);
        const want = ref[to][k];
        expect(Math.abs(got - want), `${to} at pixel ${p[2]}: ${got} vs ${want}`).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(want)));
      });
    }
  });

  it('uses CD matrices, RESTFREQ, velocity axes in km/s, and defaults', () => {
    const h = header([
      ['NAXIS', 3], ['CTYPE1', 'GLON-CAR'], ['CTYPE2', 'GLAT-CAR'], ['CTYPE3', 'VRAD'], ['CUNIT3', 'km/s'],
      ['CD1_1', -0.5], ['CD2_2', 0.25], ['CD1_2', 0.1], ['CRPIX1', 1], ['CRPIX2', 1], ['CRVAL1', 10], ['CRVAL2', 20],
      ['CRVAL3', 15], ['CDELT3', 2], ['CRPIX3', 1], ['RESTFREQ', 1.15271202e11],
    ]);
    const wcs = linearWcs(h);
    // With CD given, CDELT3 is not used and CD3_3 defaults to 0.
    expect(wcs.pixelToWorld([2, 4, 5])).toEqual([10 + -0.5 * 2 + 0.1 * 4, 20 + 0.25 * 4, 15]);
    const f = wcs.spectralValue(2, 15, 'FREQ');
    expect(f).toBeCloseTo(1.15271202e11 * (1 - 15000 / 299792458), 0);
    expect(convertSpectral(f, 'FREQ', 'VRAD', 1.15271202e11)).toBeCloseTo(15000, 6);
    expect(() => convertSpectral(1e9, 'FREQ', 'VRAD')).toThrow(/RESTFRQ/);
  });

  it('applies the old CROTA2 rotation when no PC or CD is given', () => {
    const h = header([['NAXIS', 2], ['CTYPE1', 'RA---TAN'], ['CTYPE2', 'DEC--TAN'], ['CDELT1', -2], ['CDELT2', 2], ['CRPIX1', 1], ['CRPIX2', 1], ['CROTA2', 90]]);
    const [x, y] = linearWcs(h).pixelToWorld([1, 0]);
    expect(x).toBeCloseTo(0, 12);
    expect(y).toBeCloseTo(-2, 12);
  });
});

describe('axisKinds', () => {
  it('classifies CTYPEs', () => {
    const h = header([
      ['CTYPE1', 'RA---SIN'], ['CTYPE2', 'DEC--SIN'], ['CTYPE3', 'VELO-LSR'], ['CTYPE4', 'STOKES'], ['CTYPE5', 'GLON-CAR'],
      ['CTYPE6', 'FELO-HEL'], ['CTYPE7', 'WAVE'], ['CTYPE8', 'HPLN-TAN'], ['CTYPE9', 'TIME'],
    ]);
    expect(axisKinds(h, 10)).toEqual(['spatial', 'spatial', 'spectral', 'stokes', 'spatial', 'spectral', 'spectral', 'spatial', 'other', 'other']);
  });
});
