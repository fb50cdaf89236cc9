// The similarity gallery: the query image first (framed), then its nearest neighbours in rank order
// with their distance, as the similarity search returned them.
import { columnsFor, drawGrid } from './figure-grid.ts';
import type { Scene } from './figure-scene.ts';
import { categoryColour, STYLE } from './figure-style.ts';
import type { FigureThumb } from './figure-thumbnail.ts';

export interface GalleryInput {
  query: { label: string; thumb: FigureThumb | null };
  neighbours: readonly { label: string; thumb: FigureThumb | null; distance: number }[];
  /** 'cosine' or 'euclidean', named in each caption. */
  metric: string;
}

export function buildGalleryFigure(input: GalleryInput, widthIn: number): Scene {
  const width = widthIn * 72;
  const cells = [
    { thumb: input.query.thumb, lines: ['Query', input.query.label], frame: categoryColour(5), bold: true },
    ...input.neighbours.map((nb, i) => ({
      thumb: nb.thumb,
      lines: [`#${i + 1}  ${input.metric === 'cosine' ? 'cos. dist.' : 'dist.'} ${nb.distance.toFixed(3)}`, nb.label],
    })),
  ];
  const { items, bottom } = drawGrid(cells, width, 4, columnsFor(widthIn, cells.length));
  return { width, height: bottom + 2, title: `Images most similar to ${input.query.label}`, background: STYLE.background, items };
}
