// The similarity gallery: the query image first (framed), then its nearest neighbours in rank order,
// each captioned with its rank and its cosine similarity about the run's mean vector (raw cosines of
// one run all sit near 1 and tell a reader nothing), with a legend saying which measure it is.
import { columnsFor, drawGrid } from './figure-grid.ts';
import { wrapText } from './figure-scene.ts';
import type { Scene } from './figure-scene.ts';
import { categoryColour, STYLE } from './figure-style.ts';
import type { FigureThumb } from './figure-thumbnail.ts';

export interface GalleryInput {
  query: { label: string; thumb: FigureThumb | null };
  neighbours: readonly { label: string; thumb: FigureThumb | null; distance: number; centred: number }[];
  /** 'cosine' or 'euclidean': the ranking's metric, named in the legend. */
  metric: string;
}

/** The legend under the gallery: what the rank and the number under each image are. */
export function galleryLegend(metric: string): string {
  const by = metric === 'cosine' ? 'cosine similarity' : `${metric} distance`;
  return `Under each image: its rank by ${by} to the query, then its cosine similarity to the query after subtracting `
    + "the run's mean embedding (1 = alike, 0 = unrelated).";
}

export function buildGalleryFigure(input: GalleryInput, widthIn: number): Scene {
  const width = widthIn * 72;
  const cells = [
    { thumb: input.query.thumb, lines: ['Query', input.query.label], frame: categoryColour(5), bold: true },
    ...input.neighbours.map((nb, i) => ({
      thumb: nb.thumb,
      lines: [`#${i + 1} · ${nb.centred.toFixed(2)}`, nb.label],
    })),
  ];
  const { items, bottom } = drawGrid(cells, width, 4, columnsFor(widthIn, cells.length));
  const legend = wrapText(galleryLegend(input.metric), STYLE.legendFont, width - 8, 3);
  legend.forEach((line, k) => items.push({ kind: 'text', x: 4, y: bottom + (k + 1) * (STYLE.legendFont + 2), text: line, size: STYLE.legendFont, color: STYLE.muted }));
  return { width, height: bottom + legend.length * (STYLE.legendFont + 2) + 6, title: `Images most similar to ${input.query.label}`, background: STYLE.background, items };
}
