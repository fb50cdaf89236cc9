// The one input shape of this folder: n items of d numbers, row-major in a Float32Array.
import { AnalysisError } from './errors.ts';

export interface Embeddings {
  readonly data: Float32Array;
  readonly n: number;
  readonly d: number;
}

export type Metric = 'cosine' | 'euclidean';

export interface Progress {
  readonly stage: string;
  readonly done: number;
  readonly total: number;
}

export type ProgressCallback = (p: Progress) => void;

/** Throws an AnalysisError unless `e` is a well-formed n x d matrix of finite numbers. */
export function checkEmbeddings(e: Embeddings, where: string, minItems = 1): void {
  if (!(e.data instanceof Float32Array)) throw new AnalysisError('bad-shape', where, 'data must be a Float32Array');
  if (!Number.isInteger(e.n) || !Number.isInteger(e.d) || e.n < 0 || e.d < 1) {
    throw new AnalysisError('bad-shape', where, `n and d must be positive integers (got n=${e.n}, d=${e.d})`);
  }
  if (e.data.length !== e.n * e.d) {
    throw new AnalysisError('bad-shape', where, `data has ${e.data.length} values, expected n*d = ${e.n}*${e.d} = ${e.n * e.d}`);
  }
  if (e.n < minItems) throw new AnalysisError('bad-shape', where, `needs at least ${minItems} items (got ${e.n})`);
  const x = e.data;
  for (let i = 0; i < x.length; i++) {
    // NaN and Infinity silently poison every distance; say which item carries one.
    if (!Number.isFinite(x[i])) {
      throw new AnalysisError('bad-value', where, `item ${Math.floor(i / e.d)} has a non-finite value at column ${i % e.d}`);
    }
  }
}

export function checkPositiveInteger(value: number, name: string, where: string, max = Infinity): void {
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new AnalysisError('bad-parameter', where, `${name} must be an integer in [1, ${max}] (got ${value})`);
  }
}

/** A Float32Array of `length` backed by shared memory, so worker threads read it without copying. */
export function sharedFloat32(length: number): Float32Array {
  return new Float32Array(new SharedArrayBuffer(length * 4));
}

/** A unit-length copy of one vector (all zeros stays all zeros); for cosine queries. */
export function normalised(v: Float32Array): Float32Array {
  let s = 0;
  for (let t = 0; t < v.length; t++) s += v[t] * v[t];
  const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
  const out = new Float32Array(v.length);
  for (let t = 0; t < v.length; t++) out[t] = v[t] * inv;
  return out;
}

/** Rows scaled to unit length (zero rows stay zero), in shared memory: the cosine metric's working copy. */
export function normalisedRows(e: Embeddings): Float32Array {
  const { data, n, d } = e;
  const out = sharedFloat32(n * d);
  for (let i = 0; i < n; i++) {
    const o = i * d;
    let s = 0;
    for (let t = 0; t < d; t++) s += data[o + t] * data[o + t];
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let t = 0; t < d; t++) out[o + t] = data[o + t] * inv;
  }
  return out;
}

/** The mean of the n rows of an n x d matrix, in float64. */
export function meanVector(data: Float32Array, n: number, d: number): Float64Array {
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const row = i * d;
    for (let j = 0; j < d; j++) mean[j] += data[row + j];
  }
  if (n > 0) for (let j = 0; j < d; j++) mean[j] /= n;
  return mean;
}

/**
 * Cosine similarity of a and b after subtracting `mean` from both. Embeddings crowd into a narrow cone
 * (every raw cosine near 1); about the run's mean, unrelated items score near 0 and close ones near 1.
 * 0 when either vector is the mean itself.
 */
export function centredCosine(a: ArrayLike<number>, b: ArrayLike<number>, mean: ArrayLike<number>): number {
  let dot = 0, na = 0, nb = 0;
  for (let j = 0; j < mean.length; j++) {
    const x = a[j] - mean[j];
    const y = b[j] - mean[j];
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
}
