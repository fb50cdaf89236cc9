// Reprojection against astropy's reproject (reproject_interp, reproject_exact) on real corpus files in
// TAN, SIN and CAR, onto target grids that are rotated, rescaled, shifted and in another projection.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { celestialWcs, CelestialWcsError, frameConversion, HduList, reproject, type SkyGrid, type SkyImage } from '../../../src-main/fits/index.ts';
import { corpusDir, corpusPresent } from './corpus.ts';
import { haveReproject, PYTHON, referenceTool } from '../../support/reference-tools.ts';

const haveTools = haveReproject() && referenceTool('FITS corpus', `../shared/fits-corpus`, corpusPresent);

interface Case {
  name: string;
  file: string;
  hdu: number;
  /** Target projection (same frame as the source), rotation (deg), pixel scale relative to the source, size relative to it. */
  proj: string;
  rot: number;
  scale: number;
  size: number;
  /** A target in another sky frame: 'galactic' or 'icrs' (default: the source's own). */
  frame?: string;
}

const CASES: Case[] = [
  { name: 'TAN (CDELT) -> rotated TAN', file: 'real/astropy_scale.fits', hdu: 0, proj: 'TAN', rot: 30, scale: 0.37, size: 0.9 },
  { name: 'HST TAN (CD) -> rotated ZEA', file: 'real/astropy_test0.fits', hdu: 2, proj: 'ZEA', rot: 60, scale: 1.37, size: 1.2 },
  { name: 'VLA SIN (FK4 B1950) -> TAN', file: 'real/astropy_comp.fits', hdu: 1, proj: 'TAN', rot: -12, scale: 0.8, size: 0.7 },
  { name: 'Fermi GLON-CAR -> GLON-TAN', file: 'real/photutils_fermi_counts.fits.gz', hdu: 1, proj: 'TAN', rot: 0, scale: 1.6, size: 0.4 },
  { name: 'HST TAN (CD, flipped) -> SIN', file: 'real/astropy_test0.fits', hdu: 3, proj: 'SIN', rot: 45, scale: 1.1, size: 1.0 },
  { name: 'MAGPIS GLON-SIN -> GLON-CAR', file: 'real/astroquery_magpis_image.fits', hdu: 0, proj: 'CAR', rot: 0, scale: 2.3, size: 0.5 },
  { name: 'TAN (FK5 J2000) -> Galactic TAN', file: 'real/astropy_scale.fits', hdu: 0, proj: 'TAN', rot: 10, scale: 0.5, size: 0.9, frame: 'galactic' },
  { name: 'MAGPIS Galactic SIN -> ICRS TAN', file: 'real/astroquery_magpis_image.fits', hdu: 0, proj: 'TAN', rot: 0, scale: 1.5, size: 0.6, frame: 'icrs' },
];

