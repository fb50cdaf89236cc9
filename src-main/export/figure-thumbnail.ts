// Thumbnails for figures, drawn with the stretch and colormap the user chose: rendered from the FITS
// file when it is at hand, otherwise re-coloured from the gray PNG stored in the project (which the
// scan made with a percentile-clipped asinh stretch).
import { PNG } from 'pngjs';
import { HduList, ImageHdu } from '../fits/index.ts';
import { colormapLut, percentileLimits, renderRgba, thumbnailPixels, zscaleLimits, minMaxLimits } from '../dataset/index.ts';
import type { AxisKind, Colormap, Stretch } from '../dataset/index.ts';
import { fitNoise, maskBelow } from './noise-mask.ts';

export interface FigureThumb {
  png: Uint8Array;
  width: number;
  height: number;
  /** With the noise masked: the peak above the noise in units of its sigma (brighter sources are drawn on top). */
  brightness?: number;
}

export interface ThumbnailStyle {
  stretch: Stretch;
  colormap: Colormap;
  /** 'percentile' clips 0.5-99.5 %. */
  limits: 'percentile' | 'zscale' | 'minmax';
  /**
   * Figure 2 of the paper: pixels below mean + maskNoise sigma of the noise (a Gaussian fitted to the
   * core of the pixel distribution, noise-mask.ts) are transparent. Absent: nothing is masked.
   */
  maskNoise?: number;
}

export const DEFAULT_THUMBNAIL_STYLE: ThumbnailStyle = { stretch: 'asinh', colormap: 'gray', limits: 'percentile' };

function toPng(rgba: Uint8ClampedArray, width: number, height: number): FigureThumb {
  const png = new PNG({ width, height });
  png.data = Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength);
  return { png: new Uint8Array(PNG.sync.write(png, { colorType: 6 })), width, height };
}

/** From the FITS file: the scan's preview pixels with this style. Null when the file cannot be read. */
export function thumbnailFromFits(file: string, hdu: number, axisKinds: AxisKind[], style: ThumbnailStyle, maxSide = 128): FigureThumb | null {
  let list: HduList | null = null;
  try {
    list = HduList.open(file);
    const h = list.hdu(hdu);
    if (!(h instanceof ImageHdu) || !h.hasData) return null;
    const { width, height, values } = thumbnailPixels(h, axisKinds, maxSide);
    const limits = style.limits === 'zscale' ? zscaleLimits(values) : style.limits === 'minmax' ? minMaxLimits(values) : percentileLimits(values, 0.5, 99.5);
    const rgba = renderRgba(values, { limits, stretch: style.stretch, colormap: style.colormap, width, flipY: true });
    if (style.maskNoise === undefined) return toPng(rgba, width, height);
    const noise = fitNoise(values, style.maskNoise);
    if (noise) maskBelow(rgba, values, width, noise.threshold, true);
    return { ...toPng(rgba, width, height), brightness: noise?.peakSnr ?? 0 };
  } catch {
    return null;
  } finally {
    list?.close();
  }
}

/**
 * From the stored gray thumbnail: its gray levels through the chosen colormap (the stretch is the
 * scan's), with the noise masked when `maskNoise` (sigmas) is given: fitted on the values the gray
 * levels stand for.
 */
export function recolourStored(stored: FigureThumb, colormap: Colormap, maskNoise?: number): FigureThumb {
  const png = PNG.sync.read(Buffer.from(stored.png));
  const d = png.data;
  let brightness: number | undefined;
  if (maskNoise !== undefined) {
    // The fit wants the pixel values, not their stretch: the scan's asinh (a = 0.1, dataset/thumbnail.ts)
    // is undone level by level; the clipped ends (0 and 255) stay out of the fit.
    const level = Float64Array.from({ length: 256 }, (_, g) => 0.1 * Math.sinh((g / 255) * Math.asinh(10)));
    const linear = new Float64Array(d.length / 4);
    const fitted = new Float64Array(linear.length);
    for (let i = 0; i < linear.length; i++) {
      const g = d[i * 4]!;
      linear[i] = level[g]!;
      fitted[i] = g === 0 || g === 255 ? Number.NaN : level[g]!;
    }
    const noise = fitNoise(fitted, maskNoise);
    if (noise) maskBelow(d, linear, png.width, noise.threshold);
    brightness = noise ? (Math.max(...linear) - noise.mean) / noise.sigma : 0;
  }
  if (colormap !== 'gray') {
    const lut = colormapLut(colormap);
    for (let i = 0; i < d.length; i += 4) {
      const g = d[i]!;
      d[i] = lut[g * 3]!;
      d[i + 1] = lut[g * 3 + 1]!;
      d[i + 2] = lut[g * 3 + 2]!;
    }
  }
  const out: FigureThumb = { png: new Uint8Array(PNG.sync.write(png, { colorType: 6 })), width: png.width, height: png.height };
  return brightness === undefined ? out : { ...out, brightness };
}

/** A vertical colour bar (top = high) as a 1 x 256 PNG. */
export function colourBarPng(colormap: Colormap): Uint8Array {
  const lut = colormapLut(colormap);
  const png = new PNG({ width: 1, height: 256 });
  for (let i = 0; i < 256; i++) {
    const v = 255 - i;
    png.data.set([lut[v * 3]!, lut[v * 3 + 1]!, lut[v * 3 + 2]!, 255], i * 4);
  }
  return new Uint8Array(PNG.sync.write(png));
}
