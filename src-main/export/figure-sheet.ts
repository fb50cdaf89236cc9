// A contact sheet of the dataset: thumbnails in a grid, each with its file name (and object).
import { columnsFor, drawGrid } from './figure-grid.ts';
import type { Scene } from './figure-scene.ts';
import { STYLE } from './figure-style.ts';
import type { FigureThumb } from './figure-thumbnail.ts';

export interface SheetInput {
  items: readonly { label: string; detail?: string; thumb: FigureThumb | null }[];
  columns?: number;
}

export function buildSheetFigure(input: SheetInput, widthIn: number): Scene {
  if (input.items.length === 0) throw new RangeError('no items for a contact sheet');
  const width = widthIn * 72;
  const cells = input.items.map((i) => ({ thumb: i.thumb, lines: i.detail ? [i.label, i.detail] : [i.label] }));
  const { items, bottom } = drawGrid(cells, width, 4, input.columns ?? columnsFor(widthIn, cells.length));
  return { width, height: bottom + 2, title: 'Dataset contact sheet', background: STYLE.background, items };
}
