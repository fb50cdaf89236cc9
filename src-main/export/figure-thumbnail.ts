// Thumbnails for figures, drawn with the stretch and colormap the user chose: rendered from the FITS
// file when it is at hand, otherwise re-coloured from the gray PNG stored in the project (which the
// scan made with a percentile-clipped asinh stretch).
import { PNG } from 'pngjs';
import { HduList, ImageHdu } from '../fits/index.ts';
import { colormapLut, percentileLimits, renderRgba, thumbnailPixels, zscaleLimits, minMaxLimits } from '../dataset/index.ts';
import type { AxisKind, Colormap, Stretch } from '../dataset/index.ts';

export interface FigureThumb {
  png: Uint8Array;
  width: number;
  height: number;
}

export interface ThumbnailStyle {
  stretch: Stretch;
  colormap: Colormap;
  /** 'percentile' clips 0.5-99.5 %. */
  limits: 'percentile' | 'zscale' | 'minmax';
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
    return toPng(renderRgba(values, { limits, stretch: style.stretch, colormap: style.colormap, width, flipY: true }), width, height);
  } catch {
    return null;
  } finally {
    list?.close();
  }
}

/** From the stored gray thumbnail: its gray levels through the chosen colormap (the stretch is the scan's). */
export function recolourStored(stored: FigureThumb, colormap: Colormap): FigureThumb {
  const png = PNG.sync.read(Buffer.from(stored.png));
  if (colormap === 'gray') return { png: new Uint8Array(PNG.sync.write(png, { colorType: 6 })), width: png.width, height: png.height };
  const lut = colormapLut(colormap);
  const d = png.data;
  for (let i = 0; i < d.length; i += 4) {
    const g = d[i]!;
    d[i] = lut[g * 3]!;
    d[i + 1] = lut[g * 3 + 1]!;
    d[i + 2] = lut[g * 3 + 2]!;
  }
  return { png: new Uint8Array(PNG.sync.write(png, { colorType: 6 })), width: png.width, height: png.height };
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
