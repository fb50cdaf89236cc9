import { describe, expect, it } from 'vitest';
import { Rng, symmetricEigen, symmetricEigenvalues } from '../../../src-main/base/index.ts';

function randomSymmetric(m: number, random: Rng): Float64Array {
  const a = new Float64Array(m * m);
  for (let i = 0; i < m; i++) for (let j = 0; j <= i; j++) a[i * m + j] = a[j * m + i] = random.normal();
  return a;
}

describe('symmetricEigen', () => {
  it('A v = lambda v with orthonormal vectors, largest first', () => {
    const random = new Rng(2);
    for (const m of [1, 2, 3, 17, 64]) {
      const a = randomSymmetric(m, random);
      const { values, vectors } = symmetricEigen(a, m);
      for (let j = 1; j < m; j++) expect(values[j]).toBeLessThanOrEqual(values[j - 1]);
      let residual = 0, orthogonality = 0;
      for (let j = 0; j < m; j++) {
        for (let i = 0; i < m; i++) {
          let av = 0;
          for (let k = 0; k < m; k++) av += a[i * m + k] * vectors[k * m + j];
          residual = Math.max(residual, Math.abs(av - values[j] * vectors[i * m + j]));
        }
        for (let k = 0; k < m; k++) {
          let dot = 0;
          for (let i = 0; i < m; i++) dot += vectors[i * m + j] * vectors[i * m + k];
          orthogonality = Math.max(orthogonality, Math.abs(dot - (j === k ? 1 : 0)));
        }
      }
      expect(residual).toBeLessThan(1e-12);
      expect(orthogonality).toBeLessThan(1e-12);
    }
  });

  it('degenerate matrices: zero, identity, diagonal, rank one', () => {
    expect([...symmetricEigen(new Float64Array(9), 3).values]).toEqual([0, 0, 0]);
    expect([...symmetricEigen(Float64Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]), 3).values]).toEqual([1, 1, 1]);
    const diagonal = symmetricEigen(Float64Array.from([3, 0, 0, 0, 1, 0, 0, 0, 2]), 3);
    expect([...diagonal.values]).toEqual([3, 2, 1]);
    expect(Math.abs(diagonal.vectors[0])).toBe(1); // e1 for 3
    const ones = symmetricEigen(new Float64Array(16).fill(1), 4);
    expect(ones.values[0]).toBeCloseTo(4, 12);
    for (let i = 0; i < 4; i++) expect(Math.abs(ones.vectors[i * 4])).toBeCloseTo(0.5, 12);
    expect(() => symmetricEigen([1, 2, 3], 2)).toThrow(RangeError);
  });
});

describe('symmetricEigenvalues', () => {
  it('agrees with symmetricEigen, largest first', () => {
    const random = new Rng(2);
    for (const m of [1, 2, 3, 17, 40]) {
      const a = randomSymmetric(m, random);
      const expected = symmetricEigen(a, m).values;
      const got = symmetricEigenvalues(a, m);
      for (let i = 0; i < m; i++) expect(got[i]).toBeCloseTo(expected[i], 10);
    }
    const [large, small] = symmetricEigenvalues([2, 1, 1, 2], 2);
    expect(large).toBeCloseTo(3, 14);
    expect(small).toBeCloseTo(1, 14);
  });

  it('the eigenvalues of a known matrix', () => {
    const ev = [...symmetricEigenvalues(Float64Array.from([2, 1, 0, 1, 2, 0, 0, 0, 5]), 3)];
    expect(ev[0]).toBeCloseTo(5, 10); expect(ev[1]).toBeCloseTo(3, 10); expect(ev[2]).toBeCloseTo(1, 10);
  });
});
