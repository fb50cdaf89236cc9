// A project file worth sharing: a finished run needs only the encoder it embeds with, not the full
// training state (both networks and the optimiser's moments, about ten times the bytes, kept three
// times over while training). Compacting cuts finished runs down to that and VACUUMs the free pages
// out of the file; resumable runs keep their state unless the person asks to drop it.
import { basename } from 'node:path';
// The file, not the model's index.ts: compacting needs the checkpoint format, not tfjs.
import { encoderOnlyCheckpoint } from '../../../model/serialization.ts';
import type { EmbeddingRun, Project } from '../../../project/index.ts';
import { liveTrainer } from '../training/run-process.ts';
import type { CompactReport } from '../../contract/reports.ts';
import { storageView } from './storage-view.ts';

export interface CompactOptions {
  /** Also cut down runs that could still be resumed (cancelled, failed, paused): they can no longer resume. */
  dropResumable?: boolean;
  /** Only these runs (default: every run). */
  runIds?: readonly number[];
  /** VACUUM afterwards (default true). */
  vacuum?: boolean;
}

/** True when the run's latest checkpoint is encoder-only: it embeds, but training cannot resume from it. */
export function trainingStateDropped(project: Project, runId: number): boolean {
  return project.checkpoints.list(runId).at(-1)?.meta.encoderOnly === true;
}

/** Cuts one run's checkpoints down to its latest, encoder only; returns false when there was nothing to cut. */
export function keepEncoderOnly(project: Project, run: EmbeddingRun): boolean {
  const list = project.checkpoints.list(run.id);
  const last = list.at(-1);
  if (last === undefined || (list.length === 1 && last.meta.encoderOnly === true)) return false;
  const checkpoint = project.checkpoints.get(last.id)!;
  const weights = last.meta.encoderOnly === true ? checkpoint.weights
    : encoderOnlyCheckpoint(checkpoint.weights, `${basename(project.path)} run ${run.id} checkpoint ${last.id}`);
  project.checkpoints.keepEncoderOnly(run.id, last.id, weights);
  return true;
}

export function compactProject(project: Project, opts: CompactOptions = {}): CompactReport {
  project.assertWritable('compact the project');
  const before = project.storage();
  const compacted: number[] = [];
  const keptResumable: number[] = [];
  for (const run of project.runs.list()) {
    if (opts.runIds !== undefined && !opts.runIds.includes(run.id)) continue;
    if (project.checkpoints.list(run.id).length === 0) continue;
    const finished = run.status === 'done';
    // A run some process is training now is never touched, even when asked.
    const busy = (run.status === 'running' || run.status === 'paused') && liveTrainer(project, run.id) !== null;
    if (!finished && (busy || !opts.dropResumable)) {
      if (!trainingStateDropped(project, run.id)) keptResumable.push(run.id);
      continue;
    }
    if (keepEncoderOnly(project, run)) compacted.push(run.id);
  }
  if (opts.vacuum !== false) project.vacuum();
  const after = project.storage();
  return { compacted, keptResumable, before: storageView(before), after: storageView(after) };
}