// Writes each case's target header (as a small FITS file) and reproject's two results beside it.
const SCRIPT = String.raw`
import json, sys, warnings
import numpy as np
from astropy.io import fits
from astropy.wcs import WCS
from reproject import reproject_interp, reproject_exact
from astropy.coordinates import SkyCoord
from astropy.wcs.utils import wcs_to_celestial_frame
warnings.simplefilter('ignore')
cases, corpus, out = json.loads(sys.argv[1]), sys.argv[2], sys.argv[3]
for k, c in enumerate(cases):
    hdu = fits.open(corpus + '/' + c['file'])[c['hdu']]
    data = hdu.data.astype(np.float64)
    win = WCS(hdu.header).celestial
    ny, nx = data.shape[-2:]
    data = data.reshape(ny, nx)
    centre = win.pixel_to_world_values((nx - 1) / 2 + 1.3, (ny - 1) / 2 - 2.1)
    step = np.sqrt(abs(np.linalg.det(win.pixel_scale_matrix))) * c['scale']
    lon, lat = win.wcs.ctype[0][:4].rstrip('-'), win.wcs.ctype[1][:4].rstrip('-')
    if c.get('frame'):
        sky = SkyCoord(centre[0], centre[1], unit='deg', frame=wcs_to_celestial_frame(win))
        if c['frame'] == 'galactic':
            centre, lon, lat = (sky.galactic.l.deg, sky.galactic.b.deg), 'GLON', 'GLAT'
        else:
            centre, lon, lat = (sky.icrs.ra.deg, sky.icrs.dec.deg), 'RA', 'DEC'
    W, H = max(8, int(nx * c['size'] / c['scale'])), max(8, int(ny * c['size'] / c['scale']))
    h = fits.Header()
    h['NAXIS'] = 2; h['NAXIS1'] = W; h['NAXIS2'] = H
    h['CTYPE1'] = (lon + '-' * 8)[:5] + c['proj']; h['CTYPE2'] = (lat + '-' * 8)[:5] + c['proj']
    h['CRPIX1'] = (W + 1) / 2; h['CRPIX2'] = (H + 1) / 2
    h['CRVAL1'] = float(centre[0]); h['CRVAL2'] = float(centre[1])
    r = np.radians(c['rot'])
    h['CD1_1'] = -step * np.cos(r); h['CD1_2'] = step * np.sin(r); h['CD2_1'] = step * np.sin(r); h['CD2_2'] = step * np.cos(r)
    if c['proj'] == 'CAR':
        # A CAR grid's reference point on the equator keeps it a plain plate carree.
        h['CRVAL2'] = 0.0; h['CRPIX2'] = (H + 1) / 2 - float(centre[1]) / step
    if c.get('frame') == 'icrs':
        h['RADESYS'] = 'ICRS'
    elif not c.get('frame'):
        for key in ('RADESYS', 'EQUINOX'):
            if key in win.to_header(): h[key] = win.to_header()[key]
    wout = WCS(h)
    interp, _ = reproject_interp((data, win), wout, shape_out=(H, W))
    exact, foot = reproject_exact((data, win), wout, shape_out=(H, W), parallel=False)
    fits.HDUList([fits.PrimaryHDU(np.zeros((H, W), np.float32), header=h)]).writeto(out + f'/target{k}.fits', overwrite=True)
    fits.HDUList([fits.PrimaryHDU(interp), fits.ImageHDU(exact), fits.ImageHDU(foot)]).writeto(out + f'/ref{k}.fits', overwrite=True)
`;

function grid(file: string, hdu: number): SkyGrid & { data: Float32Array } {
  const list = HduList.open(file);
  try {
    const h = list.hdu(hdu);
    if (h.kind !== 'image') throw new Error(`${file}: HDU ${hdu} is not an image`);
    return { width: h.shape[0]!, height: h.shape[1]!, wcs: celestialWcs(h.header), data: h.readPlane(0) };
  } finally {
    list.close();
  }
}

function stats(got: Float32Array, want: Float32Array, peak: number) {
  const diffs: number[] = [];
  let nanMismatch = 0;
  for (let i = 0; i < want.length; i++) {
    const a = got[i]!, b = want[i]!;
    if (Number.isNaN(a) !== Number.isNaN(b)) { nanMismatch++; continue; }
    if (!Number.isNaN(b)) diffs.push(Math.abs(a - b) / peak);
  }
  diffs.sort((a, b) => a - b);
  return { compared: diffs.length, nanMismatch, max: diffs[diffs.length - 1] ?? 0, median: diffs[diffs.length >> 1] ?? 0 };
}

