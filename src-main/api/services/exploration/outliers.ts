// Anomaly scores: each item's mean distance to its k nearest neighbours (analysis/outliers.ts says
// why this score), stored per run and listed strangest first, so the rarest morphologies come first.
import { scoresFromGraph } from '../../../analysis/index.ts';
import type { OutlierScoring, Project } from '../../../project/index.ts';
import { embeddingCoverage, runEmbeddings } from './embedding-run.ts';
import { neighbourGraph } from './neighbour-graph.ts';
import { ApiError } from '../../contract/errors.ts';
import { tagsByItem } from '../project/item-labels.ts';
import type { ProjectSession } from '../project/project-session.ts';
import type { ComputeOptions } from './embedding-run.ts';
import type { OutlierRequest, OutlierView } from '../../contract/exploration.ts';

export async function computeOutliers(session: ProjectSession, req: OutlierRequest = {}, opts: ComputeOptions = {}): Promise<OutlierView> {
  const { scoring, reused } = await resolveOutliers(session, req, opts);
  return outlierView(session.project, scoring, req.top ?? 50, reused);
}

/**
 * The stored scores made with these parameters, or new ones: stored, or in a read-only project (open in
 * another process) computed in memory only (id 0).
 */
export async function resolveOutliers(session: ProjectSession, req: OutlierRequest = {}, opts: ComputeOptions = {}): Promise<{ scoring: OutlierScoring; reused: boolean }> {
  const project = session.project;
  const re = runEmbeddings(project, req.runId, 2);
  const n = re.set.itemIds.length;
  const k = req.k ?? Math.min(10, n - 1);
  if (!Number.isInteger(k) || k < 1 || k > n - 1) throw new ApiError('bad-argument', `k must be an integer from 1 to ${n - 1} (got ${k})`);
  const metric = req.metric ?? 'cosine';
  if (metric !== 'cosine' && metric !== 'euclidean') throw new ApiError('bad-argument', `metric must be cosine or euclidean (got ${String(metric)})`);
  const top = req.top ?? 50;
  if (!Number.isInteger(top) || top < 1) throw new ApiError('bad-argument', `top must be a positive integer (got ${top})`);
  const params = { k, metric, embeddings: re.fingerprint };
  if (!req.recompute) {
    const stored = project.outliers.latest(re.run.id, params);
    if (stored) return { scoring: stored, reused: true };
  }
  // Scoring from a stored graph is a few array passes: no worker needed.
  const r = scoresFromGraph(await neighbourGraph(project, re, metric, k, opts), k);
  const made = { runId: re.run.id, params, itemIds: re.set.itemIds, scores: r.scores };
  if (session.readOnly) return { scoring: { ...made, id: 0, createdAt: Date.now(), itemIds: Uint32Array.from(made.itemIds) }, reused: false };
  return { scoring: project.outliers.get(project.outliers.save(made))!, reused: false };
}

function outlierView(project: Project, s: OutlierScoring, top: number, reused: boolean): OutlierView {
  const order = Array.from(s.itemIds.keys()).sort((a, b) => s.scores[b] - s.scores[a] || s.itemIds[a] - s.itemIds[b]);
  const tags = tagsByItem(project);
  const ranked: OutlierView['ranked'] = [];
  for (const i of order) {
    if (ranked.length === top) break;
    const item = project.items.get(s.itemIds[i]);
    if (!item) continue;
    ranked.push({ rank: ranked.length + 1, itemId: item.id, path: item.absolutePath, object: item.metadata.object, score: s.scores[i], tags: tags.get(item.id) ?? [] });
  }
  return {
    id: s.id, runId: s.runId, params: s.params as Record<string, number | string>, createdAt: s.createdAt, reused, stored: s.id > 0, items: s.itemIds.length, ranked,
    coverage: embeddingCoverage(project, s.runId),
  };
}
