// Pixel to sky for the viewer's cursor readout: the header's linear part (CRPIX, CD or CDELT x PC, from
// the API) then the zenithal projections images come in (TAN, SIN; WCS paper II), with LONPOLE 180.
// Other projections fall back to the linear offsets, which is what they are near the reference pixel.
import type { CelestialWcs } from '../../src-main/api/contract/index.ts';

const D2R = Math.PI / 180;

/** (lon, lat) in degrees for a 0-based pixel position (x along NAXIS1, y along NAXIS2). */
export function pixelToSky(wcs: CelestialWcs, x: number, y: number): [number, number] {
  const dx = x + 1 - wcs.crpix[0];
  const dy = y + 1 - wcs.crpix[1];
  const [m00, m01, m10, m11] = wcs.matrix;
  const u = m00 * dx + m01 * dy; // intermediate world coordinates, degrees
  const v = m10 * dx + m11 * dy;
  const projection = wcs.ctype[0].slice(5, 8).toUpperCase();
  if (projection !== 'TAN' && projection !== 'SIN') return [wcs.crval[0] + u, wcs.crval[1] + v];
  const r = Math.hypot(u, v);
  const phi = Math.atan2(u, -v);
  const theta = projection === 'TAN'
    ? Math.atan2(180 / Math.PI, r)
    : Math.acos(Math.min(1, (r * D2R)));
  const a0 = wcs.crval[0] * D2R;
  const d0 = wcs.crval[1] * D2R;
  // Native to celestial with phi_p = 180 deg: cos(phi - phi_p) = -cos(phi), sin(phi - phi_p) = -sin(phi).
  const sinT = Math.sin(theta), cosT = Math.cos(theta);
  const lat = Math.asin(sinT * Math.sin(d0) - cosT * Math.cos(d0) * Math.cos(phi));
  const lon = a0 + Math.atan2(cosT * Math.sin(phi), sinT * Math.cos(d0) + cosT * Math.sin(d0) * Math.cos(phi));
  return [((lon / D2R) % 360 + 360) % 360, lat / D2R];
}

function sexagesimal(value: number, decimals: number): string {
  const sign = value < 0 ? '-' : '';
  // Round once, in units of the last digit, so 59.9999 s never prints as 60.00.
  const unit = 10 ** decimals;
  const total = Math.round(Math.abs(value) * 3600 * unit);
  const seconds = (total % (60 * unit)) / unit;
  const minutes = Math.floor(total / (60 * unit)) % 60;
  const whole = Math.floor(total / (3600 * unit));
  return `${sign}${String(whole).padStart(2, '0')}:${String(minutes).padStart(2, '0')}:${seconds.toFixed(decimals).padStart(decimals + 3, '0')}`;
}

/** Right ascension as hh:mm:ss.sss. */
export function formatRa(degrees: number): string {
  return sexagesimal(degrees / 15, 3);
}

/** Declination as +dd:mm:ss.ss. */
export function formatDec(degrees: number): string {
  const s = sexagesimal(degrees, 2);
  return degrees >= 0 ? `+${s}` : s;
}

/** True when the axis pair is equatorial (RA/DEC), so sexagesimal is the custom. */
export function isEquatorial(wcs: CelestialWcs): boolean {
  return wcs.ctype[0].toUpperCase().startsWith('RA');
}
