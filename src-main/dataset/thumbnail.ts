// A small PNG preview of an image HDU: a 2-D image, or the mean over the channels of a cube (one
// plane at a time, so memory stays at one plane), area-averaged down to at most 128 px on the
// long side, percentile-clipped (0.5–99.5 %) and asinh-stretched; NaN is transparent.
import { PNG } from 'pngjs';
import type { AxisKind } from './item.ts';
import type { ImageHdu } from '../fits/index.ts';
import type { Thumbnail } from './item.ts';
import { percentileLimits, renderRgba } from './display.ts';

export const THUMBNAIL_SIZE = 128;
/** Larger planes get no thumbnail: one plane is read whole, per worker (256 MB of float32). */
export const MAX_THUMBNAIL_PLANE_PIXELS = 2 ** 26;
/** Cubes with more planes than this are averaged over evenly spaced planes (a preview, not a moment map). */
export const MAX_THUMBNAIL_PLANES = 256;

/**
 * Indices of the planes to average: every plane, but only the first Stokes (I for a standard cube), at most
 * MAX_THUMBNAIL_PLANES of them evenly spaced. Computed without listing every plane: a compressed header may
 * claim 2^28 planes of one pixel.
 */
export function thumbnailPlanes(shape: number[], kinds: AxisKind[]): number[] {
  const extra = shape.slice(2);
  // the kept planes are those at index 0 along every Stokes axis: count them over the other axes
  const free = extra.map((n, a) => (kinds[a + 2] === 'stokes' ? 1 : n));
  const count = free.reduce((a, b) => a * b, 1);
  const take = Math.min(count, MAX_THUMBNAIL_PLANES);
  const planes: number[] = [];
  for (let i = 0; i < take; i++) {
    // the k-th kept plane, in plane order (axis 3 fastest), and its index among all planes
    let k = count <= MAX_THUMBNAIL_PLANES ? i : Math.floor((i * count) / MAX_THUMBNAIL_PLANES);
    let plane = 0;
    let stride = 1;
    for (let a = 0; a < extra.length; a++) {
      plane += (k % free[a]) * stride;
      k = Math.floor(k / free[a]);
      stride *= extra[a];
    }
    planes.push(plane);
  }
  return planes;
}

/** Mean over planes, then area-average into a w×h grid; NaN where no finite value fell. */
export function thumbnailPixels(hdu: ImageHdu, kinds: AxisKind[], maxSide = THUMBNAIL_SIZE): { width: number; height: number; values: Float32Array } {
  const nx = hdu.shape[0];
  const ny = hdu.shape.length > 1 ? hdu.shape[1] : 1;
  const scale = Math.min(1, maxSide / Math.max(nx, ny));
  const width = Math.max(1, Math.round(nx * scale));
  const height = Math.max(1, Math.round(ny * scale));
  const sum = new Float64Array(width * height);
  const count = new Uint32Array(width * height);
  const column = new Uint32Array(nx);
  for (let x = 0; x < nx; x++) column[x] = Math.min(width - 1, Math.floor((x * width) / nx));
  for (const plane of thumbnailPlanes(hdu.shape, kinds)) {
    const values = hdu.readPlane(plane);
    for (let y = 0; y < ny; y++) {
      const row = Math.min(height - 1, Math.floor((y * height) / ny)) * width;
      const offset = y * nx;
      for (let x = 0; x < nx; x++) {
        const v = values[offset + x];
        if (Number.isFinite(v)) {
          sum[row + column[x]] += v;
          count[row + column[x]]++;
        }
      }
    }
  }
  const values = new Float32Array(width * height);
  for (let i = 0; i < values.length; i++) values[i] = count[i] > 0 ? sum[i] / count[i] : Number.NaN;
  return { width, height, values };
}

export function makeThumbnail(hdu: ImageHdu, kinds: AxisKind[], maxSide = THUMBNAIL_SIZE): Thumbnail {
  const { width, height, values } = thumbnailPixels(hdu, kinds, maxSide);
  const rgba = renderRgba(values, {
    limits: percentileLimits(values, 0.5, 99.5), stretch: 'asinh', colormap: 'gray', width, flipY: true,
  });
  const png = new PNG({ width, height });
  png.data = Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength);
  // Gray + alpha: the thumbnail is gray, and this halves the bytes stored per item.
  const bytes = PNG.sync.write(png, { colorType: 4 });
  // A copy: small Buffers share Node's pool, and the worker transfers this one's ArrayBuffer.
  return { width, height, png: new Uint8Array(bytes) };
}
