// Celestial WCS of an image (Calabretta & Greisen 2002, FITS WCS paper II): pixel -> intermediate world
// coordinates (CD, or PC x CDELT, or CROTA2) -> native spherical coordinates through the projection ->
// celestial coordinates through the spherical rotation set by CRVAL, LONPOLE and LATPOLE. Zenithal TAN,
// SIN (no PV slant), ARC and ZEA, and cylindrical CAR. Distortions (SIP, TPV) and other projections are
// refused with the reason, never silently treated as linear: a reprojection must be right or not happen.
import { ctypeBase, linearWcs, type HeaderLike } from './wcs.ts';

export type Projection = 'TAN' | 'SIN' | 'ARC' | 'ZEA' | 'CAR';
const PROJECTIONS: readonly string[] = ['TAN', 'SIN', 'ARC', 'ZEA', 'CAR'];
/** Which sky frame the longitude/latitude pair is in: the pair's CTYPE prefixes. */
export type CelestialFrame = 'RA/DEC' | 'GLON/GLAT' | 'ELON/ELAT';

const D2R = Math.PI / 180;
const R2D = 180 / Math.PI;

export class CelestialWcsError extends Error {
  override readonly name = 'CelestialWcsError';
}

/** Two numbers per point, as plain arrays are slow in the reprojection's inner loops. */
export type Point = [number, number];

export interface CelestialFields {
  projection: Projection;
  frame: CelestialFrame;
  system: string;
  crpix: Point;
  matrix: [Point, Point];
  crval: Point;
  lonpole?: number;
  latpole?: number;
}

export class CelestialWcs {
  readonly projection: Projection;
  readonly frame: CelestialFrame;
  /** RADESYS and EQUINOX as read (frames with different ones are not converted into each other). */
  readonly system: string;
  /** 1-based reference pixel of the longitude and latitude axes (pixel x, y). */
  readonly crpix: Point;
  /** Degrees per pixel: [[dx/dpx, dx/dpy], [dy/dpx, dy/dpy]] for intermediate coordinates x (lon), y (lat). */
  readonly matrix: [Point, Point];
  readonly #inverse: [Point, Point];
  /** Celestial coordinates of the native pole (alpha_p, delta_p) and the pole's native longitude phi_p, radians. */
  readonly #ap: number;
  readonly #dp: number;
  readonly #pp: number;
  readonly #fields: CelestialFields;

  constructor(fields: CelestialFields) {
    this.#fields = fields;
    this.projection = fields.projection;
    this.frame = fields.frame;
    this.system = fields.system;
    this.crpix = fields.crpix;
    this.matrix = fields.matrix;
    const [[a, b], [c, d]] = fields.matrix;
    const det = a * d - b * c;
    if (!(Math.abs(det) > 0) || !Number.isFinite(det)) throw new CelestialWcsError('the pixel-to-sky matrix (CD or PC x CDELT) is singular');
    this.#inverse = [[d / det, -b / det], [-c / det, a / det]];
    // Native reference point: zenithal projections (0, 90), cylindrical (0, 0).
    const theta0 = this.projection === 'CAR' ? 0 : 90;
    const [a0, d0] = fields.crval;
    const phiP = fields.lonpole ?? (d0 >= theta0 ? 0 : 180);
    const latpole = fields.latpole ?? 90;
    let dp: number;
    if (theta0 === 90) {
      dp = d0;
    } else {
      // Paper II eq. 8-9: two solutions for delta_p; the one nearer LATPOLE (in range) is taken.
      const t0 = theta0 * D2R, dphi = (phiP - 0) * D2R;
      const base = Math.atan2(Math.sin(t0), Math.cos(t0) * Math.cos(dphi));
      const den = Math.sqrt(1 - (Math.cos(t0) * Math.sin(dphi)) ** 2);
      const arg = Math.sin(d0 * D2R) / den;
      if (Math.abs(arg) > 1 + 1e-12) throw new CelestialWcsError(`no celestial pole fits CRVAL and LONPOLE ${phiP}`);
      const off = Math.acos(Math.max(-1, Math.min(1, arg)));
      const cands = [base + off, base - off].map((x) => x * R2D).filter((x) => x >= -90 - 1e-9 && x <= 90 + 1e-9);
      if (cands.length === 0) throw new CelestialWcsError('no celestial pole in range for this CRVAL and LONPOLE');
      dp = cands.reduce((best, x) => (Math.abs(x - latpole) < Math.abs(best - latpole) ? x : best));
    }
    let ap: number;
    if (theta0 === 90) {
      ap = a0;
    } else if (Math.abs(Math.abs(dp) - 90) < 1e-12) {
      ap = a0 + (dp > 0 ? phiP - 0 - 180 : 0 - phiP);
    } else {
      const t0 = theta0 * D2R, dphi = (phiP - 0) * D2R, dpr = dp * D2R, d0r = d0 * D2R;
      ap = a0 - R2D * Math.atan2(Math.sin(dphi) * Math.cos(t0) / Math.cos(d0r),
        (Math.sin(t0) - Math.sin(dpr) * Math.sin(d0r)) / (Math.cos(dpr) * Math.cos(d0r)));
    }
    this.#ap = ap * D2R;
    this.#dp = dp * D2R;
    this.#pp = phiP * D2R;
  }

