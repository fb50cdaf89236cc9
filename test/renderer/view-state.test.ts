// The address keeps the tab, open item, selection and map zoom; a damaged address falls back to defaults.
import { describe, expect, it } from 'vitest';
import { decodeViewState, encodeViewState, MAX_SELECTION_IN_URL } from '../../src-renderer/lib/view-state.ts';

describe('view state in the address', () => {
  it('round-trips', () => {
    const s = { view: 'map' as const, item: 7, selection: [4, 9, 12], zoom: { scale: 31.5, tx: 402.25, ty: -288 } };
    const hash = encodeViewState(s);
    expect(hash).toBe('#/map?item=7&sel=4,9,12&zoom=31.5,402.25,-288');
    expect(decodeViewState(hash)).toEqual(s);
    expect(encodeViewState({ view: 'dataset', item: null, selection: [], zoom: null })).toBe('#/dataset');
  });

  it('leaves out a huge selection and ignores what it cannot read', () => {
    const big = Array.from({ length: MAX_SELECTION_IN_URL + 1 }, (_, i) => i + 1);
    expect(encodeViewState({ view: 'map', item: null, selection: big, zoom: null })).toBe('#/map');
    expect(decodeViewState('#/nowhere?item=x&sel=1,a&zoom=0,1,2')).toEqual({ view: 'dataset', item: null, selection: [], zoom: null });
    expect(decodeViewState('')).toEqual({ view: 'dataset', item: null, selection: [], zoom: null });
    expect(decodeViewState('#/anomalies?sel=3')).toMatchObject({ view: 'anomalies', selection: [3] });
  });
});
