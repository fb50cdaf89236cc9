// A built figure to a file in the format asked for.
import type { Scene } from './figure-scene.ts';
import { renderPdf } from './pdf.ts';
import { renderPng } from './png.ts';
import { renderSvg } from './svg.ts';
import { writeAtomically } from './atomic-write.ts';

export type FigureFormat = 'svg' | 'pdf' | 'png';
export const FIGURE_FORMATS: readonly FigureFormat[] = ['svg', 'pdf', 'png'];

export async function encodeFigure(scene: Scene, format: FigureFormat, dpi = 300): Promise<Uint8Array | string> {
  if (format === 'svg') return renderSvg(scene);
  if (format === 'pdf') return renderPdf(scene);
  return renderPng(scene, dpi);
}

export async function writeFigure(path: string, scene: Scene, format: FigureFormat, dpi = 300): Promise<void> {
  writeAtomically(path, await encodeFigure(scene, format, dpi));
}
