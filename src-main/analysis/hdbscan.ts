// HDBSCAN (Campello, Moulavi & Sander 2013; McInnes' hdbscan library): clusters of varying density
// with no k, and a noise label (-1). Steps: core distances from the kNN graph, a minimum spanning
// tree of the mutual-reachability graph, single linkage, the condensed tree for min_cluster_size,
// then excess-of-mass selection.
import { checkEmbeddings, checkPositiveInteger } from './embeddings.ts';
import type { Embeddings, Metric, ProgressCallback } from './embeddings.ts';
import { knnGraph } from './knn-graph.ts';
import type { KnnGraph } from './knn-graph.ts';
import { scanStateOf } from './knn.ts';

export interface HdbscanOptions {
  /** Smallest group that counts as a cluster. Default 5. */
  readonly minClusterSize?: number;
  /** Neighbours that define an item's core distance (itself included, as in the hdbscan library). Default minClusterSize. */
  readonly minSamples?: number;
  /** Default 'cosine', like the rest of this folder. */
  readonly metric?: Metric;
  /** Exact MST over all pairs (O(n^2 d)) up to this many items; above it, the MST of the kNN graph. Default 20,000. */
  readonly exactLimit?: number;
  /** A graph already computed on the same items and metric, with at least minSamples - 1 neighbours. */
  readonly graph?: KnnGraph;
  readonly onProgress?: ProgressCallback;
  readonly signal?: AbortSignal;
}

export interface HdbscanResult {
  /** Cluster of each item, 0..clusterCount-1, or -1 for noise. */
  readonly labels: Int32Array;
  readonly clusterCount: number;
  /** Excess-of-mass stability of each selected cluster. */
  readonly stabilities: Float64Array;
}

export async function hdbscan(e: Embeddings, options: HdbscanOptions = {}): Promise<HdbscanResult> {
  checkEmbeddings(e, 'hdbscan', 2);
  const { n } = e;
  const minClusterSize = options.minClusterSize ?? 5;
  checkPositiveInteger(minClusterSize, 'minClusterSize', 'hdbscan', n);
  const minSamples = Math.min(options.minSamples ?? minClusterSize, n);
  checkPositiveInteger(minSamples, 'minSamples', 'hdbscan', n);
  const metric = options.metric ?? 'cosine';
  const exact = n <= (options.exactLimit ?? 20_000);
  const k = Math.max(1, Math.min(n - 1, exact ? minSamples - 1 : Math.max(minSamples - 1, 15)));
  const graph =
    options.graph && options.graph.k >= minSamples - 1
      ? options.graph
      : await knnGraph(e, k, { metric, signal: options.signal, onProgress: options.onProgress });
  const core = new Float64Array(n);
  if (minSamples > 1) for (let i = 0; i < n; i++) core[i] = graph.distances[i * graph.k + minSamples - 2];
  options.signal?.throwIfAborted();
  const edges = exact ? primMst(e, metric, core) : graphMst(graph, core);
  options.onProgress?.({ stage: 'hdbscan', done: 1, total: 2 });
  const result = condenseAndSelect(n, edges, Math.max(2, minClusterSize));
  options.onProgress?.({ stage: 'hdbscan', done: 2, total: 2 });
  return result;
}

/** n - 1 edges (a, b, weight), possibly with weight Infinity where the graph had separate components. */
interface Edges {
  readonly a: Int32Array;
  readonly b: Int32Array;
  readonly w: Float64Array;
}

