// The anomaly list: a run's items ranked strangest first (outlier score), or with relevance feedback
// by the outlier score blended with the person's interesting / not-interesting marks (Astronomaly's
// active learning); each mark is stored as a tag and re-ranks the list at once.
import type { ApiClient } from '../../api/client.ts';
import type { AnomalyView, EmbeddingSetInfo, FeedbackMark, ProjectSummary } from '../../../src-main/api/contract/index.ts';

export class AnomalyList {
  readonly #api: ApiClient;
  #sets = $state.raw<EmbeddingSetInfo[]>([]);
  #view = $state.raw<AnomalyView | null>(null);
  runId = $state<number | null>(null);
  feedback = $state(true);
  limit = $state(48);
  loading = $state(false);

  constructor(api: ApiClient) {
    this.#api = api;
  }

  get sets(): EmbeddingSetInfo[] { return this.#sets; }
  get view(): AnomalyView | null { return this.#view; }

  async loadSets(): Promise<void> {
    this.#sets = await this.#api.call('embeddingSets', {});
    if (this.runId === null || !this.#sets.some((s) => s.runId === this.runId)) this.runId = this.#sets.at(-1)?.runId ?? null;
  }

  async load(signal?: AbortSignal): Promise<void> {
    if (this.runId === null) return;
    this.loading = true;
    try {
      this.#view = await this.#api.call('anomalies', { runId: this.runId, feedback: this.feedback, limit: this.limit }, { signal });
    } finally {
      this.loading = false;
    }
  }

  /** Marks items (null clears), then re-ranks; resolves to the project summary after the change. */
  async mark(ids: number[], mark: FeedbackMark | null): Promise<ProjectSummary> {
    const summary = await this.#api.call('markItems', { ids, mark });
    await this.load();
    return summary;
  }
}