describe.skipIf(!haveTools)('reproject against astropy reproject 0.10', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'astromorph-reproject-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const run = haveTools ? spawnSync(PYTHON, ['-c', SCRIPT, JSON.stringify(CASES), corpusDir, dir], { encoding: 'utf8' }) : null;
  const figures: string[] = [];
  afterAll(() => console.log(`reprojection vs reproject (|difference| / peak of the source):\n${figures.join('\n')}`));

  it('ran the reference', () => {
    expect(run?.stderr ?? '').toBe('');
    expect(run?.status).toBe(0);
  });

  CASES.forEach((c, k) => {
    it(`${c.name}: interp and exact match reproject`, () => {
      const src = grid(path.join(corpusDir, c.file), c.hdu);
      const target = grid(path.join(dir, `target${k}.fits`), 0);
      const ref = HduList.open(path.join(dir, `ref${k}.fits`));
      try {
        const image: SkyImage = src;
        let peak = 0;
        for (const v of src.data) if (Number.isFinite(v)) peak = Math.max(peak, Math.abs(v));
        const interp = reproject(image, target, 'interp');
        const exact = reproject(image, target, 'exact');
        const si = stats(interp.data, ref.hdu(0).kind === 'image' ? (ref.hdu(0) as never as { readPlane(p: number): Float32Array }).readPlane(0) : new Float32Array(), peak);
        const want = (i: number) => (ref.hdu(i) as never as { readPlane(p: number): Float32Array }).readPlane(0);
        const se = stats(exact.data, want(1), peak);
        const sf = stats(exact.footprint, want(2), 1);
        figures.push(`  ${c.name} (${target.width}x${target.height}): interp max ${si.max.toExponential(2)} median ${si.median.toExponential(2)} `
          + `NaN-mismatch ${si.nanMismatch}/${si.compared}; exact max ${se.max.toExponential(2)} median ${se.median.toExponential(2)} `
          + `NaN-mismatch ${se.nanMismatch}/${se.compared}; footprint max ${sf.max.toExponential(2)}`);
        expect(si.compared).toBeGreaterThan(target.width * target.height * 0.3);
        // Bilinear sampling on the same positions: float32 rounding of positions and values only.
        expect(si.max).toBeLessThan(1e-4);
        expect(si.nanMismatch).toBeLessThanOrEqual(Math.ceil(0.002 * target.width * target.height));
        // Overlap areas in the source's pixel plane vs. reproject's spherical polygons; edge pixels where the
        // two disagree on coverage by a sliver are counted, not compared.
        expect(se.median).toBeLessThan(1e-4);
        expect(se.max).toBeLessThan(2e-3);
        expect(se.nanMismatch).toBeLessThanOrEqual(Math.ceil(0.01 * target.width * target.height));
        expect(sf.median).toBeLessThan(1e-3);
      } finally {
        ref.close();
      }
    });
  });
});