/** Prim's algorithm on the complete mutual-reachability graph: exact, O(n^2 d) time, O(n) memory. */
function primMst(e: Embeddings, metric: Metric, core: Float64Array): Edges {
  const { n, d } = e;
  const s = scanStateOf(e, metric);
  const x = s.rows;
  const cosine = metric === 'cosine';
  const inTree = new Uint8Array(n);
  const best = new Float64Array(n).fill(Infinity);
  const from = new Int32Array(n);
  const a = new Int32Array(n - 1);
  const b = new Int32Array(n - 1);
  const w = new Float64Array(n - 1);
  let current = 0;
  inTree[0] = 1;
  for (let step = 0; step < n - 1; step++) {
    const co = current * d;
    const cc = core[current];
    let next = -1;
    let nextD = Infinity;
    for (let j = 0; j < n; j++) {
      if (inTree[j]) continue;
      let dist: number;
      const o = j * d;
      let dot = 0;
      if (cosine) {
        for (let t = 0; t < d; t++) dot += x[co + t] * x[o + t];
        dist = 1 - dot;
      } else {
        for (let t = 0; t < d; t++) {
          const v = x[co + t] - x[o + t];
          dot += v * v;
        }
        dist = Math.sqrt(dot);
      }
      const mr = Math.max(dist, cc, core[j]);
      if (mr < best[j]) {
        best[j] = mr;
        from[j] = current;
      }
      if (best[j] < nextD) {
        nextD = best[j];
        next = j;
      }
    }
    a[step] = from[next];
    b[step] = next;
    w[step] = nextD;
    inTree[next] = 1;
    current = next;
  }
  return { a, b, w };
}

/** Kruskal on the kNN graph's mutual-reachability edges; components it leaves apart join at Infinity. */
function graphMst(g: KnnGraph, core: Float64Array): Edges {
  const { n, k } = g;
  const m = n * k;
  const order = new Uint32Array(m);
  const weight = new Float64Array(m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) {
      const e = i * k + j;
      order[e] = e;
      weight[e] = Math.max(g.distances[e], core[i], core[g.indices[e]]);
    }
  }
  order.sort((p, q) => weight[p] - weight[q]);
  const parent = new Int32Array(n).map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]];
    return i;
  };
  const a = new Int32Array(n - 1);
  const b = new Int32Array(n - 1);
  const w = new Float64Array(n - 1);
  let count = 0;
  for (let t = 0; t < m && count < n - 1; t++) {
    const e = order[t];
    const i = Math.floor(e / k);
    const j = g.indices[e];
    const ri = find(i);
    const rj = find(j);
    if (ri === rj) continue;
    parent[ri] = rj;
    a[count] = i;
    b[count] = j;
    w[count] = weight[e];
    count++;
  }
  for (let i = 1; i < n && count < n - 1; i++) {
    const ri = find(i);
    const r0 = find(0);
    if (ri === r0) continue;
    parent[ri] = r0;
    a[count] = 0;
    b[count] = i;
    w[count] = Infinity;
    count++;
  }
  return { a, b, w };
}

