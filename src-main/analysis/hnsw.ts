// Approximate nearest neighbours for collections too large to scan per query or to graph exactly:
// a compact HNSW (Malkov & Yashunin 2018) on flat typed arrays. Written here because hnswlib-node
// needs a native node-gyp build for both Node and Electron, and hnswlib-wasm 0.8.2 does not even
// resolve under Node (no main entry; it targets browsers with IndexedDB).
import { AnalysisError } from './errors.ts';
import { checkEmbeddings, checkPositiveInteger, normalised } from './embeddings.ts';
import type { Embeddings, Metric, ProgressCallback } from './embeddings.ts';
import { NearestList } from './nearest-list.ts';
import type { Neighbours } from './knn.ts';
import { scanStateOf } from './knn.ts';
import { Rng } from '../base/random.ts';

export interface HnswOptions {
  readonly metric?: Metric;
  /** Links per node on the upper layers (twice this on layer 0). Default 16. */
  readonly m?: number;
  /** Candidate list size while building. Default 100. */
  readonly efConstruction?: number;
  readonly seed?: number;
  readonly onProgress?: ProgressCallback;
  readonly signal?: AbortSignal;
}

const MAX_LEVEL = 16;

/** Min-heap of (id, distance): the frontier a layer search expands, nearest first. */
class Frontier {
  ids = new Int32Array(64);
  dist = new Float64Array(64);
  size = 0;

  push(id: number, dist: number): void {
    if (this.size === this.ids.length) {
      const ids = new Int32Array(this.size * 2);
      ids.set(this.ids);
      this.ids = ids;
      const dd = new Float64Array(this.size * 2);
      dd.set(this.dist);
      this.dist = dd;
    }
    let i = this.size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.dist[p] <= dist) break;
      this.ids[i] = this.ids[p];
      this.dist[i] = this.dist[p];
      i = p;
    }
    this.ids[i] = id;
    this.dist[i] = dist;
  }

  /** Removes the nearest; read `ids[0]`/`dist[0]` first. */
  pop(): void {
    const n = --this.size;
    if (n === 0) return;
    const id = this.ids[n];
    const dist = this.dist[n];
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && this.dist[r] < this.dist[l] ? r : l;
      if (this.dist[c] >= dist) break;
      this.ids[i] = this.ids[c];
      this.dist[i] = this.dist[c];
      i = c;
    }
    this.ids[i] = id;
    this.dist[i] = dist;
  }
}

/** Everything a worker thread needs to query the index: typed arrays in shared memory plus scalars. */
export interface HnswState {
  readonly metric: Metric;
  readonly n: number;
  readonly d: number;
  readonly m: number;
  readonly rows: Float32Array;
  readonly levels: Uint8Array;
  /** Layer 0: 2m link slots per node, and their fill counts. */
  readonly links0: Int32Array;
  readonly count0: Uint8Array;
  /** Node i's layer-l links (l >= 1) are block upperOffset[i] + l - 1 of upperLinks (m slots each). */
  readonly upperOffset: Int32Array;
  readonly upperLinks: Int32Array;
  readonly upperCount: Uint8Array;
  readonly entry: number;
  readonly maxLevel: number;
}

function sharedInt32(length: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(Math.max(1, length) * 4));
}

function sharedUint8(length: number): Uint8Array {
  return new Uint8Array(new SharedArrayBuffer(Math.max(1, length)));
}

export class HnswIndex {
  readonly metric: Metric;
  readonly n: number;
  readonly d: number;
  readonly m: number;
  readonly #m0: number;
  readonly #rows: Float32Array;
  readonly #levels: Uint8Array;
  readonly #links0: Int32Array;
  readonly #count0: Uint8Array;
  readonly #upperOffset: Int32Array;
  readonly #upperLinks: Int32Array;
  readonly #upperCount: Uint8Array;
  #entry = -1;
  #maxLevel = -1;
  readonly #visited: Uint32Array;
  #visitTag = 0;
  readonly #frontier = new Frontier();

