import { describe, expect, it } from 'vitest';
import { spreadOf } from '../../../src-main/base/index.ts';
import { Rng } from '../../../src-main/base/random.ts';

describe('spreadOf', () => {
  it('counts the directions vectors spread over: k equal orthogonal directions give k, a line gives 1', () => {
    const d = 10;
    for (const k of [1, 3, 7]) {
      const rows: number[] = [];
      for (let j = 0; j < k; j++) for (const sign of [1, -1]) rows.push(...Array.from({ length: d }, (_, i) => (i === j ? sign * 2 : 0) + 5));
      const s = spreadOf(Float32Array.from(rows), 2 * k, d);
      expect(s.effectiveRank).toBeCloseTo(k, 6);
      expect(s.participationRatio).toBeCloseTo(k, 6);
    }
    // A shared offset (all ReLU features positive) does not count: the vectors are centred first.
    const line = Float32Array.from({ length: 50 * d }, (_, x) => 3 + Math.floor(x / d) * (x % d === 4 ? 1 : 0.5));
    expect(spreadOf(line, 50, d).effectiveRank).toBeCloseTo(1, 4);
  });

  it('unequal spreads count less than their number; isotropic noise in d dimensions comes near d', () => {
    const rng = new Rng(3), n = 400, d = 8;
    const iso = Float32Array.from({ length: n * d }, () => rng.normal());
    expect(spreadOf(iso, n, d).effectiveRank).toBeGreaterThan(7.5);
    const skew = Float32Array.from({ length: n * d }, (_, x) => rng.normal() * (x % d === 0 ? 10 : 0.1));
    expect(spreadOf(skew, n, d).effectiveRank).toBeLessThan(2);
  });


});
