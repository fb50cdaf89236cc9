// What the exploration services (maps, similarity, clusters, outliers, tags) hand out, as plain
// JSON-able types. No Node imports: the renderer may `import type` this file, and the CLI's --json
// output is exactly these shapes. Paths are absolute, as in `astromorph ls --json`.

// Type-only (erased at build time): shapes the API passes on from the project unchanged.
import type { LabelEvaluation, Metric } from '../../analysis/index.ts';
import type { ClusterMethod, EmbeddingCoverage, MapInfo, MapMethod } from '../../project/index.ts';

export type { ClusterMethod, LabelEvaluation, MapMethod };
export type SimilarityMetric = Metric;

/** How much of the project a run's vectors cover; every result made from them carries it. */
export interface EmbeddingCoverageView extends EmbeddingCoverage {
  /** No readable item lacks a vector and none is stale. */
  complete: boolean;
  /** What a result made from these vectors leaves out or takes from stale ones; null when complete. */
  warning: string | null;
}

/** Parameters a map may be asked for; each method reads its own and records them all, defaults included. */
export interface MapRequest {
  /** Default: the latest run with embeddings. */
  runId?: number;
  method: MapMethod;
  /** PCA: components kept for inspection (the map shows the first two). Default min(dim, 10). */
  components?: number;
  /** t-SNE. Default 30 (lowered to (n - 1) / 3 for small sets). */
  perplexity?: number;
  /** t-SNE iterations. Default 750. */
  iterations?: number;
  /** UMAP neighbourhood size. Default 15 (at most n - 1). */
  neighbors?: number;
  /** UMAP. Default 0.1. */
  minDist?: number;
  /** UMAP epochs; default umap-js's choice. */
  epochs?: number;
  /** t-SNE and UMAP. Default 1. */
  seed?: number;
  /** t-SNE and UMAP neighbourhoods. Default 'cosine'. */
  metric?: SimilarityMetric;
  /** Compute a new map even when one with these parameters (and the run's current vectors) is stored. */
  recompute?: boolean;
}

export interface MapPoint {
  itemId: number;
  path: string;
  x: number;
  y: number;
  /** Label in the run's latest clustering (-1 noise); null when the run has none. */
  cluster: number | null;
  /** From the run's latest outlier scoring; null when the run has none. */
  outlierScore: number | null;
  tags: string[];
}

export interface PcaComponent {
  /** 1-based: PC1, PC2, … */
  component: number;
  variance: number;
  /** Share of the total variance. */
  ratio: number;
}

export interface EmbeddingMapView {
  id: number;
  runId: number;
  method: MapMethod;
  /** Every parameter the method used, defaults included, and `embeddings`: the fingerprint of the vectors it maps. */
  params: Record<string, number | string>;
  /** ms since epoch. */
  createdAt: number;
  /** True when a stored map was returned instead of computing one. */
  reused: boolean;
  /** False when computed in memory only (a read-only project: open in another process); id is then 0. */
  stored: boolean;
  items: number;
  /** PCA only: the kept components, largest first. */
  explainedVariance: PcaComponent[] | null;
  /** What the method reports (t-SNE klDivergence, iterations; UMAP epochs). */
  info: Record<string, unknown>;
  points: MapPoint[];
  /** The run's vectors as they are now: incomplete or partly stale sets say so. */
  coverage: EmbeddingCoverageView;
}

/** A stored map as listMaps hands it out: the project's own record, passed on as it is. */
export type MapSummary = MapInfo;

export interface AnalysisProgress {
  stage: string;
  done: number;
  total: number;
}

export interface AxisItem {
  itemId: number;
  path: string;
  object: string | null;
  /** The item's coordinate on this component. */
  value: number;
}