  private constructor(s: Omit<HnswState, 'entry' | 'maxLevel'>) {
    this.metric = s.metric;
    this.n = s.n;
    this.d = s.d;
    this.m = s.m;
    this.#m0 = 2 * s.m;
    this.#rows = s.rows;
    this.#levels = s.levels;
    this.#links0 = s.links0;
    this.#count0 = s.count0;
    this.#upperOffset = s.upperOffset;
    this.#upperLinks = s.upperLinks;
    this.#upperCount = s.upperCount;
    this.#visited = new Uint32Array(s.n);
  }

  /** An index over the same shared memory (e.g. in a worker thread), for queries only. */
  static fromState(state: HnswState): HnswIndex {
    const index = new HnswIndex(state);
    index.#entry = state.entry;
    index.#maxLevel = state.maxLevel;
    return index;
  }

  get state(): HnswState {
    return {
      metric: this.metric,
      n: this.n,
      d: this.d,
      m: this.m,
      rows: this.#rows,
      levels: this.#levels,
      links0: this.#links0,
      count0: this.#count0,
      upperOffset: this.#upperOffset,
      upperLinks: this.#upperLinks,
      upperCount: this.#upperCount,
      entry: this.#entry,
      maxLevel: this.#maxLevel,
    };
  }

  /** Builds the index by inserting every item; yields to the event loop now and then so `signal` can stop it. */
  static async build(e: Embeddings, options: HnswOptions = {}): Promise<HnswIndex> {
    checkEmbeddings(e, 'HnswIndex.build');
    const m = options.m ?? 16;
    checkPositiveInteger(m, 'm', 'HnswIndex.build', 100);
    const efC = options.efConstruction ?? 100;
    checkPositiveInteger(efC, 'efConstruction', 'HnswIndex.build');
    const metric = options.metric ?? 'cosine';
    const { rows } = scanStateOf(e, metric);
    const random = new Rng(options.seed ?? 1);
    const mL = 1 / Math.log(m);
    // Levels drawn up front so the upper layers fit in one flat shared array.
    const levels = sharedUint8(e.n);
    const upperOffset = sharedInt32(e.n);
    let blocks = 0;
    for (let i = 0; i < e.n; i++) {
      levels[i] = Math.min(MAX_LEVEL, Math.floor(-Math.log(1 - random.next()) * mL));
      upperOffset[i] = blocks;
      blocks += levels[i];
    }
    const index = new HnswIndex({
      metric,
      n: e.n,
      d: e.d,
      m,
      rows,
      levels,
      links0: sharedInt32(e.n * 2 * m),
      count0: sharedUint8(e.n),
      upperOffset,
      upperLinks: sharedInt32(blocks * m),
      upperCount: sharedUint8(blocks),
    });
    let last = performance.now();
    for (let i = 0; i < e.n; i++) {
      index.#insert(i, levels[i], efC);
      if ((i & 255) === 255 && performance.now() - last > 100) {
        options.onProgress?.({ stage: 'hnsw-build', done: i + 1, total: e.n });
        await new Promise((r) => setImmediate(r));
        options.signal?.throwIfAborted();
        last = performance.now();
      }
    }
    options.onProgress?.({ stage: 'hnsw-build', done: e.n, total: e.n });
    return index;
  }

  /** Approximate k nearest items to `vector`; larger `ef` trades time for recall. */
  query(vector: Float32Array, k: number, ef = 64, exclude = -1): Neighbours {
    if (vector.length !== this.d) {
      throw new AnalysisError('bad-shape', 'HnswIndex.query', `query has ${vector.length} values, the index has d=${this.d}`);
    }
    checkPositiveInteger(k, 'k', 'HnswIndex.query');
    const q = this.metric === 'cosine' ? normalised(vector) : vector;
    const want = exclude >= 0 ? k + 1 : k;
    const results = this.#searchFromTop(q, 0, Math.max(ef, want));
    const count = results.size;
    const ids = new Int32Array(count);
    const keys = new Float64Array(count);
    results.drainSorted(ids, keys);
    const indices: number[] = [];
    const distances: number[] = [];
    for (let i = 0; i < count && indices.length < k; i++) {
      if (ids[i] === exclude) continue;
      indices.push(ids[i]);
      distances.push(this.metric === 'cosine' ? keys[i] : Math.sqrt(keys[i]));
    }
    return { indices: Uint32Array.from(indices), distances: Float32Array.from(distances) };
  }

