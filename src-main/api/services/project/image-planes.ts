// An item's image for the viewer: its full header, celestial WCS, channel labels, and one plane as
// float pixels, area-averaged when larger than the page asked for (the canvas never needs more pixels
// than the screen has; a 16k x 16k plane would be 1 GB of floats over IPC).
import { HduList, ImageHdu, linearWcs, spectralLabel } from '../../../fits/index.ts';
import type { DatasetItem } from '../../../dataset/index.ts';
import { dataFilePath } from '../../../project/index.ts';
import type { Project } from '../../../project/index.ts';
import { ApiError } from '../../contract/errors.ts';
import type { CelestialWcs, HeaderCardRow, ImageInfo, ImagePlane } from '../../contract/desktop.ts';

function withImage<T>(project: Project, item: DatasetItem, fn: (hdu: ImageHdu) => T): T {
  if (item.status !== 'ok' || item.hdu === null) {
    throw new ApiError('bad-argument', `${item.path} has no readable image (${item.status}${item.error ? `: ${item.error}` : ''})`);
  }
  const list = HduList.open(dataFilePath(project, item));
  try {
    const hdu = list.hdu(item.hdu);
    if (!(hdu instanceof ImageHdu) || !hdu.hasData) throw new ApiError('bad-argument', `${item.path}: HDU ${item.hdu} is not an image with data`);
    return fn(hdu);
  } finally {
    list.close();
  }
}

export function readImageInfo(project: Project, item: DatasetItem): ImageInfo {
  return withImage(project, item, (hdu) => {
    const header: HeaderCardRow[] = hdu.header.cards.map((c) => {
      const v = c.value;
      return { keyword: c.keyword, value: v === undefined ? null : typeof v === 'bigint' ? Number(v) : v, comment: c.isCommentary ? c.text : c.comment };
    });
    const wcs = linearWcs(hdu.header);
    const bunit = hdu.header.get('BUNIT');
    return {
      id: item.id,
      path: item.path,
      hdu: hdu.index,
      shape: [...hdu.shape],
      bitpix: hdu.bitpix,
      bunit: typeof bunit === 'string' ? bunit.trim() : null,
      planes: hdu.nPlanes,
      planeLabels: planeLabels(wcs, hdu.shape),
      header,
      wcs: celestial(wcs),
    };
  });
}

type Wcs = ReturnType<typeof linearWcs>;

function celestial(wcs: Wcs): CelestialWcs | null {
  if (wcs.naxis < 2 || wcs.axes[0].kind !== 'spatial' || wcs.axes[1].kind !== 'spatial') return null;
  const [a, b] = wcs.axes;
  return {
    ctype: [a.ctype, b.ctype], cunit: [a.cunit, b.cunit], crval: [a.crval, b.crval], crpix: [a.crpix, b.crpix],
    matrix: [wcs.matrix[0][0], wcs.matrix[0][1], wcs.matrix[1][0], wcs.matrix[1][1]],
  };
}

/** Planes labelled, at most: a compressed header may claim 2^28 planes; the viewer shows no label past these. */
export const MAX_PLANE_LABELS = 65536;

/** The world value of axis 3 for each plane (then the plane index for further axes), for the first MAX_PLANE_LABELS. */
function planeLabels(wcs: Wcs, shape: number[]): string[] {
  const planes = shape.slice(2).reduce((x, y) => x * y, 1);
  if (shape.length < 3 || planes <= 1) return [];
  const axis3 = wcs.axes[2];
  return Array.from({ length: Math.min(planes, MAX_PLANE_LABELS) }, (_, p) => {
    const index = p % shape[2];
    if (!axis3 || !axis3.ctype) return `plane ${p + 1}`;
    const value = wcs.axisValue(2, index);
    // GHz and km/s (radio, from RESTFRQ) as astronomers read them; the raw header value otherwise.
    const label = spectralLabel(wcs, 2, value) ?? `${axis3.ctype.split('-')[0]} ${formatValue(value)}${axis3.cunit ? ` ${axis3.cunit}` : ''}`;
    return shape.length > 3 && p >= shape[2] ? `${label} (plane ${p + 1})` : label;
  });
}

function formatValue(v: number): string {
  return Math.abs(v) >= 1e5 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(6) : String(Number(v.toPrecision(8)));
}

export function readImagePlane(project: Project, item: DatasetItem, plane: number, maxSide: number): ImagePlane {
  return withImage(project, item, (hdu) => {
    if (plane >= hdu.nPlanes) throw new ApiError('bad-argument', `${item.path} has ${hdu.nPlanes} plane(s); plane ${plane} does not exist`);
    const nx = hdu.shape[0];
    const ny = hdu.shape.length > 1 ? hdu.shape[1] : 1;
    const values = hdu.readPlane(plane);
    const step = Math.max(1, Math.ceil(Math.max(nx, ny) / maxSide));
    if (step === 1) return { id: item.id, plane, width: nx, height: ny, step, pixels: values };
    return { id: item.id, plane, step, ...blockMean(values, nx, ny, step) };
  });
}

/** step x step block means, ignoring NaN (a block with no finite value stays NaN). */
export function blockMean(values: Float32Array, nx: number, ny: number, step: number): { width: number; height: number; pixels: Float32Array } {
  const width = Math.ceil(nx / step);
  const height = Math.ceil(ny / step);
  const sum = new Float64Array(width * height);
  const count = new Uint32Array(width * height);
  for (let y = 0; y < ny; y++) {
    const row = Math.floor(y / step) * width;
    for (let x = 0; x < nx; x++) {
      const v = values[y * nx + x];
      if (Number.isFinite(v)) {
        const o = row + Math.floor(x / step);
        sum[o] += v;
        count[o]++;
      }
    }
  }
  const pixels = new Float32Array(width * height);
  for (let i = 0; i < pixels.length; i++) pixels[i] = count[i] ? sum[i] / count[i] : Number.NaN;
  return { width, height, pixels };
}
