// The viewer's overlay arithmetic: sky noise, contour levels and lines, the WCS grid, and the sky
// directions the compass, beam and scale bar are drawn from.
import { describe, expect, it } from 'vitest';
import { contourLevels, gridSpacing, isolines, skyNoise, wcsGrid } from '../../src-renderer/lib/overlays.ts';
import { beamPolygon, localSky, pixelToSky, scaleBar } from '../../src-renderer/lib/sky.ts';
import type { CelestialWcs } from '../../src-main/api/contract/index.ts';

// The sample cube's header: 48 x 48, SIN, 0.02895"/px, RA increasing to the left (east).
const cdelt = 0.000008041752966539057;
const sample: CelestialWcs = {
  ctype: ['RA---SIN', 'DEC--SIN'], cunit: ['deg', 'deg'], crval: [240, -25], crpix: [24.5, 24.5], matrix: [-cdelt, 0, 0, cdelt],
};

/** Deterministic Gaussian noise (Box-Muller on a linear congruential generator). */
function noise(n: number, sigma: number, seed = 7): Float32Array {
  let s = seed;
  const u = () => ((s = (s * 1664525 + 1013904223) >>> 0) + 0.5) / 2 ** 32;
  return Float32Array.from({ length: n }, () => sigma * Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u()));
}

describe('sky noise and contour levels', () => {
  it('finds the noise of a sky with a bright source in it', () => {
    const w = 100;
    const img = noise(w * w, 2);
    for (let y = 40; y < 60; y++) for (let x = 40; x < 60; x++) img[y * w + x] += 500; // 4 % of the image
    img[5] = Number.NaN;
    const { median, sigma } = skyNoise(img);
    expect(Math.abs(median)).toBeLessThan(0.2);
    expect(sigma).toBeGreaterThan(1.8);
    expect(sigma).toBeLessThan(2.2);
  });

  it('turns typed levels into values, as multiples of σ above the sky or as given', () => {
    expect(contourLevels('3 5, 10', 'sigma', { median: 1, sigma: 2 })).toEqual([7, 11, 21]);
    expect(contourLevels('0.5 1e-3', 'value', { median: 1, sigma: 2 })).toEqual([0.5, 0.001]);
    expect(contourLevels('3 five', 'sigma', { median: 0, sigma: 1 })).toBe('the contour level "five" is not a number');
    expect(contourLevels('  ', 'value', { median: 0, sigma: 1 })).toBe('type at least one contour level');
    expect(contourLevels('3', 'sigma', { median: 0, sigma: 0 })).toMatch(/sky noise .* zero/);
  });
});

describe('contour lines', () => {
  it('circles a Gaussian at the radius where it crosses the level, in plane units with y up', () => {
    const w = 41, h = 31;
    const img = new Float32Array(w * h);
    // Centre at pixel (25, 10): plane units put pixel i's centre at i + 0.5.
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) img[y * w + x] = 100 * Math.exp(-((x - 25) ** 2 + (y - 10) ** 2) / (2 * 4 ** 2));
    const [{ lines }] = isolines(img, w, h, [50]);
    expect(lines).toHaveLength(1);
    const r50 = 4 * Math.sqrt(2 * Math.log(2));
    for (const [x, y] of lines[0]) expect(Math.hypot(x - 25.5, y - 10.5)).toBeCloseTo(r50, 0);
  });

  it('block-averages a plane larger than the screen needs, and draws in the plane\'s units', () => {
    const w = 400, h = 300;
    const img = new Float32Array(w * h);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) img[y * w + x] = 100 * Math.exp(-((x - 250) ** 2 + (y - 100) ** 2) / (2 * 40 ** 2));
    const [{ lines }] = isolines(img, w, h, [50], 100);
    const r50 = 40 * Math.sqrt(2 * Math.log(2));
    const radii = lines.flat().map(([x, y]) => Math.hypot(x - 250.5, y - 100.5));
    for (const r of radii) expect(Math.abs(r - r50)).toBeLessThan(3);
  });

  it('leaves contours open at the image border instead of tracing the edge', () => {
    const w = 20, h = 10;
    const ramp = Float32Array.from({ length: w * h }, (_, i) => i % w);
    const [{ lines }] = isolines(ramp, w, h, [7.5]);
    expect(lines).toHaveLength(1);
    // A straight line across at x = 8 (between the centres 7.5 and 8.5), no point along the border.
    for (const [x] of lines[0]) expect(x).toBeCloseTo(8, 6);
  });
});

