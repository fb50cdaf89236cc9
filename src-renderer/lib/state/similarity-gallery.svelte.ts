// The similarity gallery: a query item, its nearest neighbours in a run's embedding space with their
// cosine similarity, and the run's PCA map on which both are marked.
import type { ApiClient } from '../../api/client.ts';
import type { EmbeddingMapData, EmbeddingSetInfo, SimilarityResult } from '../../../src-main/api/contract/index.ts';

export class SimilarityGallery {
  readonly #api: ApiClient;
  #sets = $state.raw<EmbeddingSetInfo[]>([]);
  #result = $state.raw<SimilarityResult | null>(null);
  #map = $state.raw<EmbeddingMapData | null>(null);
  runId = $state<number | null>(null);
  k = $state(24);

  constructor(api: ApiClient) {
    this.#api = api;
  }

  get sets(): EmbeddingSetInfo[] { return this.#sets; }
  get result(): SimilarityResult | null { return this.#result; }
  get map(): EmbeddingMapData | null { return this.#map; }

  /** Map indices of the query (first) and its matches, for highlighting. */
  readonly highlight: number[] = $derived.by(() => {
    const map = this.#map;
    const r = this.#result;
    if (!map || !r) return [];
    const index = new Map<number, number>();
    map.itemIds.forEach((id, i) => index.set(id, i));
    return [r.query, ...r.matches.map((m) => m.id)].map((id) => index.get(id) ?? -1);
  });

  async loadSets(): Promise<void> {
    this.#sets = await this.#api.call('embeddingSets', {});
    if (this.runId === null || !this.#sets.some((s) => s.runId === this.runId)) this.runId = this.#sets.at(-1)?.runId ?? null;
  }

  async query(id: number, signal?: AbortSignal): Promise<void> {
    if (this.runId === null) return;
    const runId = this.runId;
    const [result, map] = await Promise.all([
      this.#api.call('similar', { runId, id, k: this.k }, { signal }),
      this.#map?.runId === runId ? Promise.resolve(this.#map) : this.#api.call('computeMap', { runId, method: 'pca' }, { signal }),
    ]);
    this.#result = result;
    this.#map = map;
  }
}
