// Label quality of a run: where the labels come from (item tags with a prefix, or a CSV file the person
// picks), and the last evaluation, whose confusion matrix can show the kNN or the linear-probe answer.
import type { ApiClient } from '../../api/client.ts';
import type { EvaluationView, MethodArgs } from '../../../src-main/api/contract/index.ts';

export type LabelOrigin = 'tags' | 'csv';

export class LabelEvaluation {
  readonly #api: ApiClient;
  #result = $state.raw<EvaluationView | null>(null);
  origin = $state<LabelOrigin>('tags');
  tagPrefix = $state('class:');
  csvName = $state('');
  csvText = $state('');
  shown = $state<'knn' | 'probe'>('knn');

  constructor(api: ApiClient) {
    this.#api = api;
  }

  get result(): EvaluationView | null { return this.#result; }

  get ready(): boolean {
    return this.origin === 'tags' || this.csvText !== '';
  }

  async chooseCsv(file: File | undefined): Promise<void> {
    this.csvName = file?.name ?? '';
    this.csvText = file ? await file.text() : '';
  }

  async evaluate(runId: number, signal?: AbortSignal): Promise<void> {
    const labelsFrom: MethodArgs<'evaluateRun'>['labelsFrom'] = this.origin === 'csv' ? { csv: this.csvText } : { tagPrefix: this.tagPrefix.trim() || undefined };
    this.#result = await this.#api.call('evaluateRun', { runId, labelsFrom }, { signal });
  }

  /** The confusion matrix shown, each cell with its share of the true class (for shading). */
  readonly matrix: { count: number; share: number }[][] = $derived.by(() => {
    const r = this.#result;
    if (!r) return [];
    const confusion = this.shown === 'knn' ? r.knn.confusion : r.linearProbe.confusion;
    return confusion.map((row) => {
      const total = row.reduce((a, b) => a + b, 0);
      return row.map((count) => ({ count, share: total > 0 ? count / total : 0 }));
    });
  });
}
