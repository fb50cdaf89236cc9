// Moving a project's contents between machines and tools: open for writing under the project lock,
// find relocated data, import embeddings computed elsewhere as a new run, and export or import the
// trained encoder as tfjs-format files.
import path from 'node:path';
import { csvTextOf, readEmbeddingsFile, type ImportedEmbeddings } from '../../../export/index.ts';
import { decodeCheckpoint, readModelFiles, writeModelFiles } from '../../../model/index.ts';
import { Project, relocate, trustFolder, type RelocateProgress, type RelocateReport } from '../../../project/index.ts';
import type { DatasetItem } from '../../../dataset/index.ts';
import { ApiError } from '../../contract/errors.ts';
import { existingProjectPath } from '../project/project-path.ts';

/** Opens a project to change it: takes the lock, and refuses clearly when another process holds it. */
export function openForWriting(arg: string, action: string): Project {
  const project = Project.open(existingProjectPath(arg), { lock: true });
  try {
    project.assertWritable(action);
  } catch (e) {
    project.close();
    throw e;
  }
  return project;
}

export function relocateData(project: Project, folder: string, onProgress?: (p: RelocateProgress) => void): RelocateReport {
  const report = relocate(project, folder, { onProgress });
  trustFolder(folder); // the user named it here: files found under it may be read (see trusted-folders.ts)
  return report;
}

export interface ImportReport {
  runId: number;
  source: string;
  rows: number;
  imported: number;
  dim: number;
  /** 'file' values that match no item, or match one already taken by an earlier row. */
  unmatched: string[];
  /** astromorph's own k-means labels, stored as a clustering of the run (null when the file has none). */
  clusters: number | null;
}

/**
 * Stores embeddings from a CSV or .npy (+ CSV) as a new run. Rows are matched to items by the stored
 * relative path, then by the path resolved from the table's folder, then by a file name that only one
 * item has (with the hdu column when given).
 */
export function importEmbeddings(project: Project, file: string, opts: { filesCsv?: string } = {}): ImportReport {
  project.assertWritable('import embeddings');
  const table = readEmbeddingsFile(path.resolve(file), opts);
  const items = project.items.list();
  const byPath = new Map(items.map((i) => [i.path, i]));
  const byAbsolute = new Map(items.map((i) => [i.absolutePath, i]));
  const byName = new Map<string, DatasetItem[]>();
  for (const i of items) byName.set(path.basename(i.path), [...(byName.get(path.basename(i.path)) ?? []), i]);
  const base = path.dirname(table.source);
  const used = new Set<number>();
  const rows: { itemId: number; vector: Float32Array; cluster: number | null }[] = [];
  const unmatched: string[] = [];
  table.files.forEach((cell, r) => {
    // A name the app's own CSV export neutralised ('=…, '@…) is matched by the name it stands for.
    const f = byPath.has(cell) ? cell : csvTextOf(cell);
    const hdu = table.hdus[r] ?? null;
    const fits = (i: DatasetItem | undefined) => i !== undefined && (hdu === null || i.hdu === hdu) ? i : undefined;
    const named = (byName.get(path.basename(f.replaceAll('\\', '/'))) ?? []).filter((i) => fits(i));
    const item = fits(byPath.get(f)) ?? fits(byAbsolute.get(path.resolve(base, f))) ?? (named.length === 1 ? named[0] : undefined);
    if (item === undefined || used.has(item.id)) {
      unmatched.push(cell);
      return;
    }
    used.add(item.id);
    rows.push({ itemId: item.id, vector: table.vectors.slice(r * table.dim, (r + 1) * table.dim), cluster: table.clusters?.[r] ?? null });
  });
  if (rows.length === 0) {
    throw new ApiError('no-data', `${file}: none of its ${table.files.length} rows names a file of ${project.path} (first: ${table.files[0]})`);
  }
  const runId = project.transaction(() => {
    const run = project.runs.create({ config: importedConfig(table), backend: 'imported', seed: 0 });
    project.embeddings.putMany(run.id, rows);
    if (table.clusters !== null) {
      // Labels renumbered 0..k-1 in order of first appearance, as a clustering of ours would be.
      const ids = new Map<number, number>();
      const labels = Int32Array.from(rows, (row) => ids.get(row.cluster!) ?? (ids.set(row.cluster!, ids.size), ids.size - 1));
      project.clusterings.save({ runId: run.id, method: 'kmeans', params: { imported: path.basename(table.source) }, clusterCount: ids.size,
        itemIds: rows.map((row) => row.itemId), labels });
    }
    project.runs.setStatus(run.id, 'done');
    return run.id;
  });
  const clusters = table.clusters === null ? null : new Set(rows.map((r) => r.cluster)).size;
  return { runId, source: table.source, rows: table.files.length, imported: rows.length, dim: table.dim, unmatched, clusters };
}

function importedConfig(t: ImportedEmbeddings): Record<string, unknown> {
  return { imported: { from: path.basename(t.source), rows: t.files.length, dim: t.dim, at: new Date().toISOString() } };
}

/** Writes a run's latest checkpoint's encoder as model.json + weights.bin into `folder`. */
export function exportModel(project: Project, folder: string, runId?: number): { runId: number; modelJson: string; weights: string } {
  const run = runId !== undefined ? project.runs.get(runId)
    : project.runs.list().filter((r) => project.checkpoints.latest(r.id) !== null).at(-1);
  if (!run) throw new ApiError('no-run', runId !== undefined ? `${project.path} has no run ${runId}` : `${project.path} has no trained run to export`);
  const checkpoint = project.checkpoints.latest(run.id);
  if (!checkpoint) throw new ApiError('no-run', `run ${run.id} has no checkpoint yet`);
  return { runId: run.id, ...writeModelFiles(path.resolve(folder), checkpoint.weights) };
}

/** Stores a model folder as a new, finished run with one checkpoint, ready for astromorph embed. */
export function importModel(project: Project, folder: string): { runId: number } {
  project.assertWritable('import a model');
  const bytes = readModelFiles(path.resolve(folder));
  const { manifest } = decodeCheckpoint(bytes, folder);
  const runId = project.transaction(() => {
    const run = project.runs.create({ config: manifest.settings as unknown as Record<string, unknown>, backend: manifest.backend, seed: manifest.settings.seed });
    project.checkpoints.save({ runId: run.id, epoch: manifest.epoch, step: manifest.globalStep, weights: bytes, rng: manifest.rngState,
      // A model folder holds the encoder alone (model-file.ts): it embeds, and there is nothing to resume from.
      meta: { imported: path.basename(path.resolve(folder)), encoderOnly: true } });
    project.runs.setStatus(run.id, 'done');
    return run.id;
  });
  return { runId };
}
