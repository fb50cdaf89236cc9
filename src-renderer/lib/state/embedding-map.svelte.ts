// The embedding map: which run and method, the map itself (typed arrays, replaced wholesale), what
// colours the points, and the lasso selection that can be tagged or exported.
import type { ApiClient } from '../../api/client.ts';
import type { ClusterData, EmbeddingMapData, EmbeddingSetInfo, MapAlgorithm, OutlierData } from '../../../src-main/api/contract/index.ts';
import type { Task } from './app-state.svelte.ts';
import type { ItemIndex } from './item-index.svelte.ts';
import { coloursByCategory, coloursByScore, coloursByValue, categoryColour, uniformColours } from '../point-colours.ts';

export type ColourBy = 'cluster' | 'outlier' | 'tag' | 'object' | 'none';

export interface LegendEntry {
  label: string;
  colour: string;
}

export class EmbeddingMap {
  readonly #api: ApiClient;
  readonly #items: ItemIndex;
  #sets = $state.raw<EmbeddingSetInfo[]>([]);
  #map = $state.raw<EmbeddingMapData | null>(null);
  #clusters = $state.raw<ClusterData | null>(null);
  #outliers = $state.raw<OutlierData | null>(null);
  #selection = $state.raw<number[]>([]);
  runId = $state<number | null>(null);
  method = $state<MapAlgorithm>('pca');
  colourBy = $state<ColourBy>('cluster');
  k = $state(6);

  constructor(api: ApiClient, items: ItemIndex) {
    this.#api = api;
    this.#items = items;
  }

  get sets(): EmbeddingSetInfo[] { return this.#sets; }
  get map(): EmbeddingMapData | null { return this.#map; }
  get selection(): number[] { return this.#selection; }

  readonly selectedMask: Uint8Array | null = $derived.by(() => {
    if (!this.#map || this.#selection.length === 0) return null;
    const mask = new Uint8Array(this.#map.itemIds.length);
    for (const i of this.#selection) mask[i] = 1;
    return mask;
  });

  readonly colouring: { colours: Uint32Array; legend: LegendEntry[] } = $derived.by(() => {
    const map = this.#map;
    if (!map) return { colours: new Uint32Array(0), legend: [] };
    const n = map.itemIds.length;
    if (this.colourBy === 'cluster' && this.#clusters?.labels.length === n) {
      const k = this.#clusters.k;
      return { colours: coloursByCategory(this.#clusters.labels), legend: Array.from({ length: k }, (_, c) => ({ label: `cluster ${c + 1}`, colour: categoryColour(c) })) };
    }
    if (this.colourBy === 'outlier' && this.#outliers?.scores.length === n) {
      return { colours: coloursByScore(this.#outliers.scores), legend: [{ label: 'typical', colour: '#3b0f70' }, { label: 'outlier', colour: '#fcffa4' }] };
    }
    if (this.colourBy === 'tag' || this.colourBy === 'object') {
      const values = Array.from(map.itemIds, (id) => {
        const card = this.#items.get(id);
        return this.colourBy === 'tag' ? (card?.tags[0] ?? null) : (card?.object ?? null);
      });
      return coloursByValue(values);
    }
    return { colours: uniformColours(n), legend: [] };
  });

  async loadSets(): Promise<void> {
    this.#sets = await this.#api.call('embeddingSets', {});
    if (this.runId === null || !this.#sets.some((s) => s.runId === this.runId)) this.runId = this.#sets.at(-1)?.runId ?? null;
  }

  /** Computes (or fetches the cached) map for the chosen run and method, then its colouring data. */
  async compute(task: Task): Promise<void> {
    if (this.runId === null) return;
    const runId = this.runId;
    const off = this.#api.on('mapProgress', (p) => {
      if (p.runId !== runId) return;
      task.progress = p.total ? p.done / p.total : null;
      task.detail = p.stage;
    });
    try {
      const map = await this.#api.call('computeMap', { runId, method: this.method }, { signal: task.signal });
      this.#selection = [];
      this.#map = map;
      await this.loadColouring(task.signal);
    } finally {
      off();
    }
  }

  async loadColouring(signal?: AbortSignal): Promise<void> {
    const map = this.#map;
    if (!map) return;
    if (this.colourBy === 'cluster' && (this.#clusters?.runId !== map.runId || this.#clusters.k !== this.k)) {
      this.#clusters = await this.#api.call('clusters', { runId: map.runId, k: this.k }, { signal });
    }
    if (this.colourBy === 'outlier' && this.#outliers?.runId !== map.runId) {
      this.#outliers = await this.#api.call('outliers', { runId: map.runId }, { signal });
    }
    if ((this.colourBy === 'tag' || this.colourBy === 'object') && this.#items.size === 0) await this.#items.load();
  }

  select(indices: number[]): void {
    this.#selection = indices;
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
