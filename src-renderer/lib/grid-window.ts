// Windowing for the thumbnail grid: which rows of a fixed-cell grid are on screen, so the DOM holds
// only those (plus a few rows of overscan) whatever the number of items.

export interface GridGeometry {
  /** Inner width available for cells, px. */
  width: number;
  /** Smallest acceptable cell width; cells grow to fill the row. */
  minCellWidth: number;
  /** Cell height minus the cell width (the caption under the square thumbnail). */
  captionHeight: number;
  gap: number;
}

export interface GridLayout {
  columns: number;
  cellWidth: number;
  rowHeight: number;
}

export function gridLayout(g: GridGeometry): GridLayout {
  const columns = Math.max(1, Math.floor((g.width + g.gap) / (g.minCellWidth + g.gap)));
  const cellWidth = Math.max(1, Math.floor((g.width - g.gap * (columns - 1)) / columns));
  return { columns, cellWidth, rowHeight: cellWidth + g.captionHeight + g.gap };
}

export interface GridWindow {
  /** Items [start, end) are rendered. */
  start: number;
  end: number;
  /** Where the first rendered row sits, px from the top of the content. */
  offsetY: number;
  /** Height of all rows: the scroll range. */
  totalHeight: number;
}

export function gridWindow(layout: GridLayout, total: number, scrollTop: number, viewportHeight: number, overscanRows = 2): GridWindow {
  const rows = Math.ceil(total / layout.columns);
  const totalHeight = rows * layout.rowHeight;
  const top = Math.min(Math.max(0, scrollTop), Math.max(0, totalHeight - viewportHeight));
  const firstRow = Math.max(0, Math.floor(top / layout.rowHeight) - overscanRows);
  const lastRow = Math.min(rows, Math.ceil((top + viewportHeight) / layout.rowHeight) + overscanRows);
  return {
    start: firstRow * layout.columns,
    end: Math.min(total, lastRow * layout.columns),
    offsetY: firstRow * layout.rowHeight,
    totalHeight,
  };
}

/** The scrollTop that brings item `index` into view (unchanged when it already is). */
export function scrollToItem(layout: GridLayout, index: number, scrollTop: number, viewportHeight: number): number {
  const y = Math.floor(index / layout.columns) * layout.rowHeight;
  if (y < scrollTop) return y;
  if (y + layout.rowHeight > scrollTop + viewportHeight) return y + layout.rowHeight - viewportHeight;
  return scrollTop;
}

/** Page numbers (of `pageSize` items) that hold items [start, end). */
export function pagesFor(start: number, end: number, pageSize: number): number[] {
  if (end <= start) return [];
  const pages: number[] = [];
  for (let p = Math.floor(start / pageSize); p <= Math.floor((end - 1) / pageSize); p++) pages.push(p);
  return pages;
}

/** The index an arrow key moves the selection to (left/right by one, up/down by a row); null for other keys. */
export function keyStep(key: string, index: number, columns: number, total: number): number | null {
  if (total <= 0) return null;
  const delta = key === 'ArrowRight' ? 1 : key === 'ArrowLeft' ? -1 : key === 'ArrowDown' ? columns : key === 'ArrowUp' ? -columns : null;
  if (delta === null) return null;
  if (index < 0) return 0;
  const next = index + delta;
  // Up from the first row or down from the last stays put; left/right clamp at the ends.
  if (next < 0 || next >= total) return Math.abs(delta) === 1 ? Math.min(Math.max(next, 0), total - 1) : index;
  return next;
}