describe('WCS grid', () => {
  it('picks round spacings', () => {
    expect(gridSpacing(1.39 / 3600, 4, false) * 3600).toBeCloseTo(0.5, 9);
    expect(gridSpacing(10 / 60, 4, false) * 60).toBeCloseTo(5, 9);
    expect(gridSpacing(0.1 * 15 / 3600, 4, true) * 3600 / 15).toBeCloseTo(0.05, 9);
  });

  it('draws lines of constant declination and RA that stay on their value', () => {
    const grid = wcsGrid(sample, 48, 48, true);
    const lat = grid.filter((g) => g.axis === 'lat');
    const lon = grid.filter((g) => g.axis === 'lon');
    expect(lat.length).toBeGreaterThanOrEqual(2);
    expect(lon.length).toBeGreaterThanOrEqual(2);
    for (const g of lat) {
      expect(g.label).toMatch(/^-2[45]:[05]\d:[05]\d\.\d\d$/);
      for (const line of g.lines) for (const [x, y] of line) expect(pixelToSky(sample, x, y)[1]).toBeCloseTo(g.value, 6);
    }
    for (const g of lon) {
      expect(g.label).toMatch(/^1[56]:[05]\d:[05]\d\.\d{3}$/);
      for (const line of g.lines) for (const [x, y] of line) expect(pixelToSky(sample, x, y)[0]).toBeCloseTo(g.value, 6);
    }
  });
});

describe('sky directions, beam and scale bar', () => {
  it('puts north up and east left for a standard header', () => {
    const sky = localSky(sample, 23.5, 23.5)!;
    expect(sky.scale * 3600).toBeCloseTo(cdelt * 3600, 6);
    // One degree north is +1/cdelt pixels in y; one degree east is -1/cdelt pixels in x (RA grows to the left).
    expect(sky.north[0]).toBeCloseTo(0, 0);
    expect(sky.north[1] * cdelt).toBeCloseTo(1, 4);
    expect(sky.east[0] * cdelt).toBeCloseTo(-1, 4);
    expect(sky.east[1]).toBeCloseTo(0, 0);
  });

  it('follows a rotated header: north turns with the CD matrix', () => {
    const a = (30 * Math.PI) / 180;
    const rotated: CelestialWcs = { ...sample, matrix: [-cdelt * Math.cos(a), cdelt * Math.sin(a), cdelt * Math.sin(a), cdelt * Math.cos(a)] };
    const sky = localSky(rotated, 23.5, 23.5)!;
    const angle = (Math.atan2(sky.north[0], sky.north[1]) * 180) / Math.PI;
    expect(Math.abs(angle)).toBeCloseTo(30, 1);
  });

  it('draws the beam with its major axis at BPA east of north, BMAJ long', () => {
    const sky = localSky(sample, 23.5, 23.5)!;
    const bmaj = 10 * cdelt, bmin = 4 * cdelt;
    const pts = beamPolygon(sky, bmaj, bmin, 90, 72);
    // BPA 90: the major axis points east, i.e. along x in pixels, 10 pixels end to end.
    const xs = pts.map((p) => p[0]), ys = pts.map((p) => p[1]);
    expect(Math.max(...xs) - Math.min(...xs)).toBeCloseTo(10, 1);
    expect(Math.max(...ys) - Math.min(...ys)).toBeCloseTo(4, 1);
    const north = beamPolygon(sky, bmaj, bmin, 0, 72);
    expect(Math.max(...north.map((p) => p[1])) * 2).toBeCloseTo(10, 1);
  });

  it('chooses a round scale bar length', () => {
    // 0.0289"/px, aiming at 20 px (0.58"): 0.5" is 17.3 px.
    const bar = scaleBar(cdelt, 20);
    expect(bar.label).toBe('0.5″');
    expect(bar.pixels).toBeCloseTo(0.5 / 3600 / cdelt, 6);
    expect(scaleBar(1 / 3600, 100).label).toBe('1′');
    expect(scaleBar(1 / 3600, 30).label).toBe('30″');
    expect(scaleBar(0.01, 300).label).toBe('2°');
  });
});