  /** The same projection and sky reference with another pixel grid (a coarser or finer sampling of the field). */
  withGrid(crpix: Point, matrix: [Point, Point]): CelestialWcs {
    return new CelestialWcs({ ...this.#fields, crpix, matrix });
  }

  /** Sky position (degrees, longitude in [0, 360)) of a 0-based pixel position; NaNs where the projection has none. */
  pixelToWorld(px: number, py: number): Point {
    const ox = px + 1 - this.crpix[0], oy = py + 1 - this.crpix[1];
    const [[a, b], [c, d]] = this.matrix;
    const x = a * ox + b * oy, y = c * ox + d * oy;
    let phi: number, theta: number; // radians
    if (this.projection === 'CAR') {
      phi = x * D2R;
      theta = y * D2R;
      if (Math.abs(y) > 90) return [NaN, NaN];
    } else {
      const r = Math.hypot(x, y);
      phi = r === 0 ? 0 : Math.atan2(x, -y);
      switch (this.projection) {
        case 'TAN': theta = Math.atan2(R2D, r); break;
        case 'SIN': {
          const s = r * D2R;
          if (s > 1) return [NaN, NaN];
          theta = Math.acos(s);
          break;
        }
        case 'ARC': theta = (90 - r) * D2R; if (r > 180) return [NaN, NaN]; break;
        case 'ZEA': {
          const s = r * D2R / 2;
          if (s > 1) return [NaN, NaN];
          theta = Math.PI / 2 - 2 * Math.asin(s);
          break;
        }
      }
    }
    // Paper II eq. 2: native (phi, theta) -> celestial.
    const cp = Math.cos(phi - this.#pp), sp = Math.sin(phi - this.#pp);
    const ct = Math.cos(theta), st = Math.sin(theta);
    const cdp = Math.cos(this.#dp), sdp = Math.sin(this.#dp);
    const east = -ct * sp, north = st * cdp - ct * sdp * cp;
    const lon = this.#ap + Math.atan2(east, north);
    // atan2 rather than asin: asin loses half the digits near the pole (the reference point of a zenithal grid).
    const lat = Math.atan2(st * sdp + ct * cdp * cp, Math.hypot(east, north));
    let l = (lon * R2D) % 360;
    if (l < 0) l += 360;
    return [l, lat * R2D];
  }

  /** 0-based pixel position of a sky position (degrees); NaNs where it is not on the projection (behind a zenithal one). */
  worldToPixel(lon: number, lat: number): Point {
    const a = lon * D2R, d = lat * D2R;
    const ca = Math.cos(a - this.#ap), sa = Math.sin(a - this.#ap);
    const cd = Math.cos(d), sd = Math.sin(d);
    const cdp = Math.cos(this.#dp), sdp = Math.sin(this.#dp);
    // Paper II eq. 5: celestial -> native.
    const east = -cd * sa, north = sd * cdp - cd * sdp * ca;
    let phi = this.#pp + Math.atan2(east, north);
    const theta = Math.atan2(sd * sdp + cd * cdp * ca, Math.hypot(east, north));
    let x: number, y: number;
    if (this.projection === 'CAR') {
      phi = ((phi * R2D + 180) % 360 + 360) % 360 - 180; // native longitude in [-180, 180)
      x = phi;
      y = theta * R2D;
    } else {
      let r: number;
      switch (this.projection) {
        case 'TAN':
          if (theta <= 0) return [NaN, NaN];
          r = R2D * Math.cos(theta) / Math.sin(theta);
          break;
        case 'SIN':
          if (theta < 0) return [NaN, NaN];
          r = R2D * Math.cos(theta);
          break;
        case 'ARC': r = 90 - theta * R2D; break;
        default: r = R2D * 2 * Math.sin((Math.PI / 2 - theta) / 2); break; // ZEA
      }
      x = r * Math.sin(phi);
      y = -r * Math.cos(phi);
    }
    const [[ia, ib], [ic, id]] = this.#inverse;
    return [ia * x + ib * y + this.crpix[0] - 1, ic * x + id * y + this.crpix[1] - 1];
  }

  /** Side of a pixel at the reference point, arcseconds (geometric mean of the two axes). */
  get pixelScaleArcsec(): number {
    const [[a, b], [c, d]] = this.matrix;
    return Math.sqrt(Math.abs(a * d - b * c)) * 3600;
  }
}

/** The frame a CTYPE pair names, or undefined when it is not a celestial pair we reproject. */
function frameOf(lon: string, lat: string): CelestialFrame | undefined {
  if (lon === 'RA' && lat === 'DEC') return 'RA/DEC';
  if (lon === 'GLON' && lat === 'GLAT') return 'GLON/GLAT';
  if (lon === 'ELON' && lat === 'ELAT') return 'ELON/ELAT';
  return undefined;
}

/**
 * The celestial WCS of the first two axes of an image header. Throws CelestialWcsError naming what is
 * missing or unsupported (no celestial axes, a distortion, an unsupported projection).
 */
export function celestialWcs(header: HeaderLike): CelestialWcs {
  const str = (k: string) => { const v = header.get(k); return typeof v === 'string' ? v.trim().toUpperCase() : ''; };
  const num = (k: string) => { const v = header.get(k); return typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : undefined; };
  const c1 = str('CTYPE1'), c2 = str('CTYPE2');
  if (c1 === '' || c2 === '') throw new CelestialWcsError('no CTYPE1/CTYPE2: the image has no sky coordinates');
  const frame = frameOf(ctypeBase(c1), ctypeBase(c2));
  if (!frame) throw new CelestialWcsError(`axes 1 and 2 (${c1}, ${c2}) are not a longitude/latitude pair in RA/DEC, GLON/GLAT or ELON/ELAT order`);
  const proj1 = c1.slice(5, 8).replace(/-/g, ''), proj2 = c2.slice(5, 8).replace(/-/g, '');
  if (proj1 !== proj2) throw new CelestialWcsError(`CTYPE1 ${c1} and CTYPE2 ${c2} name different projections`);
  if (c1.length > 8 || c2.length > 8) throw new CelestialWcsError(`${c1} carries a distortion (${c1.slice(8).replace(/^-/, '')}), which is not supported`);
  if (!PROJECTIONS.includes(proj1)) throw new CelestialWcsError(`projection ${proj1 || '(none)'} is not supported (TAN, SIN, ARC, ZEA, CAR are)`);
  for (let m = 0; m <= 20; m++) {
    const pv = num(`PV2_${m}`);
    if (pv !== undefined && pv !== 0 && !(proj1 === 'CAR')) throw new CelestialWcsError(`PV2_${m} = ${pv} (a ${proj1} projection with parameters) is not supported`);
  }
  const lin = linearWcs(header);
  if (lin.axes.length < 2) throw new CelestialWcsError('fewer than 2 WCS axes');
  const m = lin.matrix;
  // The celestial pair must not mix with a third axis (a rotated cube); the usual images have no such terms.
  for (let j = 2; j < m.length; j++) {
    if ((m[0]![j] ?? 0) !== 0 || (m[1]![j] ?? 0) !== 0 || (m[j]![0] ?? 0) !== 0 || (m[j]![1] ?? 0) !== 0) {
      throw new CelestialWcsError('the sky axes mix with axis 3 or beyond (PC/CD terms), which is not supported');
    }
  }
  const radesys = str('RADESYS') || str('RADECSYS');
  const equinox = num('EQUINOX') ?? num('EPOCH');
  // As FITS WCS paper II (and astropy) default them: no RADESYS means ICRS without EQUINOX, FK4 before 1984, else FK5.
  const sys = radesys || (equinox === undefined ? 'ICRS' : equinox < 1984 ? 'FK4' : 'FK5');
  const system = frame !== 'RA/DEC' ? frame : sys === 'ICRS' ? 'ICRS' : `${sys} ${equinox ?? (sys === 'FK4' ? 1950 : 2000)}`;
  return new CelestialWcs({
    projection: proj1 as Projection, frame, system,
    crpix: [lin.axes[0]!.crpix, lin.axes[1]!.crpix],
    matrix: [[m[0]![0]!, m[0]![1]!], [m[1]![0]!, m[1]![1]!]],
    crval: [lin.axes[0]!.crval, lin.axes[1]!.crval],
    lonpole: num('LONPOLE'), latpole: num('LATPOLE'),
  });
}

/**
 * Equatorial J2000 to Galactic, as astropy 5.2 realises the IAU 1958 definition (through FK4 B1950):
 * from ICRS, and from FK5 J2000 (the two differ by the ~20 mas frame bias). Rows: Galactic x, y, z.
 */
const ICRS_TO_GALACTIC = [
  [-0.0548756577125916, -0.873437051955616, -0.4838350736167153],
  [0.4941094371927268, -0.4448297212232952, 0.7469821839866675],
  [-0.8676661375596576, -0.1980763372730005, 0.4559838136873016],
];
const FK5_TO_GALACTIC = [
  [-0.0548755393957145, -0.8734371047274334, -0.4838349917703224],
  [0.4941094536233634, -0.4448295942988164, 0.7469822487020499],
  [-0.8676661356858694, -0.1980763896109499, 0.4559837945175692],
];

function rotate(m: number[][], lon: number, lat: number, transpose: boolean): Point {
  const a = lon * D2R, d = lat * D2R;
  const v = [Math.cos(d) * Math.cos(a), Math.cos(d) * Math.sin(a), Math.sin(d)];
  const r = [0, 1, 2].map((i) => [0, 1, 2].reduce((s, j) => s + (transpose ? m[j]![i]! : m[i]![j]!) * v[j]!, 0));
  let l = Math.atan2(r[1]!, r[0]!) * R2D;
  if (l < 0) l += 360;
  return [l, Math.atan2(r[2]!, Math.hypot(r[0]!, r[1]!)) * R2D];
}

const J2000 = new Set(['ICRS', 'FK5 2000']);

/**
 * Converts sky positions from the frame of `from` to that of `to`: the identity within one frame (ICRS
 * and FK5 J2000 count as one: they differ by ~20 milliarcseconds), the Galactic rotation between
 * equatorial J2000 and Galactic. Other pairs (FK4 B1950, ecliptic against another frame) throw, naming them.
 */
export function frameConversion(from: CelestialWcs, to: CelestialWcs): ((lon: number, lat: number) => Point) | null {
  const j2000 = (w: CelestialWcs) => w.frame === 'RA/DEC' && J2000.has(w.system);
  if (from.frame === to.frame && (from.system === to.system || (j2000(from) && j2000(to)))) return null;
  const matrix = (w: CelestialWcs) => (w.system === 'ICRS' ? ICRS_TO_GALACTIC : FK5_TO_GALACTIC);
  if (j2000(from) && to.frame === 'GLON/GLAT') return (lon, lat) => rotate(matrix(from), lon, lat, false);
  if (from.frame === 'GLON/GLAT' && j2000(to)) return (lon, lat) => rotate(matrix(to), lon, lat, true);
  throw new CelestialWcsError(`converting ${from.frame} (${from.system}) to ${to.frame} (${to.system}) is not supported `
    + '(equatorial ICRS or FK5 J2000 and Galactic are): give bands in one of those frames');
}
