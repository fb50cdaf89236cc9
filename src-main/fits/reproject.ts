// Reprojecting an image onto another sky grid by their celestial WCS, as astropy's `reproject` does:
// 'interp' samples the source bilinearly at each target pixel's centre (reproject_interp, order 1,
// edge pixels extended by half a pixel); 'exact' averages the source pixels weighted by the area each
// shares with the target pixel (reproject_exact), which keeps surface brightness and the total of a
// per-steradian or per-beam map. The overlap is computed in the source's pixel plane, where a target
// pixel is a quadrilateral through its four corners (for pixels much smaller than a radian, the same
// as the spherical polygons reproject clips, to ~1e-6 of the area).
import { frameConversion, type CelestialWcs } from './celestial.ts';

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

/** Source pixel position of a target pixel position, through the sky (and a frame conversion when the frames differ). */
function pixelMapping(src: SkyGrid, grid: SkyGrid): (x: number, y: number) => [number, number] {
  const convert = frameConversion(grid.wcs, src.wcs);
  return (x, y) => {
    const [lon, lat] = grid.wcs.pixelToWorld(x, y);
    const [l, b] = convert ? convert(lon, lat) : [lon, lat];
    return src.wcs.worldToPixel(l, b);
  };
}

export function reproject(src: SkyImage, grid: SkyGrid, method: ReprojectMethod): Reprojection {
  if (src.data.length !== src.width * src.height) throw new RangeError(`image data holds ${src.data.length} values, not ${src.width} x ${src.height}`);
  const toSource = pixelMapping(src, grid); // throws, naming both, for frames we do not convert
  if (src.wcs === grid.wcs && src.width === grid.width && src.height === grid.height) {
    // The image's own grid (the reference band): nothing to resample.
    return { data: src.data.slice(), footprint: src.data.map((x) => (Number.isFinite(x) ? 1 : 0)) };
  }
  return method === 'exact' ? reprojectExact(src, grid, toSource) : reprojectInterp(src, grid, toSource);
}

function reprojectInterp(src: SkyImage, grid: SkyGrid, toSource: (x: number, y: number) => [number, number]): Reprojection {
  const { width: W, height: H } = grid;
  const { width: w, height: h, data: v } = src;
  const out = new Float32Array(W * H).fill(NaN);
  const foot = new Float32Array(W * H);
  for (let j = 0; j < H; j++) {
    for (let i = 0; i < W; i++) {
      const [x, y] = toSource(i, j);
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

/** Area of polygon k of n vertices in (xs, ys), absolute (shoelace). */
function area(xs: Float64Array, ys: Float64Array, n: number): number {
  let s = 0;
  for (let k = 0; k < n; k++) {
    const k1 = k + 1 === n ? 0 : k + 1;
    s += xs[k]! * ys[k1]! - xs[k1]! * ys[k]!;
  }
  return Math.abs(s) / 2;
}

/**
 * Area of the quadrilateral (qx, qy) inside the box [x0, x1] x [y0, y1] (Sutherland-Hodgman clipping
 * against the box's four sides), in preallocated buffers: the inner loop of 'exact' runs once per
 * overlapping source pixel, and allocating there made it ten times slower.
 */
const BUF = 16;
const ax = new Float64Array(BUF), ay = new Float64Array(BUF), bx = new Float64Array(BUF), by = new Float64Array(BUF);
function clippedArea(qx: Float64Array, qy: Float64Array, x0: number, x1: number, y0: number, y1: number): number {
  let n = 4;
  for (let k = 0; k < 4; k++) { ax[k] = qx[k]!; ay[k] = qy[k]!; }
  let inX = ax, inY = ay, outX = bx, outY = by;
  for (let side = 0; side < 4 && n > 0; side++) {
    let m = 0;
    const dist = (x: number, y: number): number => (side === 0 ? x - x0 : side === 1 ? x1 - x : side === 2 ? y - y0 : y1 - y);
    for (let k = 0; k < n; k++) {
      const k1 = k + 1 === n ? 0 : k + 1;
      const xa = inX[k]!, ya = inY[k]!, xb = inX[k1]!, yb = inY[k1]!;
      const da = dist(xa, ya), db = dist(xb, yb);
      if (da >= 0) { outX[m] = xa; outY[m] = ya; m++; }
      if ((da >= 0) !== (db >= 0)) {
        const t = da / (da - db);
        outX[m] = xa + t * (xb - xa); outY[m] = ya + t * (yb - ya); m++;
      }
    }
    n = m;
    [inX, outX] = [outX, inX];
    [inY, outY] = [outY, inY];
  }
  return n >= 3 ? area(inX, inY, n) : 0;
}

function reprojectExact(src: SkyImage, grid: SkyGrid, toSource: (x: number, y: number) => [number, number]): Reprojection {
  const { width: W, height: H } = grid;
  const { width: w, height: h, data: v } = src;
  // Target pixel corners (at half-integer pixel positions), in source pixel coordinates.
  const cx = new Float64Array((W + 1) * (H + 1)), cy = new Float64Array((W + 1) * (H + 1));
  for (let j = 0; j <= H; j++) {
    for (let i = 0; i <= W; i++) {
      const [x, y] = toSource(i - 0.5, j - 0.5);
      cx[j * (W + 1) + i] = x;
      cy[j * (W + 1) + i] = y;
    }
  }
  const out = new Float32Array(W * H).fill(NaN);
  const foot = new Float32Array(W * H);
  const qx = new Float64Array(4), qy = new Float64Array(4);
  for (let j = 0; j < H; j++) {
    for (let i = 0; i < W; i++) {
      const k0 = j * (W + 1) + i, k2 = (j + 1) * (W + 1) + i;
      qx[0] = cx[k0]!; qy[0] = cy[k0]!; qx[1] = cx[k0 + 1]!; qy[1] = cy[k0 + 1]!;
      qx[2] = cx[k2 + 1]!; qy[2] = cy[k2 + 1]!; qx[3] = cx[k2]!; qy[3] = cy[k2]!;
      if (!(Number.isFinite(qx[0]! + qx[1]! + qx[2]! + qx[3]! + qy[0]! + qy[1]! + qy[2]! + qy[3]!))) continue;
      const full = area(qx, qy, 4);
      if (!(full > 0)) continue;
      const sx0 = Math.max(0, Math.round(Math.min(qx[0]!, qx[1]!, qx[2]!, qx[3]!))), sx1 = Math.min(w - 1, Math.round(Math.max(qx[0]!, qx[1]!, qx[2]!, qx[3]!)));
      const sy0 = Math.max(0, Math.round(Math.min(qy[0]!, qy[1]!, qy[2]!, qy[3]!))), sy1 = Math.min(h - 1, Math.round(Math.max(qy[0]!, qy[1]!, qy[2]!, qy[3]!)));
      let sw = 0, swv = 0;
      for (let sy = sy0; sy <= sy1; sy++) {
        for (let sx = sx0; sx <= sx1; sx++) {
          const value = v[sy * w + sx]!;
          if (!Number.isFinite(value)) continue;
          const a = clippedArea(qx, qy, sx - 0.5, sx + 0.5, sy - 0.5, sy + 0.5);
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
