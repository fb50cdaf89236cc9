// Windowing math of the virtual thumbnail grid: only visible rows (plus overscan) are rendered.
import { describe, expect, it } from 'vitest';
import { gridLayout, gridWindow, pagesFor, scrollToItem } from '../../src-renderer/lib/grid-window.ts';

describe('grid windowing', () => {
  const layout = gridLayout({ width: 1000, minCellWidth: 112, captionHeight: 30, gap: 6 });

  it('fits as many columns as the width allows and grows cells to fill the row', () => {
    expect(layout.columns).toBe(8); // 8 * 112 + 7 * 6 = 938 <= 1000 < 9 * 112 + 8 * 6
    expect(layout.cellWidth * 8 + 7 * 6).toBeLessThanOrEqual(1000);
    expect(layout.cellWidth).toBeGreaterThanOrEqual(112);
    expect(layout.rowHeight).toBe(layout.cellWidth + 36);
  });

  it('renders a bounded window at 100,000 items wherever the scroll is', () => {
    const total = 100_000;
    const rows = Math.ceil(total / layout.columns);
    for (const scrollTop of [0, 12_345, rows * layout.rowHeight / 2, rows * layout.rowHeight]) {
      const w = gridWindow(layout, total, scrollTop, 800, 2);
      expect(w.totalHeight).toBe(rows * layout.rowHeight);
      const visibleRows = Math.ceil(800 / layout.rowHeight) + 1;
      expect(w.end - w.start).toBeLessThanOrEqual((visibleRows + 4) * layout.columns);
      expect(w.start % layout.columns).toBe(0);
      expect(w.offsetY).toBe((w.start / layout.columns) * layout.rowHeight);
      // The window covers what is on screen.
      const top = Math.min(scrollTop, w.totalHeight - 800);
      expect(w.start).toBeLessThanOrEqual(Math.floor(top / layout.rowHeight) * layout.columns);
      expect(w.end).toBeGreaterThanOrEqual(Math.min(total, Math.ceil((top + 800) / layout.rowHeight) * layout.columns));
    }
  });

  it('clamps at the ends and handles an empty or tiny dataset', () => {
    expect(gridWindow(layout, 0, 500, 800)).toEqual({ start: 0, end: 0, offsetY: 0, totalHeight: 0 });
    const w = gridWindow(layout, 3, 10_000, 800);
    expect([w.start, w.end]).toEqual([0, 3]);
    const last = gridWindow(layout, 100, 1e9, 300, 0);
    expect(last.end).toBe(100);
  });

  it('scrolls an item into view only when it is off screen', () => {
    const index = 8 * 50; // row 50
    const y = 50 * layout.rowHeight;
    expect(scrollToItem(layout, index, 0, 800)).toBe(y + layout.rowHeight - 800);
    expect(scrollToItem(layout, index, y + 100, 800)).toBe(y);
    expect(scrollToItem(layout, index, y - 10, 800)).toBe(y - 10);
  });

  it('lists the pages a range spans', () => {
    expect(pagesFor(0, 0, 300)).toEqual([]);
    expect(pagesFor(0, 300, 300)).toEqual([0]);
    expect(pagesFor(299, 301, 300)).toEqual([0, 1]);
    expect(pagesFor(650, 1300, 300)).toEqual([2, 3, 4]);
  });
});

describe('keyboard through the grid', () => {
  it('moves by one across and by a row up and down, staying inside the grid', async () => {
    const { keyStep } = await import('../../src-renderer/lib/grid-window.ts');
    expect(keyStep('ArrowRight', 4, 5, 12)).toBe(5);
    expect(keyStep('ArrowLeft', 0, 5, 12)).toBe(0);
    expect(keyStep('ArrowDown', 4, 5, 12)).toBe(9);
    expect(keyStep('ArrowDown', 9, 5, 12)).toBe(9);
    expect(keyStep('ArrowUp', 9, 5, 12)).toBe(4);
    expect(keyStep('ArrowUp', 3, 5, 12)).toBe(3);
    expect(keyStep('ArrowRight', 11, 5, 12)).toBe(11);
    expect(keyStep('ArrowDown', -1, 5, 12)).toBe(0);
    expect(keyStep('Enter', 3, 5, 12)).toBeNull();
    expect(keyStep('ArrowDown', 0, 5, 0)).toBeNull();
  });
});
