// The heavy computations as plain data, so one can be posted to a worker thread and run there.
import type { Embeddings } from './embeddings.ts';
import type { TsneOptions, TsneResult } from './tsne.ts';
import type { UmapOptions, UmapResult } from './umap.ts';
import type { KnnGraph, KnnGraphOptions } from './knn-graph.ts';
import type { HdbscanOptions, HdbscanResult } from './hdbscan.ts';
import type { OutlierOptions, OutlierScores } from './outliers.ts';
import { tsne } from './tsne.ts';
import { umap } from './umap.ts';
import { knnGraph } from './knn-graph.ts';
import { hdbscan } from './hdbscan.ts';
import { outlierScores } from './outliers.ts';
import { evaluateLabels } from './label-evaluation.ts';
import type { LabelEvaluation, LabelEvaluationOptions } from './label-evaluation.ts';
import type { ProgressCallback } from './embeddings.ts';
import { AnalysisError } from './errors.ts';
import { checkEmbeddings } from './embeddings.ts';

type Posted<T> = Omit<T, 'onProgress' | 'signal'>;

export type AnalysisJob =
  | { readonly kind: 'tsne'; readonly embeddings: Embeddings; readonly options?: Posted<TsneOptions> }
  | { readonly kind: 'umap'; readonly embeddings: Embeddings; readonly options?: Posted<UmapOptions> }
  | { readonly kind: 'knn-graph'; readonly embeddings: Embeddings; readonly k: number; readonly options?: Posted<KnnGraphOptions> }
  | { readonly kind: 'hdbscan'; readonly embeddings: Embeddings; readonly options?: Posted<HdbscanOptions> }
  | { readonly kind: 'outliers'; readonly embeddings: Embeddings; readonly options?: Posted<OutlierOptions> }
  /** One label per item (null: unlabelled). */
  | { readonly kind: 'label-evaluation'; readonly embeddings: Embeddings; readonly labels: readonly (string | null)[]; readonly options?: LabelEvaluationOptions };

export type AnalysisJobResult<J extends AnalysisJob> = J['kind'] extends 'tsne'
  ? TsneResult
  : J['kind'] extends 'umap'
    ? UmapResult
    : J['kind'] extends 'knn-graph'
      ? KnnGraph
      : J['kind'] extends 'hdbscan'
        ? HdbscanResult
        : J['kind'] extends 'outliers'
          ? OutlierScores
          : LabelEvaluation;

/** Runs a job in the current thread. */
export async function runAnalysisJob(job: AnalysisJob, onProgress?: ProgressCallback, signal?: AbortSignal): Promise<unknown> {
  const control = { onProgress, signal };
  switch (job.kind) {
    case 'tsne':
      return tsne(job.embeddings, { ...job.options, ...control });
    case 'umap':
      return umap(job.embeddings, { ...job.options, ...control });
    case 'knn-graph':
      return knnGraph(job.embeddings, job.k, { ...job.options, ...control });
    case 'hdbscan':
      return hdbscan(job.embeddings, { ...job.options, ...control });
    case 'outliers':
      return outlierScores(job.embeddings, { ...job.options, ...control });
    case 'label-evaluation': {
      checkEmbeddings(job.embeddings, 'evaluateLabels', 2);
      const { data, n, d } = job.embeddings;
      const rows = Array.from({ length: n }, (_, i) => data.subarray(i * d, (i + 1) * d));
      return evaluateLabels(rows, job.labels, job.options);
    }
    default:
      throw new AnalysisError('bad-parameter', 'runAnalysisJob', `unknown job kind ${String((job as { kind: unknown }).kind)}`);
  }
}