/** What a PCA axis means: the items at either end and the header values it follows. */
export interface PcaAxisView {
  mapId: number;
  component: number;
  variance: number;
  ratio: number;
  /** The component's loadings on the embedding dimensions. */
  loadings: number[];
  lowest: AxisItem[];
  highest: AxisItem[];
  /** Pearson correlation of the coordinate with numeric header metadata, strongest first. */
  correlations: { key: string; r: number; items: number }[];
}

export interface SimilarityFilter {
  instrument?: string;
  telescope?: string;
  /** OBJECT, exact match. */
  object?: string;
  tag?: string;
  /** Label in the run's latest clustering. */
  cluster?: number;
  /** Scan status of the item ('ok' unless the file has since failed or gone missing). */
  status?: 'ok' | 'failed' | 'missing';
  /** Items at or under this folder (relative to the project, or absolute). */
  under?: string;
  /** Numeric ranges on metadata (ra, dec, restfrq, bmaj, bmin, bpa) or any numeric header card (e.g. EXPTIME). */
  ranges?: { key: string; min?: number; max?: number }[];
}

export interface SimilarRequest {
  runId?: number;
  /** Default 12. */
  k?: number;
  /** Default 'cosine'. */
  metric?: SimilarityMetric;
  filter?: SimilarityFilter;
  /**
   * 'exact' scans every candidate; 'hnsw' queries an approximate index and measures its recall against
   * the exact answer. With a filter the search is always exact over the filtered items. Default 'exact'.
   */
  search?: 'exact' | 'hnsw';
}

export interface Neighbour {
  rank: number;
  itemId: number;
  path: string;
  object: string | null;
  /** Cosine distance (1 - similarity) or Euclidean distance. */
  distance: number;
  /** Cosine similarity; null for the Euclidean metric. */
  similarity: number | null;
  /**
   * Cosine similarity after subtracting the run's mean vector from both: raw cosines of one run crowd
   * near 1, these spread from about 0 (unrelated) to 1 (alike), so neighbours can be told apart.
   */
  centred: number;
  tags: string[];
}

export interface SimilarityView {
  runId: number;
  query: { kind: 'item'; itemId: number; path: string } | { kind: 'file'; path: string; hdu: number };
  metric: SimilarityMetric;
  search: 'exact' | 'hnsw';
  k: number;
  /** Items that passed the filter (the query item excluded). */
  candidates: number;
  neighbours: Neighbour[];
  /** hnsw only: share of the exact top k that the index returned. */
  recall: number | null;
  /** The run's vectors as they are now: incomplete or partly stale sets say so. */
  coverage: EmbeddingCoverageView;
  seconds: number;
}

export interface ClusterRequest {
  runId?: number;
  method: ClusterMethod;
  /** k-means: number of clusters (required). */
  k?: number;
  /** density: smallest group that counts as a cluster. Default 5. */
  minClusterSize?: number;
  /** density: neighbours defining the core distance. Default minClusterSize. */
  minSamples?: number;
  /** Default 'cosine' (k-means then runs on unit-length rows). */
  metric?: SimilarityMetric;
  seed?: number;
  recompute?: boolean;
}

export interface ClusterSummary {
  /** -1 is noise (density only). */
  label: number;
  size: number;
  /** Items nearest the cluster's mean, up to 5. */
  examples: { itemId: number; path: string }[];
}

export interface ClusteringView {
  id: number;
  runId: number;
  method: ClusterMethod;
  params: Record<string, number | string>;
  createdAt: number;
  reused: boolean;
  /** False when computed in memory only (a read-only project); id is then 0. */
  stored: boolean;
  clusterCount: number;
  /** Items labelled -1. */
  noise: number;
  /** Largest first; noise last. */
  clusters: ClusterSummary[];
  assignments: { itemId: number; path: string; label: number }[];
  /** The run's vectors as they are now: incomplete or partly stale sets say so. */
  coverage: EmbeddingCoverageView;
}

export interface OutlierRequest {
  runId?: number;
  /** Neighbours averaged into the score. Default 10 (at most n - 1). */
  k?: number;
  metric?: SimilarityMetric;
  /** Items listed, strangest first. Default 50. */
  top?: number;
  recompute?: boolean;
}

