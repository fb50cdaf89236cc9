import { describe, expect, it } from 'vitest';
import { AnalysisError, Pca } from '../../../src-main/analysis/index.ts';
import { Rng } from '../../../src-main/base/random.ts';

/** n items spread along three known orthonormal axes with std 5, 2, 0.5, tiny isotropic noise, offset mean. */
function knownAxes(seed: number, n: number, d: number) {
  const random = new Rng(seed);
  const axes: Float64Array[] = [];
  while (axes.length < 3) {
    const v = Float64Array.from({ length: d }, () => random.normal());
    for (const a of axes) {
      let s = 0;
      for (let t = 0; t < d; t++) s += v[t] * a[t];
      for (let t = 0; t < d; t++) v[t] -= s * a[t];
    }
    const norm = Math.hypot(...v);
    axes.push(v.map((x) => x / norm));
  }
  const stds = [5, 2, 0.5];
  const offset = Float64Array.from({ length: d }, () => 3 * random.normal());
  const data = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    const z = stds.map((s) => s * random.normal());
    for (let t = 0; t < d; t++) {
      data[i * d + t] = offset[t] + z[0] * axes[0][t] + z[1] * axes[1][t] + z[2] * axes[2][t] + 0.01 * random.normal();
    }
  }
  return { data, n, d, axes, stds };
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>, d: number, ao = 0): number {
  let s = 0;
  for (let t = 0; t < d; t++) s += a[ao + t] * b[t];
  return s;
}

describe('Pca', () => {
  for (const d of [8, 300]) {
    it(`recovers known axes and variance ratios (d=${d}, ${d <= 256 ? 'Jacobi' : 'subspace iteration'})`, () => {
      const { data, n, axes, stds } = knownAxes(7, 4000, d);
      const pca = Pca.fit({ data, n, d }, { components: 3 });
      const expectedTotal = stds.reduce((s, x) => s + x * x, 0) + d * 0.01 ** 2;
      for (let c = 0; c < 3; c++) {
        expect(Math.abs(dot(pca.components, axes[c], d, c * d))).toBeGreaterThan(0.999);
        // Sampling error of a variance from 4000 items is ~2%; allow 6%.
        expect(Math.abs(pca.explainedVarianceRatio[c] / ((stds[c] ** 2) / expectedTotal) - 1)).toBeLessThan(0.06);
      }
      // Exact identities: the variance of the projected coordinates is the eigenvalue; components are orthonormal.
      const projected = pca.project(data);
      for (let c = 0; c < 3; c++) {
        let s = 0;
        let m = 0;
        for (let i = 0; i < n; i++) m += projected[i * 3 + c];
        m /= n;
        for (let i = 0; i < n; i++) s += (projected[i * 3 + c] - m) ** 2;
        expect(s / (n - 1) / pca.explainedVariance[c]).toBeCloseTo(1, 4);
        expect(Math.abs(m)).toBeLessThan(1e-3 * stds[c]);
        for (let c2 = 0; c2 < 3; c2++) {
          expect(dot(pca.components, pca.components.subarray(c2 * d, c2 * d + d), d, c * d)).toBeCloseTo(c === c2 ? 1 : 0, 9);
        }
      }
      expect(pca.explainedVarianceRatio[0]).toBeGreaterThan(pca.explainedVarianceRatio[1]);
      expect(pca.explainedVarianceRatio[1]).toBeGreaterThan(pca.explainedVarianceRatio[2]);
    });
  }

  it('names the problem for bad input', () => {
    expect(() => Pca.fit({ data: new Float32Array(10), n: 3, d: 4 })).toThrow(AnalysisError);
    expect(() => Pca.fit({ data: new Float32Array([1, 2, NaN, 4]), n: 2, d: 2 })).toThrow(/item 1 has a non-finite value/);
    expect(() => Pca.fit({ data: new Float32Array(8), n: 4, d: 2 }, { components: 3 })).toThrow(/components/);
  });
});
