// How many dimensions a set of vectors really uses: the effective rank (Roy & Vetterli 2007),
// exp of the entropy of the normalised singular values of the mean-centred vectors, and the
// participation ratio (sum s^2)^2 / sum s^4. A collapsed embedding (every vector near one
// direction) has an effective rank of a few, whatever its length; a healthy one uses tens.
// Computed from the n x n Gram matrix (n rows, usually a few hundred) by cyclic Jacobi rotations.

export interface Spread {
  effectiveRank: number;
  participationRatio: number;
}

/** Eigenvalues of a small symmetric matrix (row-major, m x m), by cyclic Jacobi sweeps. */
export function symmetricEigenvalues(matrix: Float64Array, m: number): Float64Array {
  const a = Float64Array.from(matrix);
  for (let sweep = 0; sweep < 60; sweep++) {
    let off = 0, diag = 0;
    for (let p = 0; p < m; p++) {
      diag += a[p * m + p]! ** 2;
      for (let q = p + 1; q < m; q++) off += a[p * m + q]! ** 2;
    }
    if (off <= 1e-24 * diag || off === 0) break;
    for (let p = 0; p < m - 1; p++) {
      for (let q = p + 1; q < m; q++) {
        const apq = a[p * m + q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * m + q]! - a[p * m + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1), s = t * c;
        for (let k = 0; k < m; k++) {
          const akp = a[k * m + p]!, akq = a[k * m + q]!;
          a[k * m + p] = c * akp - s * akq; a[k * m + q] = s * akp + c * akq;
        }
        for (let k = 0; k < m; k++) {
          const apk = a[p * m + k]!, aqk = a[q * m + k]!;
          a[p * m + k] = c * apk - s * aqk; a[q * m + k] = s * apk + c * aqk;
        }
      }
    }
  }
  return Float64Array.from({ length: m }, (_, i) => a[i * m + i]!);
}

/** Effective rank and participation ratio of n vectors of length d, packed row-major. */
export function spreadOf(rows: ArrayLike<number>, n: number, d: number): Spread {
  if (n < 2 || d < 1) return { effectiveRank: n > 0 && d > 0 ? 1 : 0, participationRatio: n > 0 && d > 0 ? 1 : 0 };
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j]! += rows[i * d + j]! / n;
  const x = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) x[i * d + j] = rows[i * d + j]! - mean[j]!;
  const gram = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let k = i; k < n; k++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += x[i * d + j]! * x[k * d + j]!;
      gram[i * n + k] = s; gram[k * n + i] = s;
    }
  }
  // Eigenvalues of the Gram matrix are the squared singular values.
  const squared = symmetricEigenvalues(gram, n).map((v) => Math.max(0, v));
  const singular = squared.map(Math.sqrt);
  const total = singular.reduce((a, b) => a + b, 0);
  if (!(total > 0)) return { effectiveRank: 0, participationRatio: 0 };
  let entropy = 0;
  for (const s of singular) if (s > 0) entropy -= (s / total) * Math.log(s / total);
  const sum2 = squared.reduce((a, b) => a + b, 0), sum4 = squared.reduce((a, b) => a + b * b, 0);
  return { effectiveRank: Math.exp(entropy), participationRatio: (sum2 * sum2) / sum4 };
}
