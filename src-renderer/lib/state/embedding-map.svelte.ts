// The embedding map: which run and method (with t-SNE / UMAP parameters), the map itself (typed arrays,
// replaced wholesale), what colours the points (clusters by k-means or HDBSCAN, outlier score, tag,
// OBJECT or a numeric header value), the zoom, and the lasso selection that can be tagged or exported.
import type { ApiClient } from '../../api/client.ts';
import type { ClusterData, EmbeddingMapData, EmbeddingSetInfo, MapAlgorithm, MapValues, OutlierData } from '../../../src-main/api/contract/index.ts';
import type { Task } from './app-state.svelte.ts';
import type { ItemIndex } from './item-index.svelte.ts';
import { coloursByCategory, coloursByNumber, coloursByValue, categoryColour, uniformColours } from '../point-colours.ts';

/** 'header:KEY' colours by a numeric header value. */
export type ColourBy = 'cluster' | 'outlier' | 'tag' | 'object' | 'none' | `header:${string}`;

export interface LegendEntry {
  label: string;
  colour: string;
}

/** A continuous colour scale's range and title, for the colourbar. */
export interface ColourScale {
  title: string;
  lo: number;
  hi: number;
  missing: number;
}

export interface Colouring {
  colours: Uint32Array;
  legend: LegendEntry[];
  scale: ColourScale | null;
}

/** The legend of a clustering, labelled as `astromorph clusters` prints them (0-based; -1 is noise). */
export function clusterLegend(labels: ArrayLike<number>, count: number): LegendEntry[] {
  const sizes = new Map<number, number>();
  for (let i = 0; i < labels.length; i++) sizes.set(labels[i], (sizes.get(labels[i]) ?? 0) + 1);
  const out = Array.from({ length: count }, (_, c) => ({ label: `cluster ${c} (${sizes.get(c) ?? 0})`, colour: categoryColour(c) }));
  if (sizes.has(-1)) out.push({ label: `noise (${sizes.get(-1)})`, colour: '#6f7785' });
  return out;
}

export class EmbeddingMap {
  readonly #api: ApiClient;
  readonly #items: ItemIndex;
  #sets = $state.raw<EmbeddingSetInfo[]>([]);
  #map = $state.raw<EmbeddingMapData | null>(null);
  #clusters = $state.raw<ClusterData | null>(null);
  #outliers = $state.raw<OutlierData | null>(null);
  #values = $state.raw<MapValues | null>(null);
  #selection = $state.raw<number[]>([]);
  runId = $state<number | null>(null);
  method = $state<MapAlgorithm>('pca');
  /** t-SNE and UMAP parameters; null: the CLI's default. */
  perplexity = $state<number | null>(null);
  neighbors = $state<number | null>(null);
  minDist = $state<number | null>(null);
  colourBy = $state<ColourBy>('cluster');
  clusterMethod = $state<'kmeans' | 'density'>('kmeans');
  k = $state(6);
  minClusterSize = $state(5);
  /** Numeric header keys the run's items carry (for colouring). */
  headerKeys = $state.raw<string[]>([]);
  /** True while a map is being computed (the shown one is then not the asked-for one). */
  computing = $state(false);

  constructor(api: ApiClient, items: ItemIndex) {
    this.#api = api;
    this.#items = items;
  }

