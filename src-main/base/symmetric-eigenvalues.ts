// Every eigenvalue (no vectors) of a dense symmetric matrix: Householder reduction to tridiagonal
// form, then the implicit QL iteration (Numerical Recipes' tred2 and tqli, without accumulating the
// transformations). About (4/3) m^3 multiply-adds: a 512 x 512 matrix takes ~0.2 s, several times
// less than symmetric-eigen.ts spends on it with the vectors. For spectra (PCA variance, effective rank).


/** The eigenvalues of the m x m symmetric row-major `matrix` (only its lower triangle is read), largest first. */
export function symmetricEigenvalues(matrix: ArrayLike<number>, m: number): Float64Array {
  if (matrix.length !== m * m) throw new RangeError(`symmetricEigenvalues: expected ${m} x ${m} values, got ${matrix.length}`);
  const a = Float64Array.from(matrix);
  const d = new Float64Array(m);
  const e = new Float64Array(m);
  tridiagonalise(a, m, d, e);
  tridiagonalQl(d, e, m);
  return d.sort().reverse();
}

/**
 * Householder reduction, row by row from the last: on return d holds the diagonal and e[1..m-1] the
 * sub-diagonal (e[0] = 0). Only the lower triangle is read and updated, along rows, so the inner
 * loops run over contiguous memory.
 */
function tridiagonalise(a: Float64Array, n: number, d: Float64Array, e: Float64Array): void {
  const u = new Float64Array(n);
  const p = new Float64Array(n);
  for (let i = n - 1; i > 0; i--) {
    const ri = i * n;
    const l = i - 1;
    let scale = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(a[ri + k]);
    if (l === 0 || scale === 0) {
      e[i] = a[ri + l]; // nothing left to annihilate in this row
      continue;
    }
    // Scaling first keeps the sum of squares from overflowing or underflowing.
    let h = 0;
    for (let k = 0; k < i; k++) {
      u[k] = a[ri + k] / scale;
      h += u[k] * u[k];
    }
    const f = u[l];
    const g = f >= 0 ? -Math.sqrt(h) : Math.sqrt(h);
    e[i] = scale * g;
    h -= f * g;
    u[l] = f - g;
    // p = A u / h over the leading i x i block, A read from its lower triangle.
    p.fill(0, 0, i);
    for (let j = 0; j < i; j++) {
      const rj = j * n;
      const uj = u[j];
      let s = a[rj + j] * uj;
      for (let k = 0; k < j; k++) {
        const v = a[rj + k];
        s += v * u[k];
        p[k] += v * uj;
      }
      p[j] += s;
    }
    let up = 0;
    for (let j = 0; j < i; j++) {
      p[j] /= h;
      up += u[j] * p[j];
    }
    const half = up / (h + h);
    for (let j = 0; j < i; j++) p[j] -= half * u[j];
    // A -= u q^T + q u^T (q now in p).
    for (let j = 0; j < i; j++) {
      const rj = j * n;
      const uj = u[j];
      const qj = p[j];
      for (let k = 0; k <= j; k++) a[rj + k] -= uj * p[k] + qj * u[k];
    }
  }
  e[0] = 0;
  for (let i = 0; i < n; i++) d[i] = a[i * n + i];
}

/** Implicit QL with Wilkinson-style shifts on the tridiagonal (d, e); the eigenvalues end in d, unsorted. */
function tridiagonalQl(d: Float64Array, e: Float64Array, n: number): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  if (n > 0) e[n - 1] = 0;
  for (let l = 0; l < n; l++) {
    let iterations = 0;
    let m: number;
    do {
      for (m = l; m < n - 1; m++) {
        const dd = Math.abs(d[m]) + Math.abs(d[m + 1]);
        if (Math.abs(e[m]) <= Number.EPSILON * dd) break;
      }
      if (m !== l) {
        if (iterations++ === 100) throw new RangeError('symmetricEigenvalues: the QL iteration did not converge');
        let g = (d[l + 1] - d[l]) / (2 * e[l]);
        let r = Math.hypot(g, 1);
        g = d[m] - d[l] + e[l] / (g + (g >= 0 ? Math.abs(r) : -Math.abs(r)));
        let s = 1;
        let c = 1;
        let p = 0;
        let i: number;
        for (i = m - 1; i >= l; i--) {
          const f = s * e[i];
          const b = c * e[i];
          r = Math.hypot(f, g);
          e[i + 1] = r;
          if (r === 0) {
            // Underflow: the matrix splits here; recover and go round again.
            d[i + 1] -= p;
            e[m] = 0;
            break;
          }
          s = f / r;
          c = g / r;
          g = d[i + 1] - p;
          r = (d[i] - g) * s + 2 * c * b;
          p = s * r;
          d[i + 1] = g + p;
          g = c * r - b;
        }
        if (r === 0 && i >= l) continue;
        d[l] -= p;
        e[l] = g;
        e[m] = 0;
      }
    } while (m !== l);
  }
}
