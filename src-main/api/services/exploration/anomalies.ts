// Anomalies with relevance feedback (Astronomaly's active learning): the run's outlier scores, blended
// with a regressor trained on the items a person marked interesting or not (tags `interesting` and
// `not-interesting`, so the marks live in the project, travel with it and export with the tags).
import { relevanceScores } from '../../../analysis/index.ts';
import { embeddingCoverage, embeddingsOf, runEmbeddings } from './embedding-run.ts';
import { resolveOutliers } from './outliers.ts';
import { ApiError } from '../../contract/errors.ts';
import { FEEDBACK_TAGS } from '../../contract/exploration.ts';
import type { AnomalyRequest, AnomalyRow, AnomalyView, FeedbackMark } from '../../contract/exploration.ts';
import { tagsByItem } from '../project/item-labels.ts';
import { tagItemIds } from '../project/tags.ts';
import type { ProjectSession } from '../project/project-session.ts';
import type { ComputeOptions } from './embedding-run.ts';

/** The run's items ranked by outlier score, or with feedback by the blended score; `limit` rows from `offset`. */
export async function rankAnomalies(session: ProjectSession, req: AnomalyRequest = {}, opts: ComputeOptions = {}): Promise<AnomalyView> {
  const project = session.project;
  const re = runEmbeddings(project, req.runId, 2);
  const offset = req.offset ?? 0;
  const limit = req.limit ?? 50;
  if (!Number.isInteger(offset) || offset < 0) throw new ApiError('bad-argument', `offset must be a whole number (got ${offset})`);
  if (!Number.isInteger(limit) || limit < 1) throw new ApiError('bad-argument', `limit must be a positive integer (got ${limit})`);
  const feedback = req.feedback ?? true;
  const { scoring } = await resolveOutliers(session, { runId: re.run.id, k: req.k, top: 1 }, opts);
  const n = re.set.itemIds.length;
  // Outlier scores in the run's row order.
  const outlier = new Float32Array(n).fill(Number.NaN);
  scoring.itemIds.forEach((id, i) => {
    const row = re.rowOf.get(id);
    if (row !== undefined) outlier[row] = scoring.scores[i];
  });
  const tags = tagsByItem(project);
  const markOf = (id: number): FeedbackMark | null => {
    const t = tags.get(id) ?? [];
    if (t.includes(FEEDBACK_TAGS.notInteresting)) return 'not-interesting';
    return t.includes(FEEDBACK_TAGS.interesting) ? 'interesting' : null;
  };
  const labels = new Map<number, number>();
  let interesting = 0, notInteresting = 0;
  re.set.itemIds.forEach((id, row) => {
    const mark = markOf(id);
    if (mark === 'interesting') interesting++;
    if (mark === 'not-interesting') notInteresting++;
    if (mark) labels.set(row, mark === 'interesting' ? 1 : 0);
  });
  const r = relevanceScores(embeddingsOf(re.set), outlier, feedback ? labels : new Map());
  const ranked: AnomalyRow[] = [];
  for (let q = offset; q < n && ranked.length < limit; q++) {
    const row = r.ranking[q];
    const itemId = re.set.itemIds[row];
    const item = project.items.get(itemId);
    if (!item) continue;
    ranked.push({
      rank: q + 1, itemId, path: item.absolutePath, object: item.metadata.object, score: r.scores[row], outlierScore: outlier[row],
      relevance: feedback ? r.relevance[row] : null, mark: markOf(itemId), tags: tags.get(itemId) ?? [],
    });
  }
  return {
    runId: re.run.id, feedback, items: n, marked: { interesting, notInteresting }, stored: scoring.id > 0, ranked,
    coverage: embeddingCoverage(project, re.run.id),
  };
}

/** Marks items interesting or not (or clears the mark): one feedback tag at most per item, in one go. */
export function markItems(session: ProjectSession, ids: readonly number[], mark: FeedbackMark | null): void {
  session.assertWritable('mark items');
  const other = mark === 'interesting' ? FEEDBACK_TAGS.notInteresting : mark === 'not-interesting' ? FEEDBACK_TAGS.interesting : null;
  session.project.transaction(() => {
    if (mark === null) {
      tagItemIds(session, ids, FEEDBACK_TAGS.interesting, true);
      tagItemIds(session, ids, FEEDBACK_TAGS.notInteresting, true);
      return;
    }
    tagItemIds(session, ids, other!, true);
    tagItemIds(session, ids, mark, false);
  });
}
