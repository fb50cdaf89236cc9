// The viewer's readout as DS9 shows it (FITS image coordinates, the frame, sexagesimal and degrees)
// and its display controls (typed limits, contrast and bias, invert).
import { describe, expect, it } from 'vitest';
import { colormapLut } from '../../src-main/api/contract/display.ts';
import { adjustedLut, dragAdjust, NO_ADJUST, parseLimits, pixelAt, canvasPoint } from '../../src-renderer/lib/image-display.ts';
import { fitsPixel, skyFrame, worldReadout } from '../../src-renderer/lib/sky.ts';
import type { CelestialWcs } from '../../src-main/api/contract/index.ts';

const wcs: CelestialWcs = {
  ctype: ['RA---SIN', 'DEC--SIN'], cunit: ['deg', 'deg'], crval: [240, -25], crpix: [32.5, 32.5], matrix: [-2e-6, 0, 0, 2e-6],
};
const cards = (c: Record<string, unknown>) => (k: string) => c[k];

describe('pixel and world readout', () => {
  it('reports FITS image coordinates: 1-based, the reference pixel CRPIX where the header says', () => {
    // A 64 x 64 image at 4 canvas px per pixel: the canvas point over 0-based 31.5 is CRPIX 32.5.
    const place = { x: 0, y: 0, scale: 4 };
    const [cx, cy] = canvasPoint(31.5, 31.5, place, 64, 1);
    const hit = pixelAt(cx, cy, place, 64, 64, 1);
    expect(fitsPixel(hit.x, hit.y)).toEqual([32.5, 32.5]);
    const r = worldReadout(wcs, skyFrame(wcs, cards({ RADESYS: 'ICRS' })), hit.x, hit.y);
    expect(r).toEqual({ frame: 'ICRS', lon: '16:00:00.000', lat: '-25:00:00.00', lonDeg: '240.000000°', latDeg: '-25.000000°' });
    // The centre of the first pixel is (1, 1).
    const first = pixelAt(...canvasPoint(0, 0, place, 64, 1), place, 64, 64, 1);
    expect(fitsPixel(first.x, first.y)).toEqual([1, 1]);
  });

  it('names the frame from RADESYS and EQUINOX as the FITS standard defaults them', () => {
    expect(skyFrame(wcs, cards({})).name).toBe('ICRS');
    expect(skyFrame(wcs, cards({ EQUINOX: 2000 })).name).toBe('FK5 J2000');
    expect(skyFrame(wcs, cards({ EQUINOX: 1950 })).name).toBe('FK4 B1950');
    expect(skyFrame(wcs, cards({ RADESYS: 'FK5', EQUINOX: 2000 })).name).toBe('FK5 J2000');
    const gal = skyFrame({ ...wcs, ctype: ['GLON-CAR', 'GLAT-CAR'] }, cards({}));
    expect(gal).toMatchObject({ name: 'Galactic', equatorial: false });
    expect(worldReadout({ ...wcs, ctype: ['GLON-CAR', 'GLAT-CAR'], crval: [120, 5] }, gal, 31.5, 31.5)).toMatchObject({ lon: '120.000000°', lat: '+5.000000°' });
  });
});

describe('display controls', () => {
  it('accepts typed limits only as two numbers, low below high', () => {
    expect(parseLimits('-0.5', '2e-3')).toEqual({ min: -0.5, max: 0.002 });
    expect(parseLimits('a', '1')).toBe('the low limit "a" is not a number');
    expect(parseLimits('1', '')).toBe('the high limit "" is not a number');
    expect(parseLimits('3', '1')).toMatch(/must be above/);
  });

  it('inverts, shifts (bias) and steepens (contrast) the colour table as DS9 does', () => {
    const gray = colormapLut('gray');
    expect(adjustedLut('gray', NO_ADJUST)).toBe(gray);
    const inverted = adjustedLut('gray', { ...NO_ADJUST, invert: true });
    expect([inverted[0], inverted[255 * 3]]).toEqual([255, 0]);
    // Contrast 2 about bias 0.5: a quarter of the way up is already black, three quarters white.
    const steep = adjustedLut('gray', { contrast: 2, bias: 0.5, invert: false });
    expect(steep[60 * 3]).toBe(0);
    expect(steep[195 * 3]).toBe(255);
    // 0.4 of the way up shows the colour at (0.4 - 0.5) x 2 + 0.5 = 0.3.
    expect(Math.abs(steep[102 * 3] - 0.3 * 255)).toBeLessThanOrEqual(1);
    // Bias 0.25 moves the middle grey down to a quarter of the range.
    const biased = adjustedLut('gray', { contrast: 1, bias: 0.25, invert: false });
    expect(Math.abs(biased[64 * 3] - 128)).toBeLessThanOrEqual(1);
  });

  it('turns a right-drag into bias (across) and contrast (up steepens)', () => {
    const right = dragAdjust(NO_ADJUST, 0.2, 0);
    expect(right.bias).toBeCloseTo(0.7, 9);
    expect(right.contrast).toBe(1);
    expect(dragAdjust(NO_ADJUST, 0, -0.2).contrast).toBeGreaterThan(1.5);
    expect(dragAdjust(NO_ADJUST, 0, 0.2).contrast).toBeLessThan(0.6);
    expect(dragAdjust(NO_ADJUST, 5, -5)).toMatchObject({ bias: 1.5, contrast: 20 });
  });
});
