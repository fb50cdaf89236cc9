// The viewer's display pipeline: display limits by DS9's scale modes (min/max, zscale, percentile
// clips), then a stretch and a colormap through the same Node-free display.ts the scan's thumbnails use.
import { COLORMAPS, STRETCHES, colormapLut, minMaxLimits, percentileLimits, renderRgba, zscaleLimits } from '../../src-main/api/contract/display.ts';
import type { Colormap, Limits, Stretch } from '../../src-main/api/contract/display.ts';

export type { Colormap, Limits, Stretch };
export { COLORMAPS, STRETCHES } from '../../src-main/api/contract/display.ts';

export type LimitMode = 'minmax' | 'zscale' | '99.5' | '99' | '98' | '95' | '90' | 'user';
export const LIMIT_MODES: readonly { mode: LimitMode; label: string }[] = [
  { mode: 'minmax', label: 'min max' },
  { mode: 'zscale', label: 'zscale' },
  { mode: '99.5', label: '99.5%' },
  { mode: '99', label: '99%' },
  { mode: '98', label: '98%' },
  { mode: '95', label: '95%' },
  { mode: '90', label: '90%' },
  { mode: 'user', label: 'user' },
];

export function displayLimits(pixels: Float32Array, mode: Exclude<LimitMode, 'user'>): Limits {
  if (mode === 'minmax') {
    // minMaxLimits compares raw values; NaN never wins a comparison, so it is skipped already.
    return minMaxLimits(pixels);
  }
  if (mode === 'zscale') return zscaleLimits(pixels);
  const p = Number(mode);
  return percentileLimits(pixels, (100 - p) / 2, 100 - (100 - p) / 2);
}

/**
 * Typed limits: both numbers and min < max, or a sentence saying what is wrong (the fields keep
 * what was typed until it is right).
 */
export function parseLimits(minText: string, maxText: string): Limits | string {
  const min = Number(minText.trim());
  const max = Number(maxText.trim());
  if (minText.trim() === '' || !Number.isFinite(min)) return `the low limit "${minText}" is not a number`;
  if (maxText.trim() === '' || !Number.isFinite(max)) return `the high limit "${maxText}" is not a number`;
  if (!(max > min)) return `the high limit (${max}) must be above the low limit (${min})`;
  return { min, max };
}

/** DS9's colorbar adjustments: contrast (slope, 1 = none), bias (centre, 0.5 = none), invert. */
export interface LutAdjust {
  contrast: number;
  bias: number;
  invert: boolean;
}

export const NO_ADJUST: LutAdjust = { contrast: 1, bias: 0.5, invert: false };

/**
 * The colormap's table after contrast and bias (as DS9 applies them: entry i shows the colour at
 * (i/255 - bias) * contrast + 0.5, clipped) and inversion.
 */
export function adjustedLut(colormap: Colormap, adjust: LutAdjust): Uint8Array {
  const base = colormapLut(colormap);
  if (adjust.contrast === 1 && adjust.bias === 0.5 && !adjust.invert) return base;
  const out = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) {
    const t = adjust.invert ? 1 - i / 255 : i / 255;
    const s = Math.min(1, Math.max(0, (t - adjust.bias) * adjust.contrast + 0.5));
    const k = Math.round(s * 255) * 3;
    out[i * 3] = base[k];
    out[i * 3 + 1] = base[k + 1];
    out[i * 3 + 2] = base[k + 2];
  }
  return out;
}

/**
 * Contrast and bias from a right-button drag, as DS9 does: across the image moves the bias, up and
 * down changes the contrast. dx, dy are the drag as fractions of the canvas size (y down).
 */
export function dragAdjust(start: LutAdjust, dx: number, dy: number): LutAdjust {
  const bias = Math.min(1.5, Math.max(-0.5, start.bias + dx));
  const contrast = Math.min(20, Math.max(0.05, start.contrast * Math.exp(-dy * 3)));
  return { ...start, bias, contrast };
}

export interface DisplaySettings {
  limits: Limits;
  stretch: Stretch;
  colormap: Colormap;
  /** Contrast, bias and invert applied to the colormap; none when absent. */
  adjust?: LutAdjust;
}

