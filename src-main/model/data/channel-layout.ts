// Which 2-D planes of an N-D FITS array make up the channels. Degenerate axes (length 1, e.g. ALMA's
// [x, y, 1, 1]) are squeezed; of the remaining axes beyond the two spatial ones, the spectral one
// (or else the first non-Stokes one) becomes the channel axis; every other axis is read at index 0
// (Stokes I comes first in CASA/ALMA images).
import type { AxisKind } from '../../fits/index.ts';

export interface ChannelLayout {
  width: number;
  height: number;
  /** Planes along the channel axis (1 for an image). */
  planes: number;
  /** The channel axis (0-based FITS axis), when there is one. */
  axis?: number;
  /** Flat plane number (as for readPlane) of the k-th plane along the channel axis. */
  planeIndex(k: number): number;
}

export class LayoutError extends Error {
  override readonly name = 'LayoutError';
}

/**
 * Why an image of this shape cannot be made into model input, or null when it can: checked from the
 * shape the scan stored, so one unusable item is left out before training starts instead of stopping it.
 */
export function layoutProblem(shape: number[], kinds?: AxisKind[]): string | null {
  try {
    channelLayout(shape, kinds);
    return null;
  } catch (e) {
    if (e instanceof LayoutError) return e.message;
    throw e;
  }
}

export function channelLayout(shape: number[], kinds?: AxisKind[]): ChannelLayout {
  if (shape.length < 2) throw new LayoutError(`needs at least 2 axes, got shape [${shape.join(', ')}]`);
  const [width, height] = shape as [number, number];
  if (width < 2 || height < 2) throw new LayoutError(`image plane ${width} x ${height} is too small (needs at least 2 x 2)`);
  const extra = shape.slice(2).map((n, i) => ({ axis: i + 2, n, kind: kinds?.[i + 2] ?? 'other' })).filter((a) => a.n > 1);
  const chosen = extra.find((a) => a.kind === 'spectral') ?? extra.find((a) => a.kind !== 'stokes');
  if (!chosen) return { width, height, planes: 1, planeIndex: () => 0 };
  let stride = 1;
  for (let a = 2; a < chosen.axis; a++) stride *= shape[a]!;
  return { width, height, planes: chosen.n, axis: chosen.axis, planeIndex: (k) => k * stride };
}
