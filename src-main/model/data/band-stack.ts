// A multi-band object as one stack of planes on one sky grid: each band's image (its own file or HDU,
// wavelength, resolution and pixel grid) reprojected by its celestial WCS onto the target grid (one
// band's own grid, or a TAN grid centred on it at a chosen pixel scale), flux-conserving ('exact') or
// interpolated ('interp'), and optionally convolved to the coarsest band's beam so every channel has
// the same resolution. The stack then goes through preprocessing like a cube's planes.
import { celestialWcs, CelestialWcs, CelestialWcsError, FitsError, HduList, reproject, type ReprojectMethod, type SkyGrid } from '../../fits/index.ts';

export interface BandFile { path: string; hdu: number }

export interface BandStackOptions {
  method: ReprojectMethod;
  /** Index of the band whose grid (centre, orientation, extent) is the target. */
  reference: number;
  /** Pixel scale of the target, arcsec; 0 = the reference band's own pixels. */
  pixelScale: number;
  /** 'common': every band convolved to the largest beam (BMAJ/BMIN) among them. */
  beam: 'native' | 'common';
  /** At most this many pixels on the target's long side (thumbnails): the grid is coarsened to fit. */
  maxSide?: number;
}

export interface BandStack extends SkyGrid {
  /** One width * height plane per band, x fastest; NaN where a band has no data. */
  planes: Float32Array[];
}

/** Largest target grid side: a band at 1" pixels over a degree would be 3600 px, far more than any working size needs. */
const MAX_GRID_SIDE = 2048;

interface BandImage { width: number; height: number; wcs: CelestialWcs; data: Float32Array; beam: [number, number] | null }

function readBand(band: BandFile): BandImage {
  const list = HduList.open(band.path);
  try {
    if (!Number.isInteger(band.hdu) || band.hdu < 0 || band.hdu >= list.length) {
      throw new FitsError('no-image', band.path, `HDU ${band.hdu} does not exist (the file has ${list.length})`);
    }
    const h = list.hdu(band.hdu);
    if (h.kind !== 'image' || h.shape.length < 2) throw new FitsError('no-image', band.path, `HDU ${band.hdu} is not a 2-D image`, band.hdu);
    if (h.nPlanes > 1) throw new FitsError('no-image', band.path, `HDU ${band.hdu} is a cube (${h.shape.join(' x ')}): a band must be one image plane`, band.hdu);
    let wcs: CelestialWcs;
    try {
      wcs = celestialWcs(h.header);
    } catch (e) {
      if (e instanceof CelestialWcsError) throw new FitsError('bad-naxis', band.path, `HDU ${band.hdu}: cannot reproject: ${e.message}`, band.hdu);
      throw e;
    }
    const num = (k: string) => { const v = h.header.get(k); return typeof v === 'number' && v > 0 ? v : null; };
    const bmaj = num('BMAJ'), bmin = num('BMIN');
    return { width: h.shape[0]!, height: h.shape[1]!, wcs, data: h.readPlane(0), beam: bmaj !== null ? [bmaj, bmin ?? bmaj] : null };
  } finally {
    list.close();
  }
}

/** A grid with `factor` times coarser pixels over the same field (crpix moved so pixel edges line up). */
function coarsened(g: SkyGrid, factor: number): SkyGrid {
  const [[a, b], [c, d]] = g.wcs.matrix;
  const f = factor;
  return {
    width: Math.max(1, Math.ceil(g.width / f)), height: Math.max(1, Math.ceil(g.height / f)),
    wcs: g.wcs.withGrid([(g.wcs.crpix[0] - 0.5) / f + 0.5, (g.wcs.crpix[1] - 0.5) / f + 0.5], [[a * f, b * f], [c * f, d * f]]),
  };
}

