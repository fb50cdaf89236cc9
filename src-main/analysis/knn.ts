// Exact top-k similarity search by a single pass over all rows (or a candidate subset).
// Cosine works on a normalised copy made once; Euclidean ranks by |x|^2 - 2 x.q with the row norms
// precomputed, so both metrics share one 4-way unrolled dot-product loop. At 1e6 x 128 one pass is
// ~128 M multiply-adds, which one core does well inside the 500 ms budget (see bench/analysis.ts).
import { AnalysisError } from './errors.ts';
import { checkEmbeddings, checkPositiveInteger, normalised, normalisedRows, sharedFloat32 } from './embeddings.ts';
import type { Embeddings, Metric } from './embeddings.ts';
import { NearestList } from './nearest-list.ts';

export interface Neighbours {
  /** Item indices, nearest first. */
  readonly indices: Uint32Array;
  /** Cosine distance (1 - cosine similarity) or Euclidean distance, matching `indices`. */
  readonly distances: Float32Array;
}

export interface QueryOptions {
  /** Only these items may be returned (e.g. the items passing a metadata filter). */
  readonly candidates?: Uint32Array;
  /** An item never to return, usually the query item itself. */
  readonly exclude?: number;
}

/** The state a worker thread needs to scan: plain typed arrays, all in shared memory. */
export interface ScanState {
  readonly metric: Metric;
  readonly n: number;
  readonly d: number;
  readonly rows: Float32Array;
  /** Squared row norms for Euclidean; empty for cosine. */
  readonly sqNorms: Float32Array;
}

export class SimilarityIndex {
  readonly metric: Metric;
  readonly n: number;
  readonly d: number;
  readonly #state: ScanState;
  readonly #list = new Map<number, NearestList>();

  private constructor(state: ScanState) {
    this.#state = state;
    this.metric = state.metric;
    this.n = state.n;
    this.d = state.d;
  }

  /** Builds the index. Cosine keeps only the normalised copy; Euclidean keeps a shared copy plus norms. */
  static build(e: Embeddings, metric: Metric = 'cosine'): SimilarityIndex {
    checkEmbeddings(e, 'SimilarityIndex.build');
    return new SimilarityIndex(scanStateOf(e, metric));
  }

  static fromScanState(state: ScanState): SimilarityIndex {
    return new SimilarityIndex(state);
  }

  get scanState(): ScanState {
    return this.#state;
  }

  /** The stored row i (normalised for cosine); a view, not a copy. */
  row(i: number): Float32Array {
    return this.#state.rows.subarray(i * this.d, (i + 1) * this.d);
  }

  /** The k items nearest to `vector` (a d-vector in the original space). */
  query(vector: Float32Array, k: number, options: QueryOptions = {}): Neighbours {
    if (vector.length !== this.d) {
      throw new AnalysisError('bad-shape', 'SimilarityIndex.query', `query has ${vector.length} values, the index has d=${this.d}`);
    }
    checkPositiveInteger(k, 'k', 'SimilarityIndex.query');
    const q = this.metric === 'cosine' ? normalised(vector) : vector;
    let list = this.#list.get(k);
    if (!list) this.#list.set(k, (list = new NearestList(k)));
    list.clear(); // a previous query that threw may have left entries behind
    const exclude = options.exclude ?? -1;
    if (options.candidates) scanSubset(this.#state, q, options.candidates, exclude, list);
    else scanRange(this.#state, q, 0, this.n, exclude, list);
    return finish(this.#state, q, list);
  }

  /** The k items nearest to item i, leaving i itself out. */
  queryItem(i: number, k: number, options: Omit<QueryOptions, 'exclude'> = {}): Neighbours {
    if (!Number.isInteger(i) || i < 0 || i >= this.n) {
      throw new AnalysisError('bad-parameter', 'SimilarityIndex.queryItem', `item ${i} is outside [0, ${this.n})`);
    }
    const q = this.row(i);
    // Rows are stored normalised for cosine; query() renormalises, a no-op up to rounding.
    return this.query(q, k, { ...options, exclude: i });
  }
}

export function scanStateOf(e: Embeddings, metric: Metric): ScanState {
  if (metric !== 'cosine' && metric !== 'euclidean') {
    throw new AnalysisError('bad-parameter', 'similarity', `metric must be 'cosine' or 'euclidean' (got ${String(metric)})`);
  }
  const { n, d } = e;
  if (metric === 'cosine') return { metric, n, d, rows: normalisedRows(e), sqNorms: new Float32Array(0) };
  const rows = sharedFloat32(n * d);
  rows.set(e.data);
  const sqNorms = sharedFloat32(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let t = i * d, end = t + d; t < end; t++) s += rows[t] * rows[t];
    sqNorms[i] = s;
  }
  return { metric, n, d, rows, sqNorms };
}

/** Dot product of q with row j of x; 4 accumulators let the CPU overlap the multiply-adds. */
function dotRow(q: Float32Array, x: Float32Array, o: number, d: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const d4 = d & ~3;
  let t = 0;
  for (; t < d4; t += 4) {
    s0 += q[t] * x[o + t];
    s1 += q[t + 1] * x[o + t + 1];
    s2 += q[t + 2] * x[o + t + 2];
    s3 += q[t + 3] * x[o + t + 3];
  }
  for (; t < d; t++) s0 += q[t] * x[o + t];
  return s0 + s1 + s2 + s3;
}

/**
 * Offers rows [from, to) to `list`, keyed so that smaller is nearer: -cos for cosine,
 * |x|^2 - 2 x.q for Euclidean (|q|^2 is the same for every row and is added back in finish()).
 */
export function scanRange(s: ScanState, q: Float32Array, from: number, to: number, exclude: number, list: NearestList): void {
  const { rows, d, sqNorms } = s;
  if (s.metric === 'cosine') {
    for (let j = from; j < to; j++) {
      const key = -dotRow(q, rows, j * d, d);
      if (key < list.worst && j !== exclude) list.push(j, key);
    }
  } else {
    for (let j = from; j < to; j++) {
      const key = sqNorms[j] - 2 * dotRow(q, rows, j * d, d);
      if (key < list.worst && j !== exclude) list.push(j, key);
    }
  }
}

function scanSubset(s: ScanState, q: Float32Array, candidates: Uint32Array, exclude: number, list: NearestList): void {
  const { rows, d, sqNorms, n } = s;
  const cosine = s.metric === 'cosine';
  for (let c = 0; c < candidates.length; c++) {
    const j = candidates[c];
    if (j >= n) throw new AnalysisError('bad-parameter', 'SimilarityIndex.query', `candidate ${j} is outside [0, ${n})`);
    const dot = dotRow(q, rows, j * d, d);
    const key = cosine ? -dot : sqNorms[j] - 2 * dot;
    if (key < list.worst && j !== exclude) list.push(j, key);
  }
}

/** Turns the list into nearest-first indices and true distances; empties the list. */
export function finish(s: ScanState, q: Float32Array, list: NearestList): Neighbours {
  const count = list.size;
  const indices = new Uint32Array(count);
  const keys = new Float64Array(count);
  list.drainSorted(indices, keys);
  const distances = new Float32Array(count);
  if (s.metric === 'cosine') {
    for (let i = 0; i < count; i++) distances[i] = 1 + keys[i];
  } else {
    let qq = 0;
    for (let t = 0; t < q.length; t++) qq += q[t] * q[t];
    for (let i = 0; i < count; i++) distances[i] = Math.sqrt(Math.max(0, keys[i] + qq));
  }
  return { indices, distances };
}
