// Multi-select in the thumbnail grid as file browsers do it: a click selects one item, ctrl/cmd-click
// toggles one, shift-click selects the range from the anchor (the last plain or ctrl click) to it.

export interface GridSelection {
  ids: number[];
  /** Grid index of the anchor for shift-click ranges; -1 when none. */
  anchor: number;
}

export interface ClickModifiers {
  shift: boolean;
  /** Ctrl, or Cmd on a Mac. */
  toggle: boolean;
}

/**
 * The selection after clicking the item `id` at grid index `index`. `idAt` gives the id at a grid
 * index (undefined where that page is not loaded: such items are left out of a range).
 */
export function clickSelect(current: GridSelection, id: number, index: number, mods: ClickModifiers, idAt: (index: number) => number | undefined): GridSelection {
  if (mods.shift && current.anchor >= 0) {
    const [a, b] = current.anchor <= index ? [current.anchor, index] : [index, current.anchor];
    const range: number[] = [];
    for (let i = a; i <= b; i++) {
      const x = idAt(i);
      if (x !== undefined) range.push(x);
    }
    const ids = mods.toggle ? [...new Set([...current.ids, ...range])] : range;
    return { ids, anchor: current.anchor };
  }
  if (mods.toggle) {
    const has = current.ids.includes(id);
    return { ids: has ? current.ids.filter((x) => x !== id) : [...current.ids, id], anchor: index };
  }
  return { ids: [id], anchor: index };
}
