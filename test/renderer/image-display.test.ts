// The viewer's scaling: display limits by mode, rendering through display.ts, cursor-to-pixel mapping
// and sky coordinates (checked against astropy's WCS values).
import { describe, expect, it } from 'vitest';
import { displayLimits, fitPlacement, pixelAt, renderPlane } from '../../src-renderer/lib/image-display.ts';
import { formatDec, formatRa, pixelToSky } from '../../src-renderer/lib/sky.ts';

// Node has no ImageData; the renderer's only use of it is as a container.
(globalThis as Record<string, unknown>).ImageData ??= class { data: Uint8ClampedArray; width: number; height: number; constructor(d: Uint8ClampedArray, w: number, h: number) { this.data = d; this.width = w; this.height = h; } };

describe('display limits', () => {
  const ramp = Float32Array.from({ length: 1001 }, (_, i) => i);
  it('min max ignores NaN', () => {
    const withNan = Float32Array.from([NaN, 3, -2, NaN, 7]);
    expect(displayLimits(withNan, 'minmax')).toEqual({ min: -2, max: 7 });
  });
  it('percentile modes clip symmetric tails (numpy linear interpolation)', () => {
    expect(displayLimits(ramp, '99')).toEqual({ min: 5, max: 995 });
    expect(displayLimits(ramp, '90')).toEqual({ min: 50, max: 950 });
  });
  it('zscale gives limits inside the data range', () => {
    const l = displayLimits(ramp, 'zscale');
    expect(l.min).toBeGreaterThanOrEqual(0);
    expect(l.max).toBeLessThanOrEqual(1000);
    expect(l.max).toBeGreaterThan(l.min);
  });
});

describe('rendering a plane', () => {
  it('draws FITS row 0 at the bottom and clips to the limits', () => {
    // 2 x 2: bottom row [0, 1], top row [2, 3].
    const img = renderPlane(Float32Array.from([0, 1, 2, 3]), 2, { limits: { min: 0, max: 3 }, stretch: 'linear', colormap: 'gray' });
    const gray = Array.from({ length: 4 }, (_, i) => img.data[i * 4]);
    expect(gray).toEqual([170, 255, 0, 85]);
  });
  it('marks NaN with an opaque colour distinct from the ramp ends', () => {
    const img = renderPlane(Float32Array.from([NaN]), 1, { limits: { min: 0, max: 1 }, stretch: 'linear', colormap: 'gray' });
    expect(Array.from(img.data)).toEqual([40, 12, 12, 255]);
  });
});

describe('cursor to pixel', () => {
  it('maps canvas points to 0-based pixel centres with y up, through a downsampling step', () => {
    const place = fitPlacement(10, 10, 200, 100); // scale 10, x offset 50
    expect(place).toEqual({ x: 50, y: 0, scale: 10 });
    // Centre of the bottom-left returned pixel.
    const bl = pixelAt(55, 95, place, 10, 10, 1);
    expect([bl.x, bl.y, bl.index]).toEqual([0, 0, 0]);
    const tr = pixelAt(145, 5, place, 10, 10, 1);
    expect([tr.x, tr.y, tr.index]).toEqual([9, 9, 99]);
    expect(pixelAt(10, 50, place, 10, 10, 1).index).toBe(-1);
    // With step 4 a returned pixel covers full-resolution pixels 0..3: its centre is at 1.5.
    const s = pixelAt(55, 95, place, 10, 10, 4);
    expect([s.x, s.y]).toEqual([1.5, 1.5]);
  });
});

describe('sky coordinates', () => {
  const base = { cunit: ['deg', 'deg'] as [string, string], crval: [240, -25] as [number, number], crpix: [24.5, 24.5] as [number, number], matrix: [-1e-4, 0, 0, 1e-4] as [number, number, number, number] };
  it('matches astropy for TAN and SIN', () => {
    // astropy.wcs: WCS(ctype RA---TAN/DEC--TAN, crval (240, -25), crpix 24.5, cdelt (-1e-4, 1e-4)).wcs_pix2world(.., 0)
    const [ra, dec] = pixelToSky({ ...base, ctype: ['RA---TAN', 'DEC--TAN'] }, 33.5, 23.5);
    expect(ra).toBeCloseTo(239.99889662, 7);
    expect(dec).toBeCloseTo(-25, 7);
    const [ra2, dec2] = pixelToSky({ ...base, ctype: ['RA---SIN', 'DEC--SIN'] }, 1000.5, -300.5);
    expect(ra2).toBeCloseTo(239.8921715, 6);
    expect(dec2).toBeCloseTo(-25.03236115, 6);
  });
  it('formats sexagesimal without 60-second carries', () => {
    expect(formatRa(240)).toBe('16:00:00.000');
    expect(formatDec(-24.99999999)).toBe('-25:00:00.00');
    expect(formatDec(12.5)).toBe('+12:30:00.00');
  });
});

describe('display choices kept between sessions', () => {
  it('reads back what was kept, and leaves each bad or foreign field at its default', async () => {
    const { DISPLAY_DEFAULTS, restoreDisplay } = await import('../../src-renderer/lib/image-display.ts');
    expect(restoreDisplay(null)).toEqual(DISPLAY_DEFAULTS);
    expect(restoreDisplay('not json')).toEqual(DISPLAY_DEFAULTS);
    expect(restoreDisplay('[1,2]')).toEqual(DISPLAY_DEFAULTS);
    const kept = {
      limitMode: 'zscale', stretch: 'log', colormap: 'bb', adjust: { contrast: 2, bias: 0.3, invert: true }, lockChannels: false, rgb: false,
      overlays: { beam: true, compass: false, grid: true, scalebar: false, contours: true }, contourText: '3 6', contourMode: 'value',
    };
    expect(restoreDisplay(JSON.stringify(kept))).toEqual(kept);
    const bad = restoreDisplay(JSON.stringify({
      limitMode: 'user', stretch: 'cubic', colormap: '<script>', adjust: { contrast: 1e9, bias: 0.3, invert: true }, lockChannels: 'yes',
      overlays: { beam: 'on', grid: true, evil: true }, contourText: 'x'.repeat(5000), contourMode: 'log',
    }));
    expect(bad).toEqual({ ...DISPLAY_DEFAULTS, overlays: { ...DISPLAY_DEFAULTS.overlays, grid: true } });
  });
});