  get sets(): EmbeddingSetInfo[] { return this.#sets; }
  get map(): EmbeddingMapData | null { return this.#map; }
  get selection(): number[] { return this.#selection; }
  get clusters(): ClusterData | null { return this.#clusters; }

  readonly selectedMask: Uint8Array | null = $derived.by(() => {
    if (!this.#map || this.#selection.length === 0) return null;
    const mask = new Uint8Array(this.#map.itemIds.length);
    for (const i of this.#selection) mask[i] = 1;
    return mask;
  });

  readonly colouring: Colouring = $derived.by(() => {
    const map = this.#map;
    if (!map) return { colours: new Uint32Array(0), legend: [], scale: null };
    const n = map.itemIds.length;
    if (this.colourBy === 'cluster' && this.#clusters?.labels.length === n && this.#clusters.runId === map.runId) {
      const c = this.#clusters;
      return { colours: coloursByCategory(c.labels), legend: clusterLegend(c.labels, c.k), scale: null };
    }
    if (this.colourBy === 'outlier' && this.#outliers?.scores.length === n && this.#outliers.runId === map.runId) {
      const s = coloursByNumber(this.#outliers.scores);
      return { colours: s.colours, legend: [], scale: { title: 'outlier score (mean cosine distance to 10 nearest)', lo: s.lo, hi: s.hi, missing: s.missing } };
    }
    if (this.colourBy.startsWith('header:') && this.#values?.values.length === n && this.#values.runId === map.runId && `header:${this.#values.key}` === this.colourBy) {
      const s = coloursByNumber(this.#values.values);
      return { colours: s.colours, legend: [], scale: { title: this.#values.key!, lo: s.lo, hi: s.hi, missing: s.missing } };
    }
    if (this.colourBy === 'tag' || this.colourBy === 'object') {
      const values = Array.from(map.itemIds, (id) => {
        const card = this.#items.get(id);
        return this.colourBy === 'tag' ? (card?.tags[0] ?? null) : (card?.object ?? null);
      });
      return { ...coloursByValue(values), scale: null };
    }
    return { colours: uniformColours(n), legend: [], scale: null };
  });

  async loadSets(): Promise<void> {
    this.#sets = await this.#api.call('embeddingSets', {});
    if (this.runId === null || !this.#sets.some((s) => s.runId === this.runId)) this.runId = this.#sets.at(-1)?.runId ?? null;
  }

  #generation = 0;

  /** True when the shown map is the one the controls ask for. */
  get current(): boolean {
    const m = this.#map;
    if (!m || m.runId !== this.runId || m.method !== this.method) return false;
    if (this.method === 'tsne' && this.perplexity !== null && m.params.perplexity !== this.perplexity) return false;
    if (this.method === 'umap' && this.neighbors !== null && m.params.neighbors !== this.neighbors) return false;
    if (this.method === 'umap' && this.minDist !== null && m.params.minDist !== this.minDist) return false;
    return true;
  }

  /** Computes (or fetches the stored) map for the chosen run, method and parameters, then its colouring data. */
  async compute(task: Task): Promise<void> {
    if (this.runId === null) return;
    // Requests can answer out of order (a t-SNE asked for on switching method, then another with the
    // perplexity just typed): only the latest request's map is shown.
    const generation = ++this.#generation;
    const runId = this.runId;
    const method = this.method;
    const off = this.#api.on('mapProgress', (p) => {
      if (p.runId !== runId) return;
      task.progress = p.total ? p.done / p.total : null;
      task.detail = p.stage;
    });
    this.computing = true;
    try {
      const args = {
        runId, method,
        ...(method === 'tsne' && this.perplexity !== null && { perplexity: this.perplexity }),
        ...(method === 'umap' && this.neighbors !== null && { neighbors: this.neighbors }),
        ...(method === 'umap' && this.minDist !== null && { minDist: this.minDist }),
      };
      const map = await this.#api.call('computeMap', args, { signal: task.signal });
      if (generation !== this.#generation) return;
      if (this.#map?.runId !== map.runId) this.#selection = [];
      this.#map = map;
      if (this.#values?.runId !== map.runId) {
        this.#values = null;
        this.headerKeys = (await this.#api.call('mapValues', { runId: map.runId }, { signal: task.signal })).keys;
      }
      await this.loadColouring(task.signal);
    } finally {
      if (generation === this.#generation) this.computing = false;
      off();
    }
  }

  async loadColouring(signal?: AbortSignal): Promise<void> {
    const map = this.#map;
    if (!map) return;
    if (this.colourBy === 'cluster') {
      const c = this.#clusters;
      const same = c?.runId === map.runId && c.method === this.clusterMethod && (this.clusterMethod === 'density' || c.k === this.k);
      if (!same || (this.clusterMethod === 'density' && this.#densitySize !== this.minClusterSize)) {
        this.#clusters = await this.#api.call('clusters', this.clusterMethod === 'kmeans'
          ? { runId: map.runId, method: 'kmeans', k: this.k }
          : { runId: map.runId, method: 'density', minClusterSize: this.minClusterSize }, { signal });
        this.#densitySize = this.minClusterSize;
      }
    }
    if (this.colourBy === 'outlier' && this.#outliers?.runId !== map.runId) {
      this.#outliers = await this.#api.call('outliers', { runId: map.runId }, { signal });
    }
    if (this.colourBy.startsWith('header:')) {
      const key = this.colourBy.slice('header:'.length);
      if (this.#values?.runId !== map.runId || this.#values.key !== key) this.#values = await this.#api.call('mapValues', { runId: map.runId, key }, { signal });
    }
    if ((this.colourBy === 'tag' || this.colourBy === 'object') && this.#items.size === 0) await this.#items.load();
  }
  #densitySize = 0;

  select(indices: number[]): void {
    this.#selection = indices;
  }

  /** Selects the points of these item ids (a selection made in the dataset grid). */
  selectIds(ids: readonly number[]): void {
    const map = this.#map;
    if (!map) return;
    const want = new Set(ids);
    const out: number[] = [];
    map.itemIds.forEach((id, i) => {
      if (want.has(id)) out.push(i);
    });
    this.#selection = out;
  }

  selectedIds(): number[] {
    const map = this.#map;
    return map ? this.#selection.map((i) => map.itemIds[i]) : [];
  }

  outlierScore(index: number): number | null {
    return this.#outliers && this.#outliers.runId === this.#map?.runId ? this.#outliers.scores[index] : null;
  }

  cluster(index: number): number | null {
    return this.#clusters && this.#clusters.runId === this.#map?.runId ? this.#clusters.labels[index] : null;
  }
}
