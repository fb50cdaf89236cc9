// Which embedding run an exploration works on, and its vectors as the analysis folder takes them.
import type { EmbeddingRun, EmbeddingSet, Project } from '../../../project/index.ts';
import { ApiError } from '../../contract/errors.ts';
import type { AnalysisProgress, EmbeddingCoverageView } from '../../contract/exploration.ts';

/** How a long exploration job (a map, a neighbour graph, clusters, scores) is cancelled and followed. */
export interface ComputeOptions {
  signal?: AbortSignal;
  onProgress?: (p: AnalysisProgress) => void;
}

export interface RunEmbeddings {
  run: EmbeddingRun;
  set: EmbeddingSet;
  /** Row index of each item id. */
  rowOf: Map<number, number>;
  /** Identifies these exact vectors: a stored result made from other ones (the run was re-embedded) is not reused. */
  fingerprint: string;
}

/** The run asked for, or the newest run that has embeddings. */
export function embeddingRun(project: Project, runId?: number): EmbeddingRun {
  if (runId !== undefined) {
    const run = project.runs.get(runId);
    if (!run) throw new ApiError('bad-argument', `${project.path} has no run ${runId} (astromorph train lists the runs it makes)`);
    if (project.embeddings.count(run.id) === 0) {
      throw new ApiError('no-run', `run ${run.id} has no embeddings yet; compute them with: astromorph embed ${project.path} --run ${run.id}`);
    }
    return run;
  }
  const runs = project.runs.list().filter((r) => project.embeddings.count(r.id) > 0);
  const run = runs[runs.length - 1];
  if (!run) throw new ApiError('no-run', `${project.path} has no embeddings yet; train a model and embed the items first (astromorph train, astromorph embed)`);
  return run;
}

export function runEmbeddings(project: Project, runId?: number, minItems = 1): RunEmbeddings {
  const run = embeddingRun(project, runId);
  const set = project.embeddings.all(run.id);
  if (set.itemIds.length < minItems) {
    throw new ApiError('no-data', `run ${run.id} has embeddings for ${set.itemIds.length} items; this needs at least ${minItems}`);
  }
  return { run, set, rowOf: new Map(set.itemIds.map((id, i) => [id, i])), fingerprint: fingerprint(set) };
}

/** FNV-1a over the item ids and the vectors' bits: about 10 ms for 20,000 x 128 values. */
export function fingerprint(set: EmbeddingSet): string {
  let h = 0x811c9dc5;
  const mix = (word: number) => {
    h = Math.imul(h ^ word, 0x01000193);
  };
  for (const id of set.itemIds) mix(id);
  const bits = new Uint32Array(set.vectors.buffer, set.vectors.byteOffset, set.vectors.length);
  for (let i = 0; i < bits.length; i++) mix(bits[i]);
  return (h >>> 0).toString(16).padStart(8, '0');
}

/**
 * How much of the project the run's vectors cover, with a warning when a result made from them
 * leaves items out (no vector) or uses stale ones: a map or a neighbour list must not pass for the
 * whole survey when it is not.
 */
export function embeddingCoverage(project: Project, runId: number): EmbeddingCoverageView {
  const c = project.embeddings.coverage(runId);
  const problems: string[] = [];
  if (c.withoutVector > 0) {
    problems.push(`${plural(c.withoutVector, 'readable item')} of the project ${c.withoutVector === 1 ? 'has' : 'have'} no vector in run ${runId}`);
  }
  if (c.stale > 0) {
    problems.push(`${plural(c.stale, 'vector')} ${c.stale === 1 ? 'is' : 'are'} stale (kept from an earlier embedding: the file could not be read at the last one)`);
  }
  // Only a run with a checkpoint can embed again; an imported one covers what was imported.
  const advice = project.checkpoints.list(runId).length > 0 ? `; embed again for all: astromorph embed ${project.path} --run ${runId}` : '';
  const warning = problems.length === 0 ? null
    : `run ${runId}'s embeddings are incomplete: ${problems.join('; ')}; results cover the ${plural(c.vectors, 'item')} with vectors${advice}`;
  return { ...c, complete: problems.length === 0, warning };
}

function plural(n: number, what: string): string {
  return `${n.toLocaleString('en')} ${what}${n === 1 ? '' : 's'}`;
}

export function embeddingsOf(set: EmbeddingSet): { data: Float32Array; n: number; d: number } {
  return { data: set.vectors, n: set.itemIds.length, d: set.dim };
}
