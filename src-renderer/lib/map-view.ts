// The scatter map's geometry: data <-> screen transform with pan and zoom about the cursor, a
// uniform-grid index for hover hit-testing (constant time per query at 100,000 points), and lasso
// selection by point-in-polygon.

export interface ViewTransform {
  /** Screen px per data unit. */
  scale: number;
  /** Screen position of data (0, 0). */
  tx: number;
  ty: number;
}

/** Fits the points' bounding box into a w x h screen with a margin; y grows upwards on screen. */
export function fitTransform(coords: Float32Array, width: number, height: number, margin = 24): ViewTransform {
  let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
  for (let i = 0; i < coords.length; i += 2) {
    const x = coords[i], y = coords[i + 1];
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  if (!(maxX >= minX)) return { scale: 1, tx: width / 2, ty: height / 2 };
  const spanX = Math.max(maxX - minX, 1e-12);
  const spanY = Math.max(maxY - minY, 1e-12);
  const scale = Math.min((width - 2 * margin) / spanX, (height - 2 * margin) / spanY);
  return { scale, tx: width / 2 - ((minX + maxX) / 2) * scale, ty: height / 2 + ((minY + maxY) / 2) * scale };
}

export function toScreen(t: ViewTransform, x: number, y: number): [number, number] {
  return [t.tx + x * t.scale, t.ty - y * t.scale];
}

export function toData(t: ViewTransform, sx: number, sy: number): [number, number] {
  return [(sx - t.tx) / t.scale, (t.ty - sy) / t.scale];
}

/** Zoom by `factor` keeping the data point under (sx, sy) fixed. */
export function zoomAt(t: ViewTransform, sx: number, sy: number, factor: number): ViewTransform {
  const scale = t.scale * factor;
  return { scale, tx: sx - (sx - t.tx) * factor, ty: sy - (sy - t.ty) * factor };
}

export function panBy(t: ViewTransform, dx: number, dy: number): ViewTransform {
  return { scale: t.scale, tx: t.tx + dx, ty: t.ty + dy };
}

/** Buckets points into cells of a uniform grid over their bounding box, for nearest-point queries. */
export class PointGrid {
  readonly #coords: Float32Array;
  readonly #minX: number;
  readonly #minY: number;
  readonly #cell: number;
  readonly #nx: number;
  readonly #ny: number;
  /** CSR layout: points of cell c are order[starts[c] .. starts[c + 1]). */
  readonly #starts: Uint32Array;
  readonly #order: Uint32Array;

  constructor(coords: Float32Array) {
    this.#coords = coords;
    const n = coords.length / 2;
    let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
    for (let i = 0; i < n; i++) {
      const x = coords[2 * i], y = coords[2 * i + 1];
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
    if (!(maxX >= minX)) { minX = maxX = minY = maxY = 0; }
    // About 2 points per cell on average.
    const side = Math.max(1, Math.ceil(Math.sqrt(n / 2)));
    this.#cell = Math.max((maxX - minX) / side, (maxY - minY) / side, 1e-12);
    this.#minX = minX;
    this.#minY = minY;
    this.#nx = Math.floor((maxX - minX) / this.#cell) + 1;
    this.#ny = Math.floor((maxY - minY) / this.#cell) + 1;
    const cells = this.#nx * this.#ny;
    const counts = new Uint32Array(cells + 1);
    const cellOf = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      const c = this.#cellIndex(coords[2 * i], coords[2 * i + 1]);
      cellOf[i] = c;
      counts[c + 1]++;
    }
    for (let c = 0; c < cells; c++) counts[c + 1] += counts[c];
    this.#starts = counts;
    this.#order = new Uint32Array(n);
    const fill = counts.slice(0, cells);
    for (let i = 0; i < n; i++) this.#order[fill[cellOf[i]]++] = i;
  }

  #cellIndex(x: number, y: number): number {
    if (!Number.isFinite(x) || !Number.isFinite(y)) return 0; // never nearest: its distance is NaN
    const cx = Math.min(this.#nx - 1, Math.max(0, Math.floor((x - this.#minX) / this.#cell)));
    const cy = Math.min(this.#ny - 1, Math.max(0, Math.floor((y - this.#minY) / this.#cell)));
    return cy * this.#nx + cx;
  }

  /** Index of the point nearest (x, y) within `radius` data units, or -1. */
  nearest(x: number, y: number, radius: number): number {
    const r = Math.ceil(radius / this.#cell);
    const cx = Math.floor((x - this.#minX) / this.#cell);
    const cy = Math.floor((y - this.#minY) / this.#cell);
    let best = -1;
    let bestD = radius * radius;
    for (let gy = Math.max(0, cy - r); gy <= Math.min(this.#ny - 1, cy + r); gy++) {
      for (let gx = Math.max(0, cx - r); gx <= Math.min(this.#nx - 1, cx + r); gx++) {
        const c = gy * this.#nx + gx;
        for (let k = this.#starts[c]; k < this.#starts[c + 1]; k++) {
          const i = this.#order[k];
          const dx = this.#coords[2 * i] - x, dy = this.#coords[2 * i + 1] - y;
          const d = dx * dx + dy * dy;
          if (d <= bestD) { bestD = d; best = i; }
        }
      }
    }
    return best;
  }

  /**
   * Indices of the points inside the data rectangle [x0, x1] x [y0, y1], in index order, stopping once
   * more than `limit` are found (then limit + 1 of them): whether few enough are on screen for thumbnails,
   * without a pass over every point.
   */
  within(x0: number, y0: number, x1: number, y1: number, limit: number): number[] {
    const out: number[] = [];
    const gx0 = Math.max(0, Math.floor((x0 - this.#minX) / this.#cell));
    const gx1 = Math.min(this.#nx - 1, Math.floor((x1 - this.#minX) / this.#cell));
    const gy0 = Math.max(0, Math.floor((y0 - this.#minY) / this.#cell));
    const gy1 = Math.min(this.#ny - 1, Math.floor((y1 - this.#minY) / this.#cell));
    for (let gy = gy0; gy <= gy1; gy++) {
      for (let gx = gx0; gx <= gx1; gx++) {
        const c = gy * this.#nx + gx;
        for (let k = this.#starts[c]; k < this.#starts[c + 1]; k++) {
          const i = this.#order[k];
          const x = this.#coords[2 * i], y = this.#coords[2 * i + 1];
          if (!(x >= x0 && x <= x1 && y >= y0 && y <= y1)) continue; // NaN too
          out.push(i);
          if (out.length > limit) return out.sort((a, b) => a - b);
        }
      }
    }
    return out.sort((a, b) => a - b);
  }
}

/** Even-odd rule point-in-polygon; polygon as [x0, y0, x1, y1, ...]. */
export function insidePolygon(x: number, y: number, polygon: ArrayLike<number>): boolean {
  let inside = false;
  const n = polygon.length / 2;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const xi = polygon[2 * i], yi = polygon[2 * i + 1], xj = polygon[2 * j], yj = polygon[2 * j + 1];
    if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Indices of the points inside a lasso drawn in data coordinates. */
export function lassoSelect(coords: Float32Array, polygon: ArrayLike<number>): number[] {
  if (polygon.length < 6) return [];
  let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
  for (let i = 0; i < polygon.length; i += 2) {
    minX = Math.min(minX, polygon[i]); maxX = Math.max(maxX, polygon[i]);
    minY = Math.min(minY, polygon[i + 1]); maxY = Math.max(maxY, polygon[i + 1]);
  }
  const out: number[] = [];
  for (let i = 0; i < coords.length / 2; i++) {
    const x = coords[2 * i], y = coords[2 * i + 1];
    if (x < minX || x > maxX || y < minY || y > maxY) continue; // cheap reject before the polygon test
    if (insidePolygon(x, y, polygon)) out.push(i);
  }
  return out;
}

/** A marker as pixel offsets from its centre: [dx, dy, isRim, ...]; `radius` bounds them. */
export interface MarkerStamp {
  radius: number;
  offsets: Int16Array;
}

const stamps = new Map<string, MarkerStamp>();

/**
 * A filled disc of diameter `size` device px with a rim `rim` px wide around it (0: none): drawn by
 * copying colours at these offsets, so a marker costs a few dozen array writes and no path.
 */
export function markerStamp(size: number, rim: number): MarkerStamp {
  const key = `${size.toFixed(2)}:${rim}`;
  const known = stamps.get(key);
  if (known) return known;
  const inner = Math.max(0.5, size / 2);
  const outer = inner + rim;
  const r = Math.ceil(outer);
  const out: number[] = [];
  for (let dy = -r; dy <= r; dy++) {
    for (let dx = -r; dx <= r; dx++) {
      // Distance from the pixel's centre; a 1-px marker is just its pixel.
      const d = Math.hypot(dx, dy);
      if (d <= inner - 0.5 || (dx === 0 && dy === 0)) out.push(dx, dy, 0);
      else if (rim > 0 && d <= outer - 0.5) out.push(dx, dy, 1);
    }
  }
  const stamp = { radius: r, offsets: Int16Array.from(out) };
  stamps.set(key, stamp);
  return stamp;
}

/**
 * Dense maps (tens of thousands of points and up): each point an s x s square written straight into
 * `px` (ABGR pixels of a w x h frame), one tight pass per layer (selected points last, in `selectedColour`),
 * no stamps and no bounds checks inside a square. About 1e6 points in a few tens of ms on one core.
 * Returns how many points fell on screen and the first `keep` of them.
 */
export function drawDense(
  px: Uint32Array, w: number, h: number, coords: Float32Array, colours: Uint32Array, selected: Uint8Array | null,
  t: ViewTransform, dpr: number, size: number, selectedColour: number, keep = 200,
): { visible: number; first: number[] } {
  const n = coords.length / 2;
  const s = Math.max(1, Math.round(size));
  const half = s >> 1;
  const sc = t.scale * dpr;
  const ox = t.tx * dpr - half;
  const oy = t.ty * dpr - half;
  const maxX = w - s, maxY = h - s;
  let visible = 0;
  const first: number[] = [];
  for (let pass = selected ? 0 : 1; pass < 2; pass++) {
    for (let i = 0; i < n; i++) {
      const isSel = selected !== null && selected[i] === 1;
      if (selected !== null && (pass === 1) !== isSel) continue;
      const x = Math.round(ox + coords[2 * i] * sc);
      const y = Math.round(oy - coords[2 * i + 1] * sc);
      if (!(x >= 0 && y >= 0 && x <= maxX && y <= maxY)) continue;
      visible++;
      if (first.length < keep) first.push(i);
      const c = isSel ? selectedColour : colours[i];
      let row = y * w + x;
      for (let yy = 0; yy < s; yy++, row += w) for (let xx = 0; xx < s; xx++) px[row + xx] = c;
    }
  }
  return { visible, first };
}