/** The target grid: the reference band's own, or its field resampled at `pixelScale` arcsec, at most maxSide pixels a side. */
export function targetGrid(ref: SkyGrid, pixelScale: number, maxSide = MAX_GRID_SIDE): SkyGrid {
  let g: SkyGrid = { width: ref.width, height: ref.height, wcs: ref.wcs };
  if (pixelScale > 0) g = coarsened(g, pixelScale / ref.wcs.pixelScaleArcsec);
  const side = Math.max(g.width, g.height);
  if (side > maxSide) g = coarsened(g, side / maxSide);
  return g;
}

export function readBandStack(bands: readonly BandFile[], opts: BandStackOptions): BandStack {
  if (bands.length === 0) throw new RangeError('a multi-band object needs at least one band');
  if (!(opts.reference >= 0 && opts.reference < bands.length)) throw new RangeError(`reference band ${opts.reference} is not one of the ${bands.length} bands`);
  const images = bands.map(readBand);
  const ref = images[opts.reference]!;
  const grid = targetGrid(ref, opts.pixelScale, opts.maxSide);
  const planes = images.map((img, k) => {
    try {
      return reproject(img, grid, opts.method).data;
    } catch (e) {
      if (e instanceof CelestialWcsError) throw new FitsError('bad-naxis', bands[k]!.path, `cannot reproject onto ${bands[opts.reference]!.path}: ${e.message}`);
      throw e;
    }
  });
  if (opts.beam === 'common') {
    const noBeam = images.findIndex((img) => img.beam === null);
    if (noBeam >= 0) throw new FitsError('bad-naxis', bands[noBeam]!.path, 'no BMAJ card: a common beam needs every band\'s beam');
    // The widest beam (by area); each band is smoothed by the Gaussian that takes its beam to it
    // (circular, from the geometric-mean FWHMs: the bands' beams are near round in the usual surveys).
    const fwhm = images.map((img) => Math.sqrt(img.beam![0] * img.beam![1]) * 3600);
    const target = Math.max(...fwhm);
    const pixel = grid.wcs.pixelScaleArcsec;
    planes.forEach((plane, k) => {
      const kernel = Math.sqrt(Math.max(0, target * target - fwhm[k]! * fwhm[k]!)) / pixel;
      if (kernel < 0.1) return;
      planes[k] = smoothCircular(plane, grid.width, grid.height, kernel);
    });
  }
  return { ...grid, planes };
}

/**
 * Convolution with a circular Gaussian of this FWHM (pixels), separable (rows, then columns), NaN
 * pixels left out and the result renormalised by the weight that remained (normalised convolution);
 * pixels that were NaN stay NaN.
 */
export function smoothCircular(plane: Float32Array, width: number, height: number, fwhm: number): Float32Array {
  const sigma = fwhm / (2 * Math.sqrt(2 * Math.log(2)));
  const r = Math.max(1, Math.ceil(3 * sigma));
  const kernel = Float64Array.from({ length: 2 * r + 1 }, (_, k) => Math.exp(-((k - r) ** 2) / (2 * sigma * sigma)));
  const num = new Float64Array(width * height), den = new Float64Array(width * height);
  for (let i = 0; i < plane.length; i++) if (Number.isFinite(plane[i])) { num[i] = plane[i]!; den[i] = 1; }
  const pass = (src: Float64Array, along: 'x' | 'y'): Float64Array => {
    const out = new Float64Array(src.length);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        let acc = 0;
        for (let k = -r; k <= r; k++) {
          const xx = along === 'x' ? x + k : x, yy = along === 'y' ? y + k : y;
          if (xx < 0 || yy < 0 || xx >= width || yy >= height) continue;
          acc += kernel[k + r]! * src[yy * width + xx]!;
        }
        out[y * width + x] = acc;
      }
    }
    return out;
  };
  const n = pass(pass(num, 'x'), 'y'), d = pass(pass(den, 'x'), 'y');
  const out = new Float32Array(plane.length);
  for (let i = 0; i < out.length; i++) out[i] = Number.isFinite(plane[i]) && d[i]! > 1e-9 ? n[i]! / d[i]! : NaN;
  return out;
}
