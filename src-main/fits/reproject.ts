// Reprojecting an image onto another sky grid by their celestial WCS, as astropy's `reproject` does:
// 'interp' samples the source bilinearly at each target pixel's centre (reproject_interp, order 1,
// edge pixels extended by half a pixel); 'exact' averages the source pixels weighted by the area each
// shares with the target pixel (reproject_exact), which keeps surface brightness and the total of a
// per-steradian or per-beam map. The overlap is computed in the source's pixel plane, where a target
// pixel is a quadrilateral through its four corners (for pixels much smaller than a radian, the same
// as the spherical polygons reproject clips, to ~1e-6 of the area).
import { CelestialWcsError, type CelestialWcs, type Point } from './celestial.ts';

export type ReprojectMethod = 'interp' | 'exact';

export interface SkyGrid {
  width: number;
  height: number;
  wcs: CelestialWcs;
}

export interface SkyImage extends SkyGrid {
  /** width * height values, x fastest (FITS order); NaN = no data. */
  data: Float32Array;
}

export interface Reprojection {
  /** The target grid's width * height values; NaN where no source pixel reaches. */
  data: Float32Array;
  /** Fraction of each target pixel covered by valid source data (0 or 1 for 'interp'). */
  footprint: Float32Array;
}

/** Frames that can be reprojected into each other without a frame conversion (which we do not do). */
export function sameFrame(a: CelestialWcs, b: CelestialWcs): boolean {
  if (a.frame !== b.frame) return false;
  if (a.system === b.system) return true;
  // ICRS and FK5 J2000 differ by tens of milliarcseconds: far below any pixel of an image we reproject.
  const j2000 = (s: string) => s === 'ICRS' || s === 'ICRS 2000' || s === 'FK5 2000' || s === 'FK5';
  return j2000(a.system) && j2000(b.system);
}

function checkFrames(src: SkyGrid, grid: SkyGrid): void {
  if (!sameFrame(src.wcs, grid.wcs)) {
    throw new CelestialWcsError(`the image is in ${src.wcs.frame} (${src.wcs.system}) and the target grid in ${grid.wcs.frame} (${grid.wcs.system}); `
      + 'converting between sky frames is not supported: give bands in one frame');
  }
}

export function reproject(src: SkyImage, grid: SkyGrid, method: ReprojectMethod): Reprojection {
  if (src.data.length !== src.width * src.height) throw new RangeError(`image data holds ${src.data.length} values, not ${src.width} x ${src.height}`);
  checkFrames(src, grid);
  return method === 'exact' ? reprojectExact(src, grid) : reprojectInterp(src, grid);
}

function reprojectInterp(src: SkyImage, grid: SkyGrid): Reprojection {
  const { width: W, height: H } = grid;
  const { width: w, height: h, data: v } = src;
  const out = new Float32Array(W * H).fill(NaN);
  const foot = new Float32Array(W * H);
  for (let j = 0; j < H; j++) {
    for (let i = 0; i < W; i++) {
      const [lon, lat] = grid.wcs.pixelToWorld(i, j);
      const [x, y] = src.wcs.worldToPixel(lon, lat);
      // As reproject: the outer half of the edge pixels takes the edge value; beyond that, nothing.
      if (!(x >= -0.5 && x <= w - 0.5 && y >= -0.5 && y <= h - 0.5)) continue;
      const x0 = Math.floor(x), y0 = Math.floor(y), fx = x - x0, fy = y - y0;
      const xa = Math.max(0, Math.min(w - 1, x0)), xb = Math.max(0, Math.min(w - 1, x0 + 1));
      const ya = Math.max(0, Math.min(h - 1, y0)), yb = Math.max(0, Math.min(h - 1, y0 + 1));
      let s = 0;
      const add = (weight: number, value: number): void => { if (weight !== 0) s += weight * value; };
      add((1 - fx) * (1 - fy), v[ya * w + xa]!);
      add(fx * (1 - fy), v[ya * w + xb]!);
      add((1 - fx) * fy, v[yb * w + xa]!);
      add(fx * fy, v[yb * w + xb]!);
      if (Number.isNaN(s)) continue;
      out[j * W + i] = s;
      foot[j * W + i] = 1;
    }
  }
  return { data: out, footprint: foot };
}

