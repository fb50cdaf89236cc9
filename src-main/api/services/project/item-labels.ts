// What can colour a map point or narrow a search, per item: the run's latest cluster label, its
// latest outlier score, and the item's tags; each read once, then looked up by item id.
import type { Project } from '../../../project/index.ts';

export interface ItemLabels {
  cluster(itemId: number): number | null;
  outlierScore(itemId: number): number | null;
  tags(itemId: number): string[];
}

export function itemLabels(project: Project, runId: number): ItemLabels {
  const clusters = new Map<number, number>();
  const clustering = project.clusterings.latest(runId);
  clustering?.itemIds.forEach((id, i) => clusters.set(id, clustering.labels[i]));
  const scores = new Map<number, number>();
  const scoring = project.outliers.latest(runId);
  scoring?.itemIds.forEach((id, i) => scores.set(id, scoring.scores[i]));
  const tags = tagsByItem(project);
  return {
    cluster: (id) => clusters.get(id) ?? null,
    outlierScore: (id) => scores.get(id) ?? null,
    tags: (id) => tags.get(id) ?? [],
  };
}

/** Every tagged item's tags, sorted; one query per distinct tag rather than one per item. */
export function tagsByItem(project: Project): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const { tag } of project.tags.counts()) {
    for (const id of project.tags.items(tag)) {
      const list = out.get(id);
      if (list) list.push(tag);
      else out.set(id, [tag]);
    }
  }
  return out;
}
