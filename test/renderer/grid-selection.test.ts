// Grid multi-select: click, ctrl-click toggles, shift-click ranges from the anchor.
import { describe, expect, it } from 'vitest';
import { clickSelect } from '../../src-renderer/lib/grid-selection.ts';

const idAt = (i: number) => (i === 7 ? undefined : 100 + i);
const none = { shift: false, toggle: false };

describe('grid selection', () => {
  it('click selects one; ctrl toggles; shift selects a range from the anchor', () => {
    let s = clickSelect({ ids: [], anchor: -1 }, 102, 2, none, idAt);
    expect(s).toEqual({ ids: [102], anchor: 2 });
    s = clickSelect(s, 105, 5, { shift: false, toggle: true }, idAt);
    expect(s).toEqual({ ids: [102, 105], anchor: 5 });
    s = clickSelect(s, 102, 2, { shift: false, toggle: true }, idAt);
    expect(s).toEqual({ ids: [105], anchor: 2 });
    s = clickSelect(s, 109, 9, { shift: true, toggle: false }, idAt);
    // From the anchor (2) to 9, the unloaded index 7 left out.
    expect(s.ids).toEqual([102, 103, 104, 105, 106, 108, 109]);
    expect(s.anchor).toBe(2);
    s = clickSelect({ ids: [120], anchor: 4 }, 101, 1, { shift: true, toggle: true }, idAt);
    expect(s.ids).toEqual([120, 101, 102, 103, 104]);
  });

  it('shift without an anchor is a plain click', () => {
    expect(clickSelect({ ids: [], anchor: -1 }, 103, 3, { shift: true, toggle: false }, idAt)).toEqual({ ids: [103], anchor: 3 });
  });
});