/** Area of a polygon (shoelace), absolute. */
function area(poly: Point[]): number {
  let s = 0;
  for (let k = 0; k < poly.length; k++) {
    const [x1, y1] = poly[k]!, [x2, y2] = poly[(k + 1) % poly.length]!;
    s += x1 * y2 - x2 * y1;
  }
  return Math.abs(s) / 2;
}

/** Sutherland-Hodgman clip of a polygon to the axis-aligned box [x0, x1] x [y0, y1]. */
function clipToBox(poly: Point[], x0: number, x1: number, y0: number, y1: number): Point[] {
  let p = poly;
  const edges: [(q: Point) => number][] = [[(q) => q[0] - x0], [(q) => x1 - q[0]], [(q) => q[1] - y0], [(q) => y1 - q[1]]];
  for (const [inside] of edges) {
    if (p.length === 0) break;
    const out: Point[] = [];
    for (let k = 0; k < p.length; k++) {
      const a = p[k]!, b = p[(k + 1) % p.length]!;
      const da = inside(a), db = inside(b);
      if (da >= 0) out.push(a);
      if ((da >= 0) !== (db >= 0)) {
        const t = da / (da - db);
        out.push([a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])]);
      }
    }
    p = out;
  }
  return p;
}

function reprojectExact(src: SkyImage, grid: SkyGrid): Reprojection {
  const { width: W, height: H } = grid;
  const { width: w, height: h, data: v } = src;
  // Target pixel corners (at half-integer pixel positions), in source pixel coordinates.
  const cx = new Float64Array((W + 1) * (H + 1)), cy = new Float64Array((W + 1) * (H + 1));
  for (let j = 0; j <= H; j++) {
    for (let i = 0; i <= W; i++) {
      const [lon, lat] = grid.wcs.pixelToWorld(i - 0.5, j - 0.5);
      const [x, y] = src.wcs.worldToPixel(lon, lat);
      cx[j * (W + 1) + i] = x;
      cy[j * (W + 1) + i] = y;
    }
  }
  const out = new Float32Array(W * H).fill(NaN);
  const foot = new Float32Array(W * H);
  for (let j = 0; j < H; j++) {
    for (let i = 0; i < W; i++) {
      const ks = [j * (W + 1) + i, j * (W + 1) + i + 1, (j + 1) * (W + 1) + i + 1, (j + 1) * (W + 1) + i];
      const quad = ks.map((k) => [cx[k]!, cy[k]!] as Point);
      if (quad.some(([x, y]) => !Number.isFinite(x) || !Number.isFinite(y))) continue;
      const full = area(quad);
      if (!(full > 0)) continue;
      const xs = quad.map((q) => q[0]), ys = quad.map((q) => q[1]);
      const sx0 = Math.max(0, Math.round(Math.min(...xs))), sx1 = Math.min(w - 1, Math.round(Math.max(...xs)));
      const sy0 = Math.max(0, Math.round(Math.min(...ys))), sy1 = Math.min(h - 1, Math.round(Math.max(...ys)));
      let sw = 0, swv = 0;
      for (let sy = sy0; sy <= sy1; sy++) {
        for (let sx = sx0; sx <= sx1; sx++) {
          const value = v[sy * w + sx]!;
          if (!Number.isFinite(value)) continue;
          const piece = clipToBox(quad, sx - 0.5, sx + 0.5, sy - 0.5, sy + 0.5);
          if (piece.length < 3) continue;
          const a = area(piece);
          sw += a;
          swv += a * value;
        }
      }
      if (sw > 0) {
        out[j * W + i] = swv / sw;
        foot[j * W + i] = Math.min(1, sw / full);
      }
    }
  }
  return { data: out, footprint: foot };
}
