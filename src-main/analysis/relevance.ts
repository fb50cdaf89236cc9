// Relevance feedback for anomaly ranking, after Astronomaly (Lochner & Bassett 2021): the outlier score
// finds what is rare, but rare is not always interesting (artefacts, bad files). The person marks some
// items interesting (1) or not (0); a regressor on the embeddings predicts that mark for every item, and
// the ranking blends the outlier score with the prediction, trusting the prediction only near labelled
// items (an item far from every label keeps its outlier score: the feedback says nothing about it).
//
// The regressor: distance-weighted k nearest labelled neighbours (cosine), which needs no training step,
// is exact to rerun after every click, and has one parameter. Astronomaly uses a random forest; with
// the tens of labels a person gives, a neighbour average predicts as well and cannot overfit a split.
import { checkEmbeddings } from './embeddings.ts';
import type { Embeddings } from './embeddings.ts';
import { AnalysisError } from './errors.ts';

export interface RelevanceOptions {
  /** Labelled neighbours averaged into a prediction. Default 5 (fewer when fewer are labelled). */
  readonly k?: number;
  /**
   * Distance over which trust in the prediction falls to 1/e: w = exp(-(d / scale)^2) for d the
   * distance to the nearest labelled item. Default the median outlier score (a typical distance from
   * an item to its neighbours, in the same cosine units).
   */
  readonly scale?: number;
}

export interface RelevanceScores {
  /** Predicted interest 0..1 (a labelled item's own label). */
  readonly relevance: Float32Array;
  /** Trust in the prediction 0..1 (1 for a labelled item). */
  readonly trust: Float32Array;
  /** The blended score: outlier score / max outlier score x (1 - trust + 2 trust relevance); 0..2. */
  readonly scores: Float32Array;
  /** Item indices, best first (ties by index). */
  readonly ranking: Uint32Array;
}

function unitRows(e: Embeddings): Float32Array {
  const out = new Float32Array(e.n * e.d);
  for (let i = 0; i < e.n; i++) {
    let s = 0;
    for (let t = 0; t < e.d; t++) s += e.data[i * e.d + t] ** 2;
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let t = 0; t < e.d; t++) out[i * e.d + t] = e.data[i * e.d + t] * inv;
  }
  return out;
}

function median(values: ArrayLike<number>): number {
  const v = Float64Array.from(values).filter(Number.isFinite).sort();
  if (v.length === 0) return 0;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

/**
 * Blends `outlier` scores (one per row of `e`, larger is stranger) with labels: `labels` maps a row to
 * 1 (interesting) or 0 (not). With no labels, the blended score is the outlier score scaled to 0..1.
 */
export function relevanceScores(e: Embeddings, outlier: ArrayLike<number>, labels: ReadonlyMap<number, number>, options: RelevanceOptions = {}): RelevanceScores {
  checkEmbeddings(e, 'relevanceScores', 1);
  if (outlier.length !== e.n) throw new AnalysisError('bad-parameter', 'relevanceScores', `${outlier.length} outlier scores for ${e.n} items`);
  for (const [row, label] of labels) {
    if (!Number.isInteger(row) || row < 0 || row >= e.n) throw new AnalysisError('bad-parameter', 'relevanceScores', `labelled row ${row} is not an item (0..${e.n - 1})`);
    if (!(label >= 0 && label <= 1)) throw new AnalysisError('bad-parameter', 'relevanceScores', `label of row ${row} must be from 0 to 1 (got ${label})`);
  }
  const k = options.k ?? 5;
  if (!Number.isInteger(k) || k < 1) throw new AnalysisError('bad-parameter', 'relevanceScores', `k must be a positive integer (got ${k})`);
  const scale = options.scale ?? median(outlier);
  const n = e.n, d = e.d;
  let maxOutlier = 0;
  for (let i = 0; i < n; i++) if (outlier[i] > maxOutlier) maxOutlier = outlier[i];
  const relevance = new Float32Array(n).fill(0.5);
  const trust = new Float32Array(n);
  const labelled = [...labels.keys()].sort((a, b) => a - b);
  if (labelled.length > 0) {
    const unit = unitRows(e);
    const kk = Math.min(k, labelled.length);
    const dist = new Float64Array(labelled.length);
    const order = labelled.map((_, j) => j);
    for (let i = 0; i < n; i++) {
      const own = labels.get(i);
      if (own !== undefined) {
        relevance[i] = own;
        trust[i] = 1;
        continue;
      }
      for (let j = 0; j < labelled.length; j++) {
        const r = labelled[j];
        let dot = 0;
        for (let t = 0; t < d; t++) dot += unit[i * d + t] * unit[r * d + t];
        dist[j] = Math.max(0, 1 - dot);
      }
      order.sort((a, b) => dist[a] - dist[b] || a - b);
      let wSum = 0, vSum = 0;
      for (let q = 0; q < kk; q++) {
        const j = order[q];
        const w = 1 / (dist[j] + 1e-6);
        wSum += w;
        vSum += w * labels.get(labelled[j])!;
      }
      relevance[i] = vSum / wSum;
      const nearest = dist[order[0]];
      trust[i] = scale > 0 ? Math.exp(-((nearest / scale) ** 2)) : 0;
    }
  }
  const scores = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const s = maxOutlier > 0 && Number.isFinite(outlier[i]) ? outlier[i] / maxOutlier : 0;
    scores[i] = s * (1 - trust[i] + 2 * trust[i] * relevance[i]);
  }
  const ranking = Uint32Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b] - scores[a] || a - b);
  return { relevance, trust, scores, ranking };
}