function condenseAndSelect(n: number, edges: Edges, minClusterSize: number): HdbscanResult {
  // Single linkage: merge MST edges in order of weight; merge t creates node n + t.
  const m = n - 1;
  const order = Array.from({ length: m }, (_, i) => i).sort((p, q) => edges.w[p] - edges.w[q]);
  const left = new Int32Array(m);
  const right = new Int32Array(m);
  const height = new Float64Array(m);
  const size = new Int32Array(2 * n - 1).fill(1);
  const uf = new Int32Array(2 * n - 1).map((_, i) => i);
  const find = (i: number): number => {
    while (uf[i] !== i) i = uf[i] = uf[uf[i]];
    return i;
  };
  order.forEach((e, t) => {
    const ra = find(edges.a[e]);
    const rb = find(edges.b[e]);
    const node = n + t;
    left[t] = ra;
    right[t] = rb;
    height[t] = edges.w[e];
    size[node] = size[ra] + size[rb];
    uf[ra] = node;
    uf[rb] = node;
  });

  // Condensed tree: rows (parent cluster, child cluster-or-item, lambda, child size).
  const root = 2 * n - 2;
  const relabel = new Int32Array(2 * n - 1);
  relabel[root] = n;
  let nextLabel = n + 1;
  const rowParent: number[] = [];
  const rowChild: number[] = [];
  const rowLambda: number[] = [];
  const rowSize: number[] = [];
  const add = (p: number, c: number, l: number, s: number) => {
    rowParent.push(p);
    rowChild.push(c);
    rowLambda.push(l);
    rowSize.push(s);
  };
  const fallOut = (start: number, parentLabel: number, lambda: number) => {
    const stack = [start];
    while (stack.length) {
      const node = stack.pop()!;
      if (node < n) add(parentLabel, node, lambda, 1);
      else stack.push(left[node - n], right[node - n]);
    }
  };
  // Top-down in order of creation: a node's label is fixed before its children are visited.
  const queue = [root];
  for (let qi = 0; qi < queue.length; qi++) {
    const node = queue[qi];
    const t = node - n;
    // Merges at distance 0 (duplicates) would give lambda = Infinity; cap it.
    const lambda = height[t] > 0 ? 1 / height[t] : 1e300;
    const l = left[t];
    const r = right[t];
    const ls = size[l];
    const rs = size[r];
    const label = relabel[node];
    if (ls >= minClusterSize && rs >= minClusterSize) {
      relabel[l] = nextLabel++;
      add(label, relabel[l], lambda, ls);
      relabel[r] = nextLabel++;
      add(label, relabel[r], lambda, rs);
      if (l >= n) queue.push(l);
      if (r >= n) queue.push(r);
    } else if (ls < minClusterSize && rs < minClusterSize) {
      fallOut(l, label, lambda);
      fallOut(r, label, lambda);
    } else if (ls < minClusterSize) {
      fallOut(l, label, lambda);
      relabel[r] = label;
      if (r >= n) queue.push(r);
    } else {
      fallOut(r, label, lambda);
      relabel[l] = label;
      if (l >= n) queue.push(l);
    }
  }

  // Stability of each cluster: sum over what leaves it of (lambda_leave - lambda_birth) * size.
  const clusters = nextLabel - n;
  const birth = new Float64Array(clusters);
  const parentOf = new Int32Array(clusters).fill(-1);
  const children: number[][] = Array.from({ length: clusters }, () => []);
  for (let r = 0; r < rowChild.length; r++) {
    if (rowChild[r] >= n) {
      const c = rowChild[r] - n;
      birth[c] = rowLambda[r];
      parentOf[c] = rowParent[r] - n;
      children[rowParent[r] - n].push(c);
    }
  }
  const stability = new Float64Array(clusters);
  for (let r = 0; r < rowChild.length; r++) {
    const p = rowParent[r] - n;
    const l = Math.min(rowLambda[r], 1e300);
    stability[p] += (l - birth[p]) * rowSize[r];
  }

  // Excess of mass: children's labels exceed their parent's, so descending order is bottom-up.
  const selected = new Uint8Array(clusters).fill(1);
  selected[0] = 0; // the root is never a cluster (hdbscan's allow_single_cluster = False)
  const ownStability = Float64Array.from(stability);
  for (let c = clusters - 1; c >= 1; c--) {
    let sub = 0;
    for (const ch of children[c]) sub += stability[ch];
    if (children[c].length > 0 && sub > stability[c]) {
      selected[c] = 0;
      stability[c] = sub;
    } else {
      const stack = [...children[c]];
      while (stack.length) {
        const dsc = stack.pop()!;
        selected[dsc] = 0;
        stack.push(...children[dsc]);
      }
    }
  }

  // Labels: each cluster inherits the selected ancestor's id; items take their parent cluster's.
  const id = new Int32Array(clusters).fill(-1);
  const stabilities: number[] = [];
  for (let c = 1; c < clusters; c++) {
    if (selected[c]) {
      id[c] = stabilities.length;
      stabilities.push(ownStability[c]);
    } else {
      id[c] = id[parentOf[c]];
    }
  }
  const labels = new Int32Array(n).fill(-1);
  for (let r = 0; r < rowChild.length; r++) if (rowChild[r] < n) labels[rowChild[r]] = id[rowParent[r] - n];
  return { labels, clusterCount: stabilities.length, stabilities: Float64Array.from(stabilities) };
}
