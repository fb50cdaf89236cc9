// A scene as PNG: the SVG rendering rasterised by resvg (a Rust SVG renderer with a prebuilt Node
// binding) at the requested DPI, so the PNG shows exactly what the SVG does.
import { Resvg } from '@resvg/resvg-js';
import type { Scene } from './figure-scene.ts';
import { renderSvg } from './svg.ts';

/** Never rasterise more than this (resvg holds about 8 bytes a pixel while rendering). */
const MAX_RENDER_PIXELS = 100_000_000;

/** Pixel size of a scene at a DPI. */
export function pixelSize(scene: Scene, dpi: number): { width: number; height: number } {
  return { width: Math.round((scene.width / 72) * dpi), height: Math.round((scene.height / 72) * dpi) };
}

export function renderPng(scene: Scene, dpi: number): Uint8Array {
  if (!(dpi >= 30 && dpi <= 2400)) throw new RangeError(`DPI ${dpi} outside 30..2400`);
  const { width, height } = pixelSize(scene, dpi);
  // The API refuses such figures with a usage message first; this guards every other caller.
  if (!(width * height <= MAX_RENDER_PIXELS)) throw new RangeError(`a ${width} x ${height} px PNG is more than ${MAX_RENDER_PIXELS} pixels`);
  // The root sized in pixels (rounded): the PNG is exactly round(inches x dpi) on both axes.
  const resvg = new Resvg(renderSvg(scene, pixelSize(scene, dpi)), {
    fitTo: { mode: 'original' },
    background: scene.background,
    font: { loadSystemFonts: true, defaultFontFamily: 'Liberation Sans', sansSerifFamily: 'Liberation Sans' },
    shapeRendering: 2, textRendering: 1, imageRendering: 0,
  });
  return new Uint8Array(resvg.render().asPng());
}