  /** The stored row i (normalised for cosine). */
  row(i: number): Float32Array {
    return this.#rows.subarray(i * this.d, (i + 1) * this.d);
  }

  /** Cosine distance 1 - dot on normalised rows, or squared Euclidean distance. */
  #distance(q: Float32Array, qo: number, j: number): number {
    const x = this.#rows;
    const d = this.d;
    const o = j * d;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    const d4 = d & ~3;
    let t = 0;
    if (this.metric === 'cosine') {
      for (; t < d4; t += 4) {
        s0 += q[qo + t] * x[o + t];
        s1 += q[qo + t + 1] * x[o + t + 1];
        s2 += q[qo + t + 2] * x[o + t + 2];
        s3 += q[qo + t + 3] * x[o + t + 3];
      }
      for (; t < d; t++) s0 += q[qo + t] * x[o + t];
      return 1 - (s0 + s1 + s2 + s3);
    }
    for (; t < d4; t += 4) {
      const a = q[qo + t] - x[o + t];
      const b = q[qo + t + 1] - x[o + t + 1];
      const c = q[qo + t + 2] - x[o + t + 2];
      const e = q[qo + t + 3] - x[o + t + 3];
      s0 += a * a;
      s1 += b * b;
      s2 += c * c;
      s3 += e * e;
    }
    for (; t < d; t++) {
      const a = q[qo + t] - x[o + t];
      s0 += a * a;
    }
    return s0 + s1 + s2 + s3;
  }

  #searchFromTop(q: Float32Array, qo: number, ef: number): NearestList {
    let ep = this.#entry;
    let epDist = this.#distance(q, qo, ep);
    for (let level = this.#maxLevel; level > 0; level--) {
      [ep, epDist] = this.#greedy(q, qo, ep, epDist, level);
    }
    return this.#searchLayer(q, qo, ep, epDist, ef, 0);
  }

  /** Walks to a local minimum on one upper layer (the ef = 1 search). */
  #greedy(q: Float32Array, qo: number, ep: number, epDist: number, level: number): [number, number] {
    let changed = true;
    while (changed) {
      changed = false;
      const block = this.#upperOffset[ep] + level - 1;
      const links = this.#upperLinks;
      const count = this.#upperCount[block];
      const base = block * this.m;
      for (let c = 0; c < count; c++) {
        const j = links[base + c];
        const dj = this.#distance(q, qo, j);
        if (dj < epDist) {
          epDist = dj;
          ep = j;
          changed = true;
        }
      }
    }
    return [ep, epDist];
  }

  /** Best-first search on one layer from one entry point; returns the ef nearest found. */
  #searchLayer(q: Float32Array, qo: number, ep: number, epDist: number, ef: number, level: number): NearestList {
    const tag = ++this.#visitTag;
    if (tag === 0xffffffff) {
      this.#visited.fill(0);
      this.#visitTag = 1;
    }
    const visited = this.#visited;
    visited[ep] = this.#visitTag;
    const frontier = this.#frontier;
    frontier.size = 0;
    frontier.push(ep, epDist);
    const results = new NearestList(ef);
    results.push(ep, epDist);
    const m0 = this.#m0;
    const m = this.m;
    while (frontier.size > 0) {
      const c = frontier.ids[0];
      const cd = frontier.dist[0];
      if (cd > results.worst) break;
      frontier.pop();
      let links: Int32Array;
      let base: number;
      let count: number;
      if (level === 0) {
        links = this.#links0;
        base = c * m0;
        count = this.#count0[c];
      } else {
        const block = this.#upperOffset[c] + level - 1;
        links = this.#upperLinks;
        base = block * m;
        count = this.#upperCount[block];
      }
      for (let l = 0; l < count; l++) {
        const j = links[base + l];
        if (visited[j] === this.#visitTag) continue;
        visited[j] = this.#visitTag;
        const dj = this.#distance(q, qo, j);
        if (dj < results.worst) {
          frontier.push(j, dj);
          results.push(j, dj);
        }
      }
    }
    return results;
  }

  #insert(i: number, level: number, efC: number): void {
    if (this.#entry < 0) {
      this.#entry = i;
      this.#maxLevel = level;
      return;
    }
    const rows = this.#rows;
    const qo = i * this.d;
    let ep = this.#entry;
    let epDist = this.#distance(rows, qo, ep);
    for (let l = this.#maxLevel; l > level; l--) [ep, epDist] = this.#greedy(rows, qo, ep, epDist, l);
    for (let l = Math.min(level, this.#maxLevel); l >= 0; l--) {
      const found = this.#searchLayer(rows, qo, ep, epDist, efC, l);
      const count = found.size;
      const ids = new Int32Array(count);
      const dists = new Float64Array(count);
      found.drainSorted(ids, dists);
      ep = ids[0];
      epDist = dists[0];
      const chosen = this.#selectNeighbours(ids, dists, count, this.m);
      for (const j of chosen) {
        this.#addLink(i, j, l);
        this.#addLink(j, i, l);
      }
    }
    if (level > this.#maxLevel) {
      this.#entry = i;
      this.#maxLevel = level;
    }
  }

  /**
   * HNSW's heuristic: take candidates nearest-first, skipping any that is closer to an already
   * chosen neighbour than to the new item, so links spread in different directions.
   */
  #selectNeighbours(ids: Int32Array, dists: Float64Array, count: number, max: number): number[] {
    const chosen: number[] = [];
    const rows = this.#rows;
    const d = this.d;
    for (let c = 0; c < count && chosen.length < max; c++) {
      const cand = ids[c];
      let keep = true;
      for (const r of chosen) {
        if (this.#distance(rows, cand * d, r) < dists[c]) {
          keep = false;
          break;
        }
      }
      if (keep) chosen.push(cand);
    }
    return chosen;
  }

  /** Links `from` to `to` on `level`; a full list drops its farthest link if `to` is nearer. */
  #addLink(from: number, to: number, level: number): void {
    let links: Int32Array;
    let base: number;
    let cap: number;
    let counts: Uint8Array;
    let ci: number;
    if (level === 0) {
      links = this.#links0;
      base = from * this.#m0;
      cap = this.#m0;
      counts = this.#count0;
      ci = from;
    } else {
      const block = this.#upperOffset[from] + level - 1;
      links = this.#upperLinks;
      base = block * this.m;
      cap = this.m;
      counts = this.#upperCount;
      ci = block;
    }
    const count = counts[ci];
    if (count < cap) {
      links[base + count] = to;
      counts[ci] = count + 1;
      return;
    }
    // Full: re-choose among the old links plus the new one with the same heuristic (as hnswlib does),
    // which keeps recall high on high-dimensional data where "drop the farthest" loses directions.
    const rows = this.#rows;
    const fo = from * this.d;
    const ids = new Int32Array(cap + 1);
    const dists = new Float64Array(cap + 1);
    for (let l = 0; l < cap; l++) {
      ids[l] = links[base + l];
      dists[l] = this.#distance(rows, fo, ids[l]);
    }
    ids[cap] = to;
    dists[cap] = this.#distance(rows, fo, to);
    const order = Array.from({ length: cap + 1 }, (_, i) => i).sort((a, b) => dists[a] - dists[b]);
    const sortedIds = new Int32Array(cap + 1);
    const sortedDists = new Float64Array(cap + 1);
    order.forEach((o, i) => {
      sortedIds[i] = ids[o];
      sortedDists[i] = dists[o];
    });
    const chosen = this.#selectNeighbours(sortedIds, sortedDists, cap + 1, cap);
    for (let l = 0; l < chosen.length; l++) links[base + l] = chosen[l];
    counts[ci] = chosen.length;
  }
}
