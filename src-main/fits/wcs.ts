// Linear world coordinates from the header (FITS WCS papers I and III): CRVAL + M (p - CRPIX), with M from CD, or
// PC times CDELT (or CROTA2). No sky projection: spatial axes get intermediate world coordinates, which is what a
// thumbnail label or a spectral axis needs. Spectral values convert between frequency, velocity and wavelength.

import { MAX_NAXIS } from './structure.ts';

export type AxisKind = 'spatial' | 'spectral' | 'stokes' | 'other';

/** Linear WCS is read for at most this many axes (CDi_j lookups grow as its square). */
const MAX_WCS_AXES = 99;

/** Anything with keyword lookup: a Header, or a plain record in tests. */
export interface HeaderLike {
  get(key: string): string | number | boolean | bigint | undefined;
}

export interface WcsAxis {
  ctype: string;
  cunit: string;
  crval: number;
  /** 1-based, as in the header. */
  crpix: number;
  cdelt: number;
  kind: AxisKind;
}

export type SpectralType = 'FREQ' | 'VRAD' | 'VOPT' | 'VELO' | 'WAVE';

const C = 299792458;
const SPATIAL = /^(RA|DEC|GLON|GLAT|ELON|ELAT|SLON|SLAT|HPLN|HPLT|HGLN|HGLT|CRLN|CRLT|HPRZ|SOLX|SOLY|[A-Z]LON|[A-Z]LAT|[A-Z][A-Z]LN|[A-Z][A-Z]LT)$/;
const SPECTRAL = new Set(['FREQ', 'ENER', 'WAVN', 'VRAD', 'WAVE', 'VOPT', 'ZOPT', 'AWAV', 'VELO', 'BETA', 'FELO', 'VELOCITY', 'VLSR', 'VHEL']);

/** The algorithm part of a CTYPE: 'RA---TAN' -> 'RA', 'VELO-LSR' -> 'VELO', 'FREQ' -> 'FREQ'. */
export function ctypeBase(ctype: string): string {
  const t = ctype.trim().toUpperCase();
  if (t === 'VELOCITY') return t;
  return t.split('-')[0];
}

export function axisKind(ctype: string): AxisKind {
  const base = ctypeBase(ctype);
  if (base === '') return 'other';
  if (base === 'STOKES') return 'stokes';
  if (SPECTRAL.has(base)) return 'spectral';
  if (SPATIAL.test(base)) return 'spatial';
  return 'other';
}

export function axisKinds(header: HeaderLike, naxis: number): AxisKind[] {
  return Array.from({ length: naxis }, (_, i) => {
    const ctype = header.get(`CTYPE${i + 1}`);
    return typeof ctype === 'string' ? axisKind(ctype) : 'other';
  });
}

export class LinearWcs {
  readonly axes: WcsAxis[];
  /** M[i][j]: world axis i per pixel along axis j (CD, or CDELT_i * PC_ij). */
  readonly matrix: number[][];
  /** Rest frequency in Hz (RESTFRQ, RESTFREQ, or from RESTWAV), if given. */
  readonly restFrequency: number | undefined;

  constructor(axes: WcsAxis[], matrix: number[][], restFrequency: number | undefined) {
    this.axes = axes;
    this.matrix = matrix;
    this.restFrequency = restFrequency;
  }

  get naxis(): number {
    return this.axes.length;
  }

  /** Index of the first spectral axis, or -1. */
  get spectralAxis(): number {
    return this.axes.findIndex((a) => a.kind === 'spectral');
  }

  /** World coordinates (header units) of a 0-based pixel position (astropy origin=0: pixel 0 is FITS pixel 1). */
  pixelToWorld(pixel: number[]): number[] {
    const n = this.axes.length;
    if (pixel.length !== n) throw new RangeError(`pixelToWorld wants ${n} coordinates, got ${pixel.length}`);
    const offsets = this.axes.map((a, j) => pixel[j] + 1 - a.crpix);
    return this.axes.map((a, i) => {
      let s = a.crval;
      for (let j = 0; j < n; j++) s += this.matrix[i][j] * offsets[j];
      return s;
    });
  }

  /** World value along one axis for a 0-based pixel index, other axes at their reference pixel. */
  axisValue(axis: number, pixel: number): number {
    const p = this.axes.map((a) => a.crpix - 1);
    p[axis] = pixel;
    return this.pixelToWorld(p)[axis];
  }

  /**
   * Converts a value of spectral axis `axis` (header units) to `to` in SI units (Hz, m/s, m). Needs the rest
   * frequency when converting between frequency-like and velocity types.
   */
  spectralValue(axis: number, value: number, to: SpectralType): number {
    const a = this.axes[axis];
    const from = spectralTypeOf(a.ctype);
    if (from === undefined) throw new RangeError(`axis ${axis + 1} (${a.ctype}) is not a spectral axis we convert`);
    const si = value * unitFactor(a.cunit, from);
    return convertSpectral(si, from, to, this.restFrequency);
  }
}

export function spectralTypeOf(ctype: string): SpectralType | undefined {
  const base = ctypeBase(ctype);
  if (base === 'FREQ') return 'FREQ';
  if (base === 'VRAD') return 'VRAD';
  if (base === 'VOPT' || base === 'FELO') return 'VOPT';
  if (base === 'VELO' || base === 'VELOCITY' || base === 'VLSR' || base === 'VHEL') return 'VELO';
  if (base === 'WAVE') return 'WAVE';
  return undefined;
}

