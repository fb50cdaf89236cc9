// Map colours: a continuous scale for numbers (gray where missing), ticks for the colourbar and axes.
import { describe, expect, it } from 'vitest';
import { coloursByNumber, niceTicks, rampGradient, tickLabel } from '../../src-renderer/lib/point-colours.ts';

describe('continuous colours', () => {
  it('spreads values between their 1st and 99th percentile; NaN is gray and counted', () => {
    const values = Float32Array.from({ length: 101 }, (_, i) => i);
    values[5] = Number.NaN;
    const s = coloursByNumber(values);
    expect(s.missing).toBe(1);
    expect(s.lo).toBe(1);
    expect(s.hi).toBe(99);
    const bright = (c: number) => (c & 0xff) + ((c >> 8) & 0xff) + ((c >> 16) & 0xff);
    // The low end is not the near-black of the plain ramp: it must show on the dark map.
    expect(bright(s.colours[0])).toBeGreaterThan(150);
    expect(bright(s.colours[100])).toBeGreaterThan(bright(s.colours[0]));
    expect(s.colours[5]).not.toBe(s.colours[4]);
    expect(rampGradient()).toMatch(/^linear-gradient\(to right, (rgb|#)/);
  });

  it('ticks are round numbers inside the range', () => {
    const unit = niceTicks(0, 1, 5);
    expect(unit).toHaveLength(6);
    unit.forEach((v, i) => expect(v).toBeCloseTo(i * 0.2, 12));
    const t = niceTicks(-3.7, 12.2, 4);
    expect(t[0]).toBeGreaterThanOrEqual(-3.7);
    expect(t.at(-1)).toBeLessThanOrEqual(12.2);
    expect(t.every((v) => Number.isInteger(v / 5) || Number.isInteger(v / 2))).toBe(true);
    expect(niceTicks(2, 2)).toEqual([2]);
    expect(tickLabel(0.30000000000000004)).toBe('0.3');
    expect(tickLabel(2.3e11)).toBe('2.3e+11');
  });
});