/** RGBA for a width x height plane, FITS row 0 drawn at the bottom (as DS9 does). */
export function renderPlane(pixels: Float32Array, width: number, settings: DisplaySettings): ImageData {
  const rgba = renderRgba(pixels, {
    limits: settings.limits, stretch: settings.stretch, colormap: settings.colormap, width, flipY: true, nanColor: [40, 12, 12, 255],
    lut: adjustedLut(settings.colormap, settings.adjust ?? NO_ADJUST),
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
  /** 0-based full-resolution pixel position (pixel centres at integers, astropy origin 0); FITS image coordinates are these + 1. */
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

/** Canvas point of a 0-based full-resolution pixel position (the inverse of pixelAt). */
export function canvasPoint(x: number, y: number, place: ImagePlacement, height: number, step: number): [number, number] {
  const u = (x + 0.5) / step;
  const v = (y + 0.5) / step;
  return [place.x + u * place.scale, place.y + (height - v) * place.scale];
}

/** The viewer's display choices kept between sessions (localStorage), as DS9 keeps its preferences. */
export interface DisplayChoices {
  limitMode: Exclude<LimitMode, 'user'>;
  stretch: Stretch;
  colormap: Colormap;
  adjust: LutAdjust;
  lockChannels: boolean;
  rgb: boolean;
  overlays: { beam: boolean; compass: boolean; grid: boolean; scalebar: boolean; contours: boolean };
  contourText: string;
  contourMode: 'sigma' | 'value';
}

export const DISPLAY_DEFAULTS: DisplayChoices = {
  limitMode: '99.5', stretch: 'asinh', colormap: 'gray', adjust: NO_ADJUST, lockChannels: true, rgb: true,
  overlays: { beam: false, compass: false, grid: false, scalebar: false, contours: false }, contourText: '3 5 10 20', contourMode: 'sigma',
};

/**
 * Stored choices read back, each field checked and any bad one left at its default (storage is the
 * person's to edit). Typed limits are not kept: they are values of one image, and its units.
 */
export function restoreDisplay(stored: string | null): DisplayChoices {
  const out: DisplayChoices = { ...DISPLAY_DEFAULTS, adjust: { ...NO_ADJUST }, overlays: { ...DISPLAY_DEFAULTS.overlays } };
  let p: Record<string, unknown>;
  try {
    const v: unknown = JSON.parse(stored ?? 'null');
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return out;
    p = v as Record<string, unknown>;
  } catch {
    return out;
  }
  const oneOf = <T extends string>(v: unknown, allowed: readonly T[]): v is T => typeof v === 'string' && (allowed as readonly string[]).includes(v);
  if (oneOf(p.limitMode, LIMIT_MODES.map((m) => m.mode).filter((m): m is Exclude<LimitMode, 'user'> => m !== 'user'))) out.limitMode = p.limitMode;
  if (oneOf(p.stretch, STRETCHES)) out.stretch = p.stretch;
  if (oneOf(p.colormap, COLORMAPS)) out.colormap = p.colormap;
  if (oneOf(p.contourMode, ['sigma', 'value'] as const)) out.contourMode = p.contourMode;
  if (typeof p.lockChannels === 'boolean') out.lockChannels = p.lockChannels;
  if (typeof p.rgb === 'boolean') out.rgb = p.rgb;
  if (typeof p.contourText === 'string' && p.contourText.length <= 200) out.contourText = p.contourText;
  const a = p.adjust as Record<string, unknown> | null;
  if (a && typeof a === 'object' && typeof a.invert === 'boolean'
    && typeof a.contrast === 'number' && a.contrast >= 0.05 && a.contrast <= 20 && typeof a.bias === 'number' && a.bias >= -0.5 && a.bias <= 1.5) {
    out.adjust = { contrast: a.contrast, bias: a.bias, invert: a.invert };
  }
  const o = p.overlays as Record<string, unknown> | null;
  if (o && typeof o === 'object') for (const k of Object.keys(out.overlays) as (keyof DisplayChoices['overlays'])[]) if (typeof o[k] === 'boolean') out.overlays[k] = o[k];
  return out;
}