describe('celestial WCS', () => {
  it('converts equatorial J2000 and Galactic into each other, and names the frames it does not convert', () => {
    const w = (cards: Record<string, string | number>) => celestialWcs({ get: (k: string) => ({
      NAXIS: 2, CRPIX1: 1, CRPIX2: 1, CDELT1: -0.001, CDELT2: 0.001, CRVAL1: 0, CRVAL2: 0, ...cards,
    } as Record<string, string | number>)[k] });
    const icrs = w({ CTYPE1: 'RA---TAN', CTYPE2: 'DEC--TAN', RADESYS: 'ICRS' });
    const gal = w({ CTYPE1: 'GLON-TAN', CTYPE2: 'GLAT-TAN' });
    const fk4 = w({ CTYPE1: 'RA---TAN', CTYPE2: 'DEC--TAN', RADESYS: 'FK4', EQUINOX: 1950 });
    // The Galactic centre and north pole (ICRS, astropy 5.2).
    const toGal = frameConversion(icrs, gal)!;
    const [l, b] = toGal(266.40498829, -28.93617776);
    expect(Math.min(l, 360 - l)).toBeLessThan(2e-6);
    expect(Math.abs(b)).toBeLessThan(2e-6);
    expect(toGal(192.85948121, 27.12825242)[1]).toBeCloseTo(90, 5);
    const back = frameConversion(gal, icrs)!(...toGal(83.633, 22.0145));
    expect(back[0]).toBeCloseTo(83.633, 9);
    expect(back[1]).toBeCloseTo(22.0145, 9);
    expect(frameConversion(icrs, icrs)).toBeNull();
    expect(() => frameConversion(fk4, gal)).toThrow(/RA\/DEC \(FK4 1950\) to GLON\/GLAT .* not supported/);
  });

  it('refuses distortions and unsupported projections, naming them', () => {
    const header = (cards: Record<string, string | number>) => ({ get: (k: string) => cards[k] });
    const base = { NAXIS: 2, CRPIX1: 1, CRPIX2: 1, CDELT1: -0.001, CDELT2: 0.001, CRVAL1: 10, CRVAL2: 20 };
    expect(() => celestialWcs(header({ ...base, CTYPE1: 'RA---TAN-SIP', CTYPE2: 'DEC--TAN-SIP' }))).toThrow(/distortion \(SIP\)/);
    expect(() => celestialWcs(header({ ...base, CTYPE1: 'RA---AZP', CTYPE2: 'DEC--AZP' }))).toThrow(CelestialWcsError);
    expect(() => celestialWcs(header({ ...base, CTYPE1: 'LAMBDA', CTYPE2: 'ANGLE' }))).toThrow(/not a longitude\/latitude pair/);
  });

  it("'exact' conserves the total flux of a per-area map onto finer, coarser and rotated grids", () => {
    const tan = (n: number, arcsec: number, rotDeg: number): SkyGrid => {
      const d = arcsec / 3600, r = (rotDeg * Math.PI) / 180;
      return { width: n, height: n, wcs: celestialWcs({ get: (k: string) => ({
        NAXIS: 2, CTYPE1: 'RA---TAN', CTYPE2: 'DEC--TAN', CRPIX1: (n + 1) / 2, CRPIX2: (n + 1) / 2, CRVAL1: 150, CRVAL2: 30,
        CD1_1: -d * Math.cos(r), CD1_2: d * Math.sin(r), CD2_1: d * Math.sin(r), CD2_2: d * Math.cos(r),
      } as Record<string, string | number>)[k] }) };
    };
    // A source well inside the field (zero at its edges), 8" pixels.
    const src = { ...tan(40, 8, 0), data: new Float32Array(40 * 40) };
    for (let j = 0; j < 40; j++) for (let i = 0; i < 40; i++) src.data[j * 40 + i] = Math.exp(-((i - 17.3) ** 2 + (j - 21.8) ** 2) / (2 * 3.5 ** 2));
    const total = (data: Float32Array, arcsec: number) => data.reduce((a, v) => a + (Number.isFinite(v) ? v : 0), 0) * arcsec * arcsec;
    const want = total(src.data, 8);
    for (const [n, arcsec, rot] of [[160, 2, 0], [10, 32, 0], [90, 3.7, 33]] as const) {
      const got = total(reproject(src, tan(n, arcsec, rot), 'exact').data, arcsec);
      expect(Math.abs(got / want - 1), `${n} px of ${arcsec}", rotated ${rot} deg`).toBeLessThan(1e-3);
    }
  });

  it('round-trips pixel -> sky -> pixel for every projection', () => {
    for (const proj of ['TAN', 'SIN', 'ARC', 'ZEA', 'CAR']) {
      const w = celestialWcs({ get: (k: string) => ({
        NAXIS: 2, CTYPE1: `RA---${proj}`, CTYPE2: `DEC--${proj}`, CRPIX1: 50, CRPIX2: 40, CRVAL1: 266.4, CRVAL2: proj === 'CAR' ? 0 : -28.9,
        CD1_1: -0.01, CD1_2: 0.002, CD2_1: 0.003, CD2_2: 0.01,
      } as Record<string, string | number>)[k] });
      for (const [x, y] of [[0, 0], [49, 39], [99.5, 10.25]] as [number, number][]) {
        const [lon, lat] = w.pixelToWorld(x, y);
        const [px, py] = w.worldToPixel(lon, lat);
        expect(Math.abs(px - x) + Math.abs(py - y)).toBeLessThan(1e-8);
      }
    }
  });
});
