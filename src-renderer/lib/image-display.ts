// The viewer's display pipeline: display limits by DS9's scale modes (min/max, zscale, percentile
// clips), then a stretch and a colormap through the same Node-free display.ts the scan's thumbnails use.
import { minMaxLimits, percentileLimits, renderRgba, zscaleLimits } from '../../src-main/api/contract/display.ts';
import type { Colormap, Limits, Stretch } from '../../src-main/api/contract/display.ts';

export type { Colormap, Limits, Stretch };
export { COLORMAPS, STRETCHES } from '../../src-main/api/contract/display.ts';

export type LimitMode = 'minmax' | 'zscale' | '99.5' | '99' | '98' | '95' | '90';
export const LIMIT_MODES: readonly { mode: LimitMode; label: string }[] = [
  { mode: 'minmax', label: 'min max' },
  { mode: 'zscale', label: 'zscale' },
  { mode: '99.5', label: '99.5%' },
  { mode: '99', label: '99%' },
  { mode: '98', label: '98%' },
  { mode: '95', label: '95%' },
  { mode: '90', label: '90%' },
];

export function displayLimits(pixels: Float32Array, mode: LimitMode): Limits {
  if (mode === 'minmax') {
    // minMaxLimits compares raw values; NaN never wins a comparison, so it is skipped already.
    return minMaxLimits(pixels);
  }
  if (mode === 'zscale') return zscaleLimits(pixels);
  const p = Number(mode);
  return percentileLimits(pixels, (100 - p) / 2, 100 - (100 - p) / 2);
}

export interface DisplaySettings {
  limits: Limits;
  stretch: Stretch;
  colormap: Colormap;
}

/** RGBA for a width x height plane, FITS row 0 drawn at the bottom (as DS9 does). */
export function renderPlane(pixels: Float32Array, width: number, settings: DisplaySettings): ImageData {
  const rgba = renderRgba(pixels, {
    limits: settings.limits, stretch: settings.stretch, colormap: settings.colormap, width, flipY: true, nanColor: [40, 12, 12, 255],
  });
  return new ImageData(rgba as Uint8ClampedArray<ArrayBuffer>, width, pixels.length / width);
}

export interface ImagePlacement {
  /** Canvas position of the image's top-left corner. */
  x: number;
  y: number;
  /** Canvas px per returned (possibly downsampled) pixel. */
  scale: number;
}

export interface PixelUnderCursor {
  /** 0-based full-resolution pixel position (pixel centres at integers, astropy origin 0). */
  x: number;
  y: number;
  /** Index into the returned plane's pixels; -1 outside the image. */
  index: number;
}

/** The image pixel under canvas point (cx, cy); FITS row 0 is drawn at the bottom. */
export function pixelAt(cx: number, cy: number, place: ImagePlacement, width: number, height: number, step: number): PixelUnderCursor {
  const u = (cx - place.x) / place.scale;
  const fromTop = (cy - place.y) / place.scale;
  const v = height - fromTop;
  const inside = u >= 0 && u < width && fromTop >= 0 && fromTop < height;
  const row = height - 1 - Math.floor(fromTop);
  return { x: u * step - 0.5, y: v * step - 0.5, index: inside ? row * width + Math.floor(u) : -1 };
}

/** Fit the image in a canvas, centred, whole pixels only when enlarging. */
export function fitPlacement(width: number, height: number, canvasWidth: number, canvasHeight: number): ImagePlacement {
  let scale = Math.min(canvasWidth / width, canvasHeight / height);
  if (scale > 1) scale = Math.floor(scale);
  return { x: (canvasWidth - width * scale) / 2, y: (canvasHeight - height * scale) / 2, scale };
}
