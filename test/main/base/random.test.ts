import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src-main/base/random.ts';

describe('Rng', () => {
  it('is reproducible from a seed and from a saved state', () => {
    const a = new Rng(42);
    for (let i = 0; i < 10; i++) a.next();
    const saved = a.state();
    const expected = Array.from({ length: 5 }, () => a.next());
    const b = Rng.fromState(saved);
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(expected);
    expect(new Rng(42).next()).toBe(new Rng(42).next());
    expect(new Rng(1).next()).not.toBe(new Rng(2).next());
  });

  it('draws uniforms in [0,1) and normals with unit variance', () => {
    const r = new Rng(7);
    let sum = 0, sumsq = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const u = r.next();
      expect(u).toBeGreaterThanOrEqual(0);
      expect(u).toBeLessThan(1);
      const z = r.normal();
      sum += z;
      sumsq += z * z;
    }
    expect(Math.abs(sum / n)).toBeLessThan(0.05);
    expect(Math.abs(sumsq / n - 1)).toBeLessThan(0.05);
  });

  it('draws log-uniforms in [lo, hi), evenly spread over the decades', () => {
    const r = new Rng(3);
    const n = 20000;
    let below = 0;
    for (let i = 0; i < n; i++) {
      const v = r.logUniform(0.01, 100);
      expect(v).toBeGreaterThanOrEqual(0.01);
      expect(v).toBeLessThan(100);
      if (v < 1) below++;
    }
    // 1 is the geometric midpoint: half the draws fall below it (a plain uniform would put 1% there).
    expect(Math.abs(below / n - 0.5)).toBeLessThan(0.02);
  });
});
