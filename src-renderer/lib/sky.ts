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

/** The celestial frame as DS9 names it, from CTYPE, RADESYS and EQUINOX (FITS WCS paper II defaults). */
export interface SkyFrame {
  /** 'ICRS', 'FK5 J2000', 'FK4 B1950', 'Galactic', 'Ecliptic', or the CTYPE pair. */
  name: string;
  /** Whether the custom is sexagesimal hours/degrees (equatorial frames). */
  equatorial: boolean;
  lonName: string;
  latName: string;
}

export function skyFrame(wcs: CelestialWcs, card: (keyword: string) => unknown): SkyFrame {
  const lonType = wcs.ctype[0].toUpperCase();
  if (lonType.startsWith('GLON')) return { name: 'Galactic', equatorial: false, lonName: 'l', latName: 'b' };
  if (lonType.startsWith('ELON')) return { name: 'Ecliptic', equatorial: false, lonName: 'λ', latName: 'β' };
  if (!lonType.startsWith('RA')) return { name: `${wcs.ctype[0].slice(0, 4)}/${wcs.ctype[1].slice(0, 4)}`.replace(/-/g, ''), equatorial: false, lonName: 'lon', latName: 'lat' };
  const radesys = card('RADESYS') ?? card('RADECSYS');
  const eqCard = card('EQUINOX') ?? card('EPOCH');
  const equinox = typeof eqCard === 'number' ? eqCard : typeof eqCard === 'string' && Number.isFinite(Number(eqCard)) ? Number(eqCard) : null;
  let system = typeof radesys === 'string' ? radesys.trim().toUpperCase() : '';
  if (!system) system = equinox === null ? 'ICRS' : equinox < 1984 ? 'FK4' : 'FK5';
  let name = system;
  if (system === 'FK5') name = `FK5 J${equinox ?? 2000}`;
  else if (system === 'FK4' || system === 'FK4-NO-E') name = `${system} B${equinox ?? 1950}`;
  return { name, equatorial: true, lonName: 'α', latName: 'δ' };
}

/** One pixel position's world coordinates the way DS9's panel shows them: sexagesimal and degrees. */
export interface WorldReadout {
  frame: string;
  /** 'hh:mm:ss.sss' and '+dd:mm:ss.ss' for equatorial frames; degrees otherwise. */
  lon: string;
  lat: string;
  /** Decimal degrees, always. */
  lonDeg: string;
  latDeg: string;
}

export function worldReadout(wcs: CelestialWcs, frame: SkyFrame, x: number, y: number): WorldReadout {
  const [lon, lat] = pixelToSky(wcs, x, y);
  const deg = (v: number, sign: boolean) => `${sign && v >= 0 ? '+' : ''}${v.toFixed(6)}°`;
  return {
    frame: frame.name,
    lon: frame.equatorial ? formatRa(lon) : deg(lon, false),
    lat: frame.equatorial ? formatDec(lat) : deg(lat, true),
    lonDeg: deg(lon, false),
    latDeg: deg(lat, true),
  };
}

/** FITS image coordinates (1-based, pixel centres at integers) from the viewer's 0-based position. */
export function fitsPixel(x0: number, y0: number): [number, number] {
  return [x0 + 1, y0 + 1];
}

/**
 * The local sky directions at a 0-based pixel: pixels per degree towards east and north (from the
 * numerical Jacobian of pixelToSky), and the pixel scale in degrees. Overlays (compass, beam, scale bar)
 * are drawn from these.
 */
export interface LocalSky {
  /** Pixel offset (dx, dy; y up as in FITS) of one degree east / north on the sky. */
  east: [number, number];
  north: [number, number];
  /** Degrees per pixel (geometric mean of the two axes). */
  scale: number;
}

export function localSky(wcs: CelestialWcs, x: number, y: number): LocalSky | null {
  const h = 0.5;
  const [l0, b0] = pixelToSky(wcs, x, y);
  const [lx, bx] = pixelToSky(wcs, x + h, y);
  const [ly, by] = pixelToSky(wcs, x, y + h);
  const wrap = (d: number) => ((d + 540) % 360) - 180;
  const c = Math.cos(b0 * D2R);
  // J maps pixel offsets to (east, north) degrees on the tangent plane.
  const j00 = (wrap(lx - l0) * c) / h, j01 = (wrap(ly - l0) * c) / h;
  const j10 = (bx - b0) / h, j11 = (by - b0) / h;
  const det = j00 * j11 - j01 * j10;
  if (!Number.isFinite(det) || det === 0) return null;
  // Inverse: sky (east, north) degrees to pixel offsets.
  const i00 = j11 / det, i01 = -j01 / det, i10 = -j10 / det, i11 = j00 / det;
  return { east: [i00, i10], north: [i01, i11], scale: Math.sqrt(Math.abs(det)) };
}

/** A scale bar: a round angle (1″, 2″, 5″, 10″, 30″, 1′, …) about `targetPixels` long. */
export function scaleBar(degPerPixel: number, targetPixels: number): { pixels: number; label: string } {
  const arcsec = degPerPixel * 3600 * targetPixels;
  const steps = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 18000, 36000];
  let best = steps[0];
  for (const s of steps) if (s <= arcsec) best = s;
  const pixels = best / 3600 / degPerPixel;
  const label = best >= 3600 ? `${best / 3600}°` : best >= 60 ? `${best / 60}′` : best >= 0.1 ? `${best}″` : `${Math.round(best * 1000)} mas`;
  return { pixels, label };
}

/**
 * The beam ellipse (BMAJ, BMIN in degrees, BPA east of north) as a closed polygon in pixel offsets
 * (y up) about its centre.
 */
export function beamPolygon(sky: LocalSky, bmaj: number, bmin: number, bpa: number, points = 48): [number, number][] {
  const p = bpa * D2R;
  // Unit vectors on the sky (east, north) of the major and minor axes.
  const major: [number, number] = [Math.sin(p), Math.cos(p)];
  const minor: [number, number] = [Math.cos(p), -Math.sin(p)];
  const out: [number, number][] = [];
  for (let k = 0; k < points; k++) {
    const t = (2 * Math.PI * k) / points;
    const e = (bmaj / 2) * Math.cos(t) * major[0] + (bmin / 2) * Math.sin(t) * minor[0];
    const n = (bmaj / 2) * Math.cos(t) * major[1] + (bmin / 2) * Math.sin(t) * minor[1];
    out.push([e * sky.east[0] + n * sky.north[0], e * sky.east[1] + n * sky.north[1]]);
  }
  return out;
}
