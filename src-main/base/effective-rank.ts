// How many dimensions a set of vectors really uses: the effective rank (Roy & Vetterli 2007),
// exp of the entropy of the normalised singular values of the mean-centred vectors, and the
// participation ratio (sum s^2)^2 / sum s^4. A collapsed embedding (every vector near one
// direction) has an effective rank of a few, whatever its length; a healthy one uses tens.
// One implementation for the training monitor (spreadOf) and label evaluation (the spectrum).
import { rowDots } from './row-dots.ts';
import { symmetricEigenvalues } from './symmetric-eigenvalues.ts';

export interface Spread {
  effectiveRank: number;
  participationRatio: number;
}

/** Effective rank and participation ratio of n vectors of length d, packed row-major. */
export function spreadOf(rows: ArrayLike<number>, n: number, d: number): Spread {
  if (n < 2 || d < 1) return { effectiveRank: n > 0 && d > 0 ? 1 : 0, participationRatio: n > 0 && d > 0 ? 1 : 0 };
  const vectors = Array.from({ length: n }, (_, i) => Float64Array.from({ length: d }, (_, j) => rows[i * d + j]!));
  const spectrum = varianceSpectrum(vectors, d);
  return { effectiveRank: effectiveRankOf(spectrum), participationRatio: participationRatioOf(spectrum) };
}

/** Rows of the Gram matrices per block (label evaluation's tiling). */
const BLOCK = 64;


/**
 * Eigenvalues of the mean-centred vectors' scatter matrix (the squared singular values), largest
 * first, from whichever Gram matrix is smaller: d x d (columns' dot products) or n x n (rows'), of
 * which only the lower triangle is filled (all symmetricEigenvalues reads).
 * Values below rounding (relative to the largest) are set to 0, so rank-deficient data reads as such.
 */
export function varianceSpectrum(vectors: readonly ArrayLike<number>[], d: number): Float64Array {
  const n = vectors.length;
  const mean = new Float64Array(d);
  for (const v of vectors) for (let t = 0; t < d; t++) mean[t] += v[t];
  for (let t = 0; t < d; t++) mean[t] /= n;
  const byColumn = d <= n;
  const m = byColumn ? d : n;
  const len = byColumn ? n : d;
  // Centred data laid out so each Gram entry is one contiguous dot product.
  const c = new Float64Array(n * d);
  vectors.forEach((v, i) => {
    for (let t = 0; t < d; t++) c[byColumn ? t * n + i : i * d + t] = v[t] - mean[t];
  });
  const gram = new Float64Array(m * m);
  const block = new Float64Array(BLOCK * BLOCK);
  for (let ab = 0; ab < m; ab += BLOCK) {
    const aEnd = Math.min(m, ab + BLOCK);
    for (let bb = 0; bb <= ab; bb += BLOCK) {
      const bEnd = Math.min(m, bb + BLOCK);
      rowDots(c, ab, aEnd, c, bb, bEnd, len, block);
      for (let a = ab; a < aEnd; a++) {
        for (let b = bb; b < bEnd && b <= a; b++) gram[a * m + b] = block[(a - ab) * (bEnd - bb) + b - bb];
      }
    }
  }
  const values = symmetricEigenvalues(gram, m);
  const floor = Math.max(0, values[0]) * m * Number.EPSILON * 16;
  for (let i = 0; i < m; i++) if (values[i] <= floor) values[i] = 0;
  return values;
}

export function effectiveRankOf(variances: Float64Array): number {
  let total = 0;
  for (const v of variances) total += Math.sqrt(v);
  if (total === 0) return 0;
  let entropy = 0;
  for (const v of variances) {
    const p = Math.sqrt(v) / total;
    if (p > 0) entropy -= p * Math.log(p);
  }
  return Math.exp(entropy);
}

export function participationRatioOf(variances: Float64Array): number {
  let sum = 0;
  let squares = 0;
  for (const v of variances) {
    sum += v;
    squares += v * v;
  }
  return squares > 0 ? (sum * sum) / squares : 0;
}