/** Multiplier from the header unit to SI for this spectral type; default units per the WCS paper III. */
export function unitFactor(cunit: string, type: SpectralType): number {
  const u = cunit.trim();
  const table: Record<string, number> = {
    Hz: 1, kHz: 1e3, MHz: 1e6, GHz: 1e9, THz: 1e12,
    'm/s': 1, 'km/s': 1e3, 'km s-1': 1e3, 'm s-1': 1, 'cm/s': 1e-2,
    m: 1, cm: 1e-2, mm: 1e-3, um: 1e-6, nm: 1e-9, Angstrom: 1e-10, angstrom: 1e-10, A: 1e-10,
  };
  if (u === '') return 1;
  const f = table[u] ?? table[u.toLowerCase()] ?? (u.toUpperCase() === 'KM/S' ? 1e3 : u.toUpperCase() === 'M/S' ? 1 : u.toUpperCase() === 'HZ' ? 1 : undefined);
  if (f === undefined) throw new RangeError(`unknown unit ${JSON.stringify(cunit)} for a ${type} axis`);
  return f;
}

/** Spectral conversions through frequency: radio v = c(1 - f/f0), optical v = c(f0/f - 1), relativistic VELO. */
export function convertSpectral(value: number, from: SpectralType, to: SpectralType, restFrequency?: number): number {
  if (from === to) return value;
  let f: number;
  const need = (): number => {
    if (restFrequency === undefined || !(restFrequency > 0)) throw new RangeError(`converting ${from} to ${to} needs RESTFRQ`);
    return restFrequency;
  };
  switch (from) {
    case 'FREQ':
      f = value;
      break;
    case 'WAVE':
      f = C / value;
      break;
    case 'VRAD':
      f = need() * (1 - value / C);
      break;
    case 'VOPT':
      f = need() / (1 + value / C);
      break;
    case 'VELO':
      f = need() * Math.sqrt((C - value) / (C + value));
      break;
  }
  switch (to) {
    case 'FREQ':
      return f;
    case 'WAVE':
      return C / f;
    case 'VRAD':
      return C * (1 - f / need());
    case 'VOPT':
      return C * (need() / f - 1);
    case 'VELO': {
      const f0 = need();
      return (C * (f0 * f0 - f * f)) / (f0 * f0 + f * f);
    }
  }
}

export function linearWcs(header: HeaderLike): LinearWcs {
  const num = (key: string, fallback: number): number => {
    const v = header.get(key);
    return typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : fallback;
  };
  const str = (key: string): string => {
    const v = header.get(key);
    return typeof v === 'string' ? v.trim() : '';
  };
  // Axis counts come from the header: one beyond the standard's 999 is ignored, and the matrix loops (n x n
  // lookups) stop at MAX_WCS_AXES, far beyond any real WCS.
  const axisCount = (v: number) => Number.isInteger(v) && v >= 0 && v <= MAX_NAXIS;
  let n = num('WCSAXES', NaN);
  if (!axisCount(n)) n = num('ZNAXIS', NaN);
  if (!axisCount(n)) n = num('NAXIS', 0);
  if (!axisCount(n)) n = 0;
  n = Math.min(n, MAX_WCS_AXES);
  const axes: WcsAxis[] = [];
  for (let i = 1; i <= n; i++) {
    const ctype = str(`CTYPE${i}`);
    axes.push({ ctype, cunit: str(`CUNIT${i}`), crval: num(`CRVAL${i}`, 0), crpix: num(`CRPIX${i}`, 0), cdelt: num(`CDELT${i}`, 1), kind: axisKind(ctype) });
  }
  const has = (key: string) => header.get(key) !== undefined;
  let useCd = false;
  let usePc = false;
  for (let i = 1; i <= n && !useCd; i++) for (let j = 1; j <= n; j++) if (has(`CD${i}_${j}`)) useCd = true;
  for (let i = 1; i <= n && !usePc; i++) for (let j = 1; j <= n; j++) if (has(`PC${i}_${j}`)) usePc = true;
  const matrix: number[][] = [];
  for (let i = 1; i <= n; i++) {
    const row: number[] = [];
    for (let j = 1; j <= n; j++) {
      if (useCd) row.push(num(`CD${i}_${j}`, 0));
      else row.push(axes[i - 1].cdelt * num(`PC${i}_${j}`, i === j ? 1 : 0));
    }
    matrix.push(row);
  }
  // Old-style rotation (AIPS CROTA2) applies to the two celestial axes when neither PC nor CD is given.
  const crota = num('CROTA2', NaN);
  if (!useCd && !usePc && Number.isFinite(crota) && crota !== 0 && n >= 2) {
    const lat = axes.findIndex((a, k) => k > 0 && a.kind === 'spatial');
    const lon = lat > 0 ? axes.findIndex((a, k) => k < lat && a.kind === 'spatial') : -1;
    if (lon >= 0) {
      const r = (crota * Math.PI) / 180;
      const d1 = axes[lon].cdelt;
      const d2 = axes[lat].cdelt;
      matrix[lon][lon] = d1 * Math.cos(r);
      matrix[lon][lat] = -d2 * Math.sin(r);
      matrix[lat][lon] = d1 * Math.sin(r);
      matrix[lat][lat] = d2 * Math.cos(r);
    }
  }
  let rest: number | undefined = num('RESTFRQ', NaN);
  if (!Number.isFinite(rest)) rest = num('RESTFREQ', NaN);
  if (!Number.isFinite(rest)) {
    const wav = num('RESTWAV', NaN);
    rest = Number.isFinite(wav) && wav > 0 ? C / wav : undefined;
  }
  return new LinearWcs(axes, matrix, rest);
}
