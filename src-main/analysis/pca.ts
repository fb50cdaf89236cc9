// Principal component analysis: mean-centred covariance (d x d, float64), then its top eigenvectors.
// The loadings are kept so an axis of a map can be read back as a direction in embedding space.
import { AnalysisError } from './errors.ts';
import { checkEmbeddings, checkPositiveInteger } from './embeddings.ts';
import type { Embeddings } from './embeddings.ts';
import { symmetricEigen } from '../base/symmetric-eigen.ts';
import { Rng } from '../base/random.ts';

export interface PcaOptions {
  /** Number of components k (default min(d, 10)). */
  readonly components?: number;
  readonly seed?: number;
}

/** Up to this d the whole covariance goes through Jacobi; above it, subspace iteration. */
const FULL_JACOBI_MAX_D = 256;

export class Pca {
  readonly d: number;
  readonly k: number;
  /** The mean row (length d). */
  readonly mean: Float64Array;
  /** k x d row-major: row c is component c, unit length, sign fixed so its largest loading is positive. */
  readonly components: Float64Array;
  /** Variance along each component (eigenvalues of the covariance, n - 1 normalisation). */
  readonly explainedVariance: Float64Array;
  /** explainedVariance / total variance. */
  readonly explainedVarianceRatio: Float64Array;
  readonly totalVariance: number;

  private constructor(d: number, k: number, mean: Float64Array, components: Float64Array, variance: Float64Array, total: number) {
    this.d = d;
    this.k = k;
    this.mean = mean;
    this.components = components;
    this.explainedVariance = variance;
    this.totalVariance = total;
    this.explainedVarianceRatio = variance.map((v) => (total > 0 ? v / total : 0));
  }

  static fit(e: Embeddings, options: PcaOptions = {}): Pca {
    checkEmbeddings(e, 'Pca.fit', 2);
    const { data, n, d } = e;
    const k = options.components ?? Math.min(d, 10);
    checkPositiveInteger(k, 'components', 'Pca.fit', d);
    const mean = new Float64Array(d);
    for (let i = 0; i < n; i++) for (let t = 0; t < d; t++) mean[t] += data[i * d + t];
    for (let t = 0; t < d; t++) mean[t] /= n;
    const cov = covariance(data, n, d, mean);
    let total = 0;
    for (let t = 0; t < d; t++) total += cov[t * d + t];
    const { values, vectors } = d <= FULL_JACOBI_MAX_D ? fullEigen(cov, d, k) : subspaceEigen(cov, d, k, options.seed ?? 1);
    const components = new Float64Array(k * d);
    for (let c = 0; c < k; c++) {
      let big = 0;
      for (let t = 0; t < d; t++) if (Math.abs(vectors[t * k + c]) > Math.abs(big)) big = vectors[t * k + c];
      const sign = big < 0 ? -1 : 1;
      for (let t = 0; t < d; t++) components[c * d + t] = sign * vectors[t * k + c];
    }
    return new Pca(d, k, mean, components, values.map((v) => Math.max(0, v)), total);
  }

  /** Coordinates of n rows (n*d, row-major) on the k components: n*k, row-major. */
  project(data: Float32Array, n = data.length / this.d): Float32Array {
    const { d, k, mean, components } = this;
    if (!Number.isInteger(n) || data.length !== n * d) {
      throw new AnalysisError('bad-shape', 'Pca.project', `data has ${data.length} values, not a multiple of d=${d}`);
    }
    const out = new Float32Array(n * k);
    const centred = new Float64Array(d);
    for (let i = 0; i < n; i++) {
      for (let t = 0; t < d; t++) centred[t] = data[i * d + t] - mean[t];
      for (let c = 0; c < k; c++) {
        let s = 0;
        const o = c * d;
        for (let t = 0; t < d; t++) s += centred[t] * components[o + t];
        out[i * k + c] = s;
      }
    }
    return out;
  }
}

