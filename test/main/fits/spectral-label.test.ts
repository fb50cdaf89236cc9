import { describe, expect, it } from 'vitest';
import { formatFrequency, formatVelocity, formatWavelength, Header, linearWcs, spectralLabel } from '../../../src-main/fits/index.ts';
import { headerBytes } from './fits-bytes.ts';

type Cards = Array<[string, string | number | boolean]>;
const wcsOf = (cards: Cards) => linearWcs(Header.fromRecords(Buffer.from(headerBytes([
  ['SIMPLE', true], ['BITPIX', -32], ['NAXIS', 3], ['NAXIS1', 4], ['NAXIS2', 4], ['NAXIS3', 4],
  ['CTYPE1', 'RA---SIN'], ['CTYPE2', 'DEC--SIN'], ...cards,
])).toString('latin1')));

describe('spectral labels', () => {
  it('reads a frequency axis in GHz with the radio velocity from RESTFRQ', () => {
    // CO 2-1 at 230.538 GHz; one channel of -676712.95 Hz is +0.880 km/s in the radio convention.
    const wcs = wcsOf([['CTYPE3', 'FREQ'], ['CUNIT3', 'Hz'], ['CRVAL3', 230538000000], ['CRPIX3', 8.5], ['CDELT3', -676712.9545], ['RESTFRQ', 230538000000]]);
    expect(spectralLabel(wcs, 2, 230538000000)).toBe('230.538000 GHz · 0.00 km/s (radio)');
    const next = 230538000000 - 676712.9545;
    expect(spectralLabel(wcs, 2, next)).toBe('230.537323 GHz · 0.88 km/s (radio)');
    // Radio convention exactly: v = c (1 - f / f0).
    expect((299792458 * (1 - next / 230538000000)) / 1e3).toBeCloseTo(0.88, 2);
  });

  it('leaves the velocity out without a rest frequency, and uses MHz below 1 GHz', () => {
    const wcs = wcsOf([['CTYPE3', 'FREQ'], ['CUNIT3', 'MHz'], ['CRVAL3', 1420.405752], ['CRPIX3', 1], ['CDELT3', 0.01]]);
    expect(spectralLabel(wcs, 2, 1420.405752)).toBe('1.420406 GHz');
    expect(formatFrequency(150e6)).toBe('150.0000 MHz');
  });

  it('reads velocity axes in km/s with their convention, and the frequency when RESTFRQ is known', () => {
    const radio = wcsOf([['CTYPE3', 'VRAD'], ['CUNIT3', 'm/s'], ['CRVAL3', 5000], ['CRPIX3', 1], ['CDELT3', 500], ['RESTFRQ', 1.420405752e9]]);
    expect(spectralLabel(radio, 2, 5000)).toBe(`5.00 km/s (radio) · ${formatFrequency(1.420405752e9 * (1 - 5000 / 299792458))}`);
    const optical = wcsOf([['CTYPE3', 'VOPT'], ['CUNIT3', 'km/s'], ['CRVAL3', -12.5], ['CRPIX3', 1], ['CDELT3', 1]]);
    expect(spectralLabel(optical, 2, -12.5)).toBe('-12.50 km/s (optical)');
    expect(formatVelocity(-1)).toBe('0.00 km/s');
  });

  it('reads wavelengths in µm or nm, and returns null for axes it does not convert', () => {
    expect(formatWavelength(2.2e-6)).toBe('2.20000 µm');
    expect(formatWavelength(656.3e-9)).toBe('656.300 nm');
    const stokes = wcsOf([['CTYPE3', 'STOKES'], ['CRVAL3', 1], ['CRPIX3', 1], ['CDELT3', 1]]);
    expect(spectralLabel(stokes, 2, 1)).toBeNull();
    const oddUnit = wcsOf([['CTYPE3', 'FREQ'], ['CUNIT3', 'furlong'], ['CRVAL3', 1], ['CRPIX3', 1], ['CDELT3', 1]]);
    expect(spectralLabel(oddUnit, 2, 1)).toBeNull();
  });
});
