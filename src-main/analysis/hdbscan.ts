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
  const edges = exact ? primMst(e, metric, core) : graphMst(e, metric, graph, core);
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

/**
 * Kruskal on the kNN graph's mutual-reachability edges. Where the graph falls into separate
 * components, up to 64 sample items of each are scanned exactly against all items outside it, and
 * Kruskal runs again over the kNN edges plus these bridges: a bridge is an upper bound on the true
 * one but of the right scale, so stray items still fall out before the components separate.
 */
function graphMst(e: Embeddings, metric: Metric, g: KnnGraph, core: Float64Array): Edges {
  const { n, k } = g;
  const from: number[] = [];
  const to: number[] = [];
  const weight: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) {
      const t = i * k + j;
      from.push(i);
      to.push(g.indices[t]);
      weight.push(Math.max(g.distances[t], core[i], core[g.indices[t]]));
    }
  }
  let forest = kruskal(n, from, to, weight);
  if (forest.count < n - 1) {
    bridges(e, metric, core, forest.find, from, to, weight);
    forest = kruskal(n, from, to, weight);
  }
  const { a, b, w, find } = forest;
  let count = forest.count;
  // Whatever is still apart (only if bridging failed) joins at infinite distance.
  for (let i = 1; i < n && count < n - 1; i++) {
    const ri = find(i);
    const r0 = find(0);
    if (ri === r0) continue;
    forest.parent[ri] = r0;
    a[count] = 0;
    b[count] = i;
    w[count] = Infinity;
    count++;
  }
  return { a, b, w };
}

interface Forest extends Edges {
  readonly count: number;
  readonly parent: Int32Array;
  readonly find: (i: number) => number;
}

function kruskal(n: number, from: number[], to: number[], weight: number[]): Forest {
  const order = Uint32Array.from(weight.keys()).sort((p, q) => weight[p] - weight[q]);
  const parent = new Int32Array(n).map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]];
    return i;
  };
  const a = new Int32Array(n - 1);
  const b = new Int32Array(n - 1);
  const w = new Float64Array(n - 1);
  let count = 0;
  for (let t = 0; t < order.length && count < n - 1; t++) {
    const edge = order[t];
    const ri = find(from[edge]);
    const rj = find(to[edge]);
    if (ri === rj) continue;
    parent[ri] = rj;
    a[count] = from[edge];
    b[count] = to[edge];
    w[count] = weight[edge];
    count++;
  }
  return { a, b, w, count, parent, find };
}

/** Appends, for sample items of each component, the edge to the nearest item outside the component. */
function bridges(e: Embeddings, metric: Metric, core: Float64Array, find: (i: number) => number, from: number[], to: number[], weight: number[]): void {
  const { n, d } = e;
  const x = scanStateOf(e, metric).rows;
  const root = Int32Array.from({ length: n }, (_, i) => find(i));
  const members = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    let list = members.get(root[i]);
    if (!list) members.set(root[i], (list = []));
    list.push(i);
  }
  // At most 64 samples a component and about 4096 in all, so many small components stay cheap.
  const perComponent = Math.max(1, Math.min(64, Math.floor(4096 / members.size)));
  for (const [r, list] of members) {
    const step = Math.max(1, Math.floor(list.length / perComponent));
    for (let p = 0; p < list.length; p += step) {
      const i = list[p];
      let best = -1;
      let bestW = Infinity;
      for (let j = 0; j < n; j++) {
        if (root[j] === r) continue;
        let acc = 0;
        if (metric === 'cosine') {
          for (let t = 0; t < d; t++) acc += x[i * d + t] * x[j * d + t];
          acc = 1 - acc;
        } else {
          for (let t = 0; t < d; t++) acc += (x[i * d + t] - x[j * d + t]) ** 2;
          acc = Math.sqrt(acc);
        }
        const mr = Math.max(acc, core[i], core[j]);
        if (mr < bestW) {
          bestW = mr;
          best = j;
        }
      }
      if (best >= 0) {
        from.push(i);
        to.push(best);
        weight.push(bestW);
      }
    }
  }
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
