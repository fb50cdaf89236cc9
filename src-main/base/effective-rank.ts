// How many dimensions a set of vectors really uses: the effective rank (Roy & Vetterli 2007),
// exp of the entropy of the normalised singular values of the mean-centred vectors, and the
// participation ratio (sum s^2)^2 / sum s^4. A collapsed embedding (every vector near one
// direction) has an effective rank of a few, whatever its length; a healthy one uses tens.
// Computed from the eigenvalues of the n x n Gram matrix (n rows, usually a few hundred).
import { symmetricEigenvalues } from './symmetric-eigenvalues.ts';

export interface Spread {
  effectiveRank: number;
  participationRatio: number;
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
  // Values at rounding level (relative to the largest) are zero: rank-deficient data reads as such.
  const eigen = symmetricEigenvalues(gram, n);
  const floor = Math.max(0, eigen[0]!) * n * Number.EPSILON * 16;
  const squared = eigen.map((v) => (v > floor ? v : 0));
  const singular = squared.map(Math.sqrt);
  const total = singular.reduce((a, b) => a + b, 0);
  if (!(total > 0)) return { effectiveRank: 0, participationRatio: 0 };
  let entropy = 0;
  for (const s of singular) if (s > 0) entropy -= (s / total) * Math.log(s / total);
  const sum2 = squared.reduce((a, b) => a + b, 0), sum4 = squared.reduce((a, b) => a + b * b, 0);
  return { effectiveRank: Math.exp(entropy), participationRatio: (sum2 * sum2) / sum4 };
}
