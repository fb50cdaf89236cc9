// Which planes of a cube the scan's thumbnail averages: all but the non-first Stokes planes, at most 256, evenly
// spaced. A compressed header can claim 2^28 planes of one pixel; choosing must not list them all.
import { describe, expect, it } from 'vitest';
import type { AxisKind } from '../../../src-main/dataset/index.ts';
import { MAX_THUMBNAIL_PLANES, thumbnailPlanes } from '../../../src-main/dataset/thumbnail.ts';

/** The definition, plane by plane (what the code did before). */
function listed(shape: number[], kinds: AxisKind[]): number[] {
  const extra = shape.slice(2);
  const planes: number[] = [];
  const total = extra.reduce((a, b) => a * b, 1);
  for (let p = 0; p < total; p++) {
    let rest = p;
    let keep = true;
    for (let a = 0; a < extra.length; a++) {
      if (kinds[a + 2] === 'stokes' && rest % extra[a] !== 0) keep = false;
      rest = Math.floor(rest / extra[a]);
    }
    if (keep) planes.push(p);
  }
  if (planes.length <= MAX_THUMBNAIL_PLANES) return planes;
  return Array.from({ length: MAX_THUMBNAIL_PLANES }, (_, i) => planes[Math.floor((i * planes.length) / MAX_THUMBNAIL_PLANES)]!);
}

describe('thumbnailPlanes', () => {
  it('keeps every plane but the non-first Stokes ones, evenly thinned to 256, as defined', () => {
    const s: AxisKind = 'spatial';
    const cases: Array<[number[], AxisKind[]]> = [
      [[8, 8], [s, s]],
      [[8, 8, 5], [s, s, 'spectral']],
      [[8, 8, 5, 4], [s, s, 'spectral', 'stokes']],
      [[8, 8, 4, 7], [s, s, 'stokes', 'spectral']],
      [[8, 8, 1000], [s, s, 'spectral']],
      [[8, 8, 300, 2, 3], [s, s, 'spectral', 'stokes', 'other']],
      [[4, 4, 3, 3, 3], [s, s, 'stokes', 'stokes', 'stokes']],
    ];
    for (const [shape, kinds] of cases) expect(thumbnailPlanes(shape, kinds), shape.join('x')).toEqual(listed(shape, kinds));
  });

  it('chooses among 2^28 claimed planes without listing them', () => {
    const started = performance.now();
    const planes = thumbnailPlanes([1, 1, 2 ** 28], ['spatial', 'spatial', 'spectral']);
    expect(performance.now() - started).toBeLessThan(50);
    expect(planes).toHaveLength(MAX_THUMBNAIL_PLANES);
    expect(planes[1]).toBe(2 ** 20);
    expect(planes.at(-1)).toBe(255 * 2 ** 20);
  });
});
