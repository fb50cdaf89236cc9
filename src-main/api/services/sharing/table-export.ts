// A run's embeddings with everything computed on them, as .npy (+ metadata CSV), a FITS binary table
// or a VOTable: item path and header metadata, the latest map's coordinates, cluster labels, outlier
// scores and tags, then the vector. The item columns are those of the CSV export (../training/embedding.ts).
import { dirname, join, resolve } from 'node:path';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import {
  csvField, formatFloat32, formatNumber, metadataColumns, writeEmbeddingsFitsTable, writeEmbeddingsNpy, writeEmbeddingsVotable,
  type EmbeddedItem, type TableExtras,
} from '../../../export/index.ts';
import type { MapMethod, Project } from '../../../project/index.ts';
import { embeddingRun } from '../exploration/embedding-run.ts';
import { ApiError } from '../../contract/errors.ts';

export type TableFormat = 'npy' | 'fits' | 'votable';
export const TABLE_FORMATS: readonly TableFormat[] = ['npy', 'fits', 'votable'];

export interface TableExportReport {
  runId: number;
  format: TableFormat;
  /** The written files (the .npy and its metadata CSV, or the one table). */
  paths: string[];
  rows: number;
  dim: number;
  /** Extra columns included: map, cluster, outlier_score, tags. */
  extras: string[];
}

/** A run's rows (all, or the items `only` names, in that order) with the results computed on them. */
export interface RunTable {
  runId: number;
  items: EmbeddedItem[];
  dim: number;
  extras: TableExtras;
  /** Extra columns included: map, cluster, outlier_score, tags. */
  included: string[];
}

/** `mapMethod`: the map whose coordinates go in (the latest of that method); default the run's latest map. */
export function runTable(project: Project, runId?: number, only?: readonly number[], mapMethod?: MapMethod): RunTable {
  const run = embeddingRun(project, runId);
  const set = project.embeddings.all(run.id);
  const items: EmbeddedItem[] = [];
  const ids: number[] = [];
  const rowOf = new Map(Array.from(set.itemIds, (id, r) => [id, r]));
  for (const id of only ?? set.itemIds) {
    const r = rowOf.get(id);
    const item = project.items.get(id);
    if (!item || r === undefined) continue;
    ids.push(id);
    items.push({ file: item.path, hdu: item.hdu, shape: item.shape, bitpix: item.bitpix, metadata: item.metadata,
      vector: set.vectors.subarray(r * set.dim, (r + 1) * set.dim) });
  }
  const extras: TableExtras = {};
  const included: string[] = [];
  const mapInfo = project.maps.list(run.id).filter((m) => mapMethod === undefined || m.method === mapMethod).at(-1);
  const map = mapInfo ? project.maps.get(mapInfo.id) : null;
  if (map) {
    const at = new Map(Array.from(map.itemIds, (id, i) => [id, i]));
    const coord = (id: number, k: number) => (at.has(id) ? map.coords[2 * at.get(id)! + k]! : Number.NaN);
    extras.map = { name: map.method, x: ids.map((id) => coord(id, 0)), y: ids.map((id) => coord(id, 1)) };
    included.push(`${map.method}_x`, `${map.method}_y`);
  }
  const clustering = project.clusterings.latest(run.id);
  if (clustering) {
    const label = new Map(Array.from(clustering.itemIds, (id, i) => [id, clustering.labels[i]!]));
    extras.clusters = ids.map((id) => label.get(id) ?? null);
    included.push('cluster');
  }
  const scoring = project.outliers.latest(run.id);
  if (scoring) {
    const score = new Map(Array.from(scoring.itemIds, (id, i) => [id, scoring.scores[i]!]));
    extras.outlierScores = ids.map((id) => score.get(id) ?? Number.NaN);
    included.push('outlier_score');
  }
  extras.tags = ids.map((id) => project.tags.forItem(id));
  included.push('tags');
  return { runId: run.id, items, dim: set.dim, extras, included };
}

/**
 * The table as CSV text: the metadata columns of the .npy export's CSV (file, header metadata, map x/y,
 * cluster, outlier score, tags), then emb_0 … emb_{D-1}: the lasso selection's export from the app.
 */
export function runTableCsv(table: RunTable): string {
  const columns = metadataColumns(table.items, table.extras);
  const lines = [[...columns.map((c) => c.name), ...Array.from({ length: table.dim }, (_, i) => `emb_${i}`)].map(csvField).join(',')];
  table.items.forEach((item, r) => {
    const cells = columns.map((c) => {
      const v = (c.values as ArrayLike<string | number | null>)[r];
      return typeof v === 'number' ? (Number.isFinite(v) ? formatNumber(v) : '') : csvField(v);
    });
    for (const x of item.vector) cells.push(formatFloat32(x));
    lines.push(cells.join(','));
  });
  return `${lines.join('\n')}\n`;
}

/** The table encoded in memory as FITS or VOTable bytes (written through a temporary file). */
export function runTableBytes(table: RunTable, format: 'fits' | 'votable'): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'astromorph-table-'));
  try {
    const file = join(dir, `table.${format === 'fits' ? 'fits' : 'vot'}`);
    if (format === 'fits') writeEmbeddingsFitsTable(file, table.items, table.dim, table.extras, { RUNID: table.runId, ORIGIN: 'Astromorph' });
    else writeEmbeddingsVotable(file, table.items, table.dim, table.extras, `Astromorph embeddings of run ${table.runId}`);
    return new Uint8Array(readFileSync(file));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function exportEmbeddingTable(project: Project, format: TableFormat, out: string, runId?: number): Promise<TableExportReport> {
  const path = resolve(out);
  if (!existsSync(dirname(path)) || !statSync(dirname(path)).isDirectory()) throw new ApiError('not-a-folder', `cannot write ${out}: folder ${dirname(path)} does not exist`);
  const { runId: id, items, dim, extras, included } = runTable(project, runId);
  const run = { id };
  const set = { dim };
  let paths: string[];
  if (format === 'npy') {
    const written = await writeEmbeddingsNpy(path, items, set.dim, extras);
    paths = [written.npy, written.csv];
  } else if (format === 'fits') {
    writeEmbeddingsFitsTable(path, items, set.dim, extras, { RUNID: run.id, ORIGIN: 'Astromorph' });
    paths = [path];
  } else {
    writeEmbeddingsVotable(path, items, set.dim, extras, `Astromorph embeddings of run ${run.id}`);
    paths = [path];
  }
  return { runId: run.id, format, paths, rows: items.length, dim: set.dim, extras: included };
}