export interface OutlierView {
  id: number;
  runId: number;
  params: Record<string, number | string>;
  createdAt: number;
  reused: boolean;
  /** False when computed in memory only (a read-only project); id is then 0. */
  stored: boolean;
  items: number;
  ranked: { rank: number; itemId: number; path: string; object: string | null; score: number; tags: string[] }[];
  /** The run's vectors as they are now: incomplete or partly stale sets say so. */
  coverage: EmbeddingCoverageView;
}

export interface ItemTags {
  itemId: number;
  path: string;
  tags: string[];
}

export interface TagCount {
  tag: string;
  count: number;
}

/**
 * Where evaluation labels come from: item tags (those starting with tagPrefix, the prefix dropped; with
 * no prefix, the one tag an item has), or a CSV with a header and columns file (or path, filename)
 * and label (or class).
 */
export type LabelSource =
  | { tagPrefix?: string }
  /** `csv` is the table's text; `name` names it in messages; relative paths are tried against `folder` too. */
  | { csv: string; name?: string; folder?: string };

export interface EvaluationRequest {
  /** Default: the latest run with embeddings. */
  runId?: number;
  labelsFrom: LabelSource;
  /** kNN neighbours and precision@k. Default 10. */
  k?: number;
  /** Linear-probe folds. Default 5. */
  folds?: number;
  seed?: number;
}

/** A run's embeddings scored against labels: the analysis result plus how the labels met the items. */
export interface EvaluationView extends LabelEvaluation {
  runId: number;
  /** What the run's vectors leave out or take from stale ones (scores are over the vectors there are). */
  coverage: EmbeddingCoverageView;
  /** Embedding dimension. */
  dim: number;
  /** Items of the run (with a vector). */
  items: number;
  labelSource: 'csv' | 'tags';
  /** Labelled items per class, in `classes` order. */
  classCounts: number[];
  /** CSV rows with a label that name no item of the run (always 0 for tags). */
  unmatchedRows: number;
  /** The first few of those rows' file values. */
  unmatchedExamples: string[];
  /** Items of the run with no label (ambiguous ones included). */
  unlabelledItems: number;
  /** Items left unlabelled because they carry more than one candidate tag. */
  ambiguousItems: number;
  seconds: number;
}

/** The tags relevance feedback reads and writes: an item carries at most one of them. */
export const FEEDBACK_TAGS = { interesting: 'interesting', notInteresting: 'not-interesting' } as const;
export type FeedbackMark = 'interesting' | 'not-interesting';

export interface AnomalyRequest {
  runId?: number;
  /** Blend the outlier score with a regressor trained on the interesting / not-interesting tags. Default true. */
  feedback?: boolean;
  /** Neighbours averaged into the outlier score (as `astromorph outliers --k`). Default 10. */
  k?: number;
  offset?: number;
  /** Rows listed. Default 50. */
  limit?: number;
}

export interface AnomalyRow {
  rank: number;
  itemId: number;
  path: string;
  object: string | null;
  /** What the list is ranked by: the blended score (0..2) with feedback, else the outlier score scaled to 0..1. */
  score: number;
  /** Mean distance to the k nearest neighbours, as `astromorph outliers` prints it. */
  outlierScore: number;
  /** Predicted interest 0..1 (a marked item's own mark); null without feedback. */
  relevance: number | null;
  mark: FeedbackMark | null;
  tags: string[];
}

/** Items ranked strangest (or, with feedback, most interesting) first. */
export interface AnomalyView {
  runId: number;
  feedback: boolean;
  items: number;
  /** Items marked interesting and not interesting. */
  marked: { interesting: number; notInteresting: number };
  /** False when the outlier scores were computed in memory only (a read-only project). */
  stored: boolean;
  ranked: AnomalyRow[];
  coverage: EmbeddingCoverageView;
}