function covariance(data: Float32Array, n: number, d: number, mean: Float64Array): Float64Array {
  const cov = new Float64Array(d * d);
  const row = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < d; t++) row[t] = data[i * d + t] - mean[t];
    // Upper triangle only; mirrored below.
    for (let a = 0; a < d; a++) {
      const ra = row[a];
      if (ra === 0) continue;
      const o = a * d;
      for (let b = a; b < d; b++) cov[o + b] += ra * row[b];
    }
  }
  const norm = 1 / Math.max(1, n - 1);
  for (let a = 0; a < d; a++) {
    for (let b = a; b < d; b++) {
      const v = cov[a * d + b] * norm;
      cov[a * d + b] = v;
      cov[b * d + a] = v;
    }
  }
  return cov;
}

/** Top-k eigenpairs as (values[k], vectors d x k row-major). */
function fullEigen(cov: Float64Array, d: number, k: number): { values: Float64Array; vectors: Float64Array } {
  const eig = symmetricEigen(cov, d);
  const vectors = new Float64Array(d * k);
  for (let t = 0; t < d; t++) for (let c = 0; c < k; c++) vectors[t * k + c] = eig.vectors[t * d + c];
  return { values: eig.values.slice(0, k), vectors };
}

/**
 * Block power (subspace) iteration with a few extra vectors, then Rayleigh–Ritz: O(d^2 m) per
 * step instead of Jacobi's O(d^3) per sweep, so d = 2048 stays quick.
 */
function subspaceEigen(cov: Float64Array, d: number, k: number, seed: number): { values: Float64Array; vectors: Float64Array } {
  const m = Math.min(d, k + 10);
  const random = new Rng(seed);
  let q = new Float64Array(d * m);
  for (let i = 0; i < q.length; i++) q[i] = random.normal();
  orthonormalise(q, d, m);
  let previous = new Float64Array(m);
  for (let iter = 0; iter < 1000; iter++) {
    const z = new Float64Array(d * m);
    for (let a = 0; a < d; a++) {
      const o = a * d;
      for (let b = 0; b < d; b++) {
        const c = cov[o + b];
        if (c === 0) continue;
        const qb = b * m;
        const za = a * m;
        for (let j = 0; j < m; j++) z[za + j] += c * q[qb + j];
      }
    }
    // Column norms of C Q approximate the eigenvalues; stop when the top k stop moving.
    const current = new Float64Array(m);
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let a = 0; a < d; a++) s += z[a * m + j] * z[a * m + j];
      current[j] = Math.sqrt(s);
    }
    orthonormalise(z, d, m);
    q = z;
    let moved = 0;
    for (let j = 0; j < k; j++) moved = Math.max(moved, Math.abs(current[j] - previous[j]) / Math.max(current[0], 1e-300));
    previous = current;
    if (iter > 3 && moved < 1e-12) break;
  }
  // Rayleigh–Ritz: T = Q^T C Q, diagonalised exactly.
  const cq = new Float64Array(d * m);
  for (let a = 0; a < d; a++) {
    for (let b = 0; b < d; b++) {
      const c = cov[a * d + b];
      for (let j = 0; j < m; j++) cq[a * m + j] += c * q[b * m + j];
    }
  }
  const t = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let a = 0; a < d; a++) s += q[a * m + i] * cq[a * m + j];
      t[i * m + j] = s;
    }
  }
  for (let i = 0; i < m; i++) for (let j = i + 1; j < m; j++) t[i * m + j] = t[j * m + i] = 0.5 * (t[i * m + j] + t[j * m + i]);
  const eig = symmetricEigen(t, m);
  const vectors = new Float64Array(d * k);
  for (let a = 0; a < d; a++) {
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let j = 0; j < m; j++) s += q[a * m + j] * eig.vectors[j * m + c];
      vectors[a * k + c] = s;
    }
  }
  return { values: eig.values.slice(0, k), vectors };
}

/** Modified Gram–Schmidt on the m columns of a d x m row-major matrix, in place. */
function orthonormalise(x: Float64Array, d: number, m: number): void {
  for (let j = 0; j < m; j++) {
    for (let i = 0; i < j; i++) {
      let s = 0;
      for (let a = 0; a < d; a++) s += x[a * m + i] * x[a * m + j];
      for (let a = 0; a < d; a++) x[a * m + j] -= s * x[a * m + i];
    }
    let s = 0;
    for (let a = 0; a < d; a++) s += x[a * m + j] * x[a * m + j];
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let a = 0; a < d; a++) x[a * m + j] *= inv;
  }
}
