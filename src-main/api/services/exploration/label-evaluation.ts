// How well a run's embeddings separate labels the user has: from a CSV (file,label) or from item
// tags. The labels are matched to the run's items here; the scoring itself (analysis/label-evaluation.ts)
// runs on a worker thread, so a server or the app stays responsive and Ctrl-C stops it at once.
import { embeddingCoverage } from './embedding-run.ts';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { csvParseRows } from 'd3-dsv';
import { runAnalysisInWorker } from '../../../analysis/index.ts';
import type { DatasetItem } from '../../../dataset/index.ts';
import {
  buildEvaluationFigure, figureWidthInches, writeFigure, FIGURE_FORMATS, type FigureFormat,
} from '../../../export/index.ts';
import { embeddingsOf, runEmbeddings } from './embedding-run.ts';
import { ApiError } from '../../contract/errors.ts';
import { tagsByItem } from '../project/item-labels.ts';
import type { ComputeOptions } from './embedding-run.ts';
import type { ProjectSession } from '../project/project-session.ts';
import type { EvaluationRequest, EvaluationView, LabelSource } from '../../contract/exploration.ts';

const FILE_COLUMNS = ['file', 'path', 'filename'];
const LABEL_COLUMNS = ['label', 'class'];
const MAX_CSV_BYTES = 64 * 2 ** 20;
const EXAMPLES = 5;

export interface LabelRow {
  file: string;
  /** The hdu column when the table has one and the cell is filled. */
  hdu: number | null;
  label: string;
  /** 1-based line of the table, for messages. */
  line: number;
}

/** A labels CSV from disk, ready to be a LabelSource; ApiError naming the file when it cannot be read. */
export function readLabelsFile(file: string): { csv: string; name: string; folder: string } {
  const abs = path.resolve(file);
  const size = statSync(abs, { throwIfNoEntry: false })?.size;
  if (size === undefined) throw new ApiError('bad-argument', `${file}: no such file`);
  if (size > MAX_CSV_BYTES) throw new ApiError('no-data', `${file}: ${size} bytes is too large for a labels table`);
  let csv: string;
  try {
    csv = readFileSync(abs, 'utf8');
  } catch (e) {
    throw new ApiError('no-data', `${file}: cannot read it (${(e as Error).message})`);
  }
  return { csv, name: file, folder: path.dirname(abs) };
}

/** The rows of a labels table that carry a label. The header is required; column names are case-insensitive. */
export function parseLabelsCsv(text: string, name: string): LabelRow[] {
  const rows = csvParseRows(text.replace(/^\ufeff/, '')).filter((r) => r.some((cell) => cell.trim() !== ''));
  if (rows.length === 0) throw new ApiError('no-data', `${name}: empty; expected a header (file,label) and a row per item`);
  const header = rows[0].map((h) => h.trim().toLowerCase());
  const fileCol = header.findIndex((h) => FILE_COLUMNS.includes(h));
  const labelCol = header.findIndex((h) => LABEL_COLUMNS.includes(h));
  const hduCol = header.indexOf('hdu');
  if (fileCol < 0 || labelCol < 0) {
    const missing = fileCol < 0 ? `a file column (${FILE_COLUMNS.join(', ')})` : `a label column (${LABEL_COLUMNS.join(', ')})`;
    throw new ApiError('no-data', `${name}: the header (${rows[0].join(',').slice(0, 120)}) has no ${missing.replace(/^a /, '')}; the first line must name the columns, e.g. file,label`);
  }
  const out: LabelRow[] = [];
  rows.slice(1).forEach((r, i) => {
    const line = i + 2;
    const file = (r[fileCol] ?? '').trim();
    const label = (r[labelCol] ?? '').trim();
    if (label === '') return; // a row without a label says nothing
    if (file === '' || file.includes('\0') || file.length > 4096) throw new ApiError('no-data', `${name}: line ${line}: bad file name ${JSON.stringify(file.slice(0, 60))}`);
    const hduCell = hduCol >= 0 ? (r[hduCol] ?? '').trim() : '';
    const hdu = hduCell === '' ? null : Number(hduCell);
    if (hdu !== null && (!Number.isInteger(hdu) || hdu < 0)) throw new ApiError('no-data', `${name}: line ${line}: hdu ${JSON.stringify(hduCell)} is not a non-negative integer`);
    out.push({ file, hdu, label, line });
  });
  return out;
}

interface MatchedLabels {
  /** The label of each item of the run, in the run's order (null: none). */
  labels: (string | null)[];
  unmatched: string[];
  ambiguous: number;
}

/**
 * Matches table rows to the run's items: by the path stored in the project, then the path resolved
 * against the project's folder or the table's folder, then a file name only one item has (the hdu
 * column narrows every step when given). Two rows giving one item different labels is an error.
 */
function labelsFromCsv(items: DatasetItem[], source: { csv: string; name?: string; folder?: string }, projectFolder: string): MatchedLabels {
  const name = source.name ?? 'labels CSV';
  const rows = parseLabelsCsv(source.csv, name);
  const byPath = new Map(items.map((it) => [it.path, it]));
  const byAbsolute = new Map(items.map((it) => [it.absolutePath, it]));
  const byName = new Map<string, DatasetItem[]>();
  for (const it of items) {
    const base = path.posix.basename(it.path);
    byName.set(base, [...(byName.get(base) ?? []), it]);
  }
  const rowOf = new Map(items.map((it, i) => [it.id, i]));
  const labels: (string | null)[] = new Array(items.length).fill(null);
  const lineOf = new Map<number, number>();
  const unmatched: string[] = [];
  for (const row of rows) {
    const fits = (it: DatasetItem | undefined) => (it !== undefined && (row.hdu === null || it.hdu === row.hdu) ? it : undefined);
    const f = row.file.replaceAll('\\', '/');
    const named = (byName.get(path.posix.basename(f)) ?? []).filter((it) => fits(it));
    const item = fits(byPath.get(f)) ?? fits(byAbsolute.get(path.resolve(projectFolder, f)))
      ?? (source.folder !== undefined ? fits(byAbsolute.get(path.resolve(source.folder, f))) : undefined)
      ?? (named.length === 1 ? named[0] : undefined);
    if (!item) {
      unmatched.push(row.file);
      continue;
    }
    const r = rowOf.get(item.id)!;
    const earlier = labels[r];
    if (earlier !== null && earlier !== row.label) {
      throw new ApiError('no-data', `${name}: lines ${lineOf.get(r)} and ${row.line} give ${item.path} two labels (${JSON.stringify(earlier)} and ${JSON.stringify(row.label)})`);
    }
    labels[r] = row.label;
    lineOf.set(r, row.line);
  }
  return { labels, unmatched, ambiguous: 0 };
}

/** Each item's label from its tags: the tags starting with `prefix` (prefix dropped), or with no prefix every tag; exactly one wanted. */
function labelsFromTags(items: DatasetItem[], tags: Map<number, string[]>, prefix: string): MatchedLabels {
  let ambiguous = 0;
  const labels = items.map((it) => {
    const candidates = new Set((tags.get(it.id) ?? []).filter((t) => t.startsWith(prefix)).map((t) => t.slice(prefix.length).trim()).filter((t) => t !== ''));
    if (candidates.size > 1) ambiguous++;
    return candidates.size === 1 ? [...candidates][0] : null;
  });
  return { labels, unmatched: [], ambiguous };
}

function describeSource(source: LabelSource): string {
  if ('csv' in source) return source.name ?? 'the labels CSV';
  return source.tagPrefix ? `tags starting with ${JSON.stringify(source.tagPrefix)}` : 'item tags';
}

/** Scores a run's embeddings against the labels: kNN and linear-probe accuracy, precision@k, effective rank. */
export async function evaluateRun(session: ProjectSession, req: EvaluationRequest, opts: ComputeOptions = {}): Promise<EvaluationView> {
  const started = performance.now();
  const project = session.project;
  const re = runEmbeddings(project, req.runId, 2);
  const items = Array.from(re.set.itemIds, (id) => {
    const item = project.items.get(id);
    if (!item) throw new ApiError('no-data', `run ${re.run.id} has a vector for item ${id}, which is no longer in the project`);
    return item;
  });
  const source = req.labelsFrom;
  const fromCsv = 'csv' in source;
  const matched = fromCsv ? labelsFromCsv(items, source, project.folder) : labelsFromTags(items, tagsByItem(project), source.tagPrefix ?? '');
  const labelled = matched.labels.filter((l) => l !== null).length;
  const classes = new Set(matched.labels.filter((l) => l !== null));
  if (labelled === 0) {
    const why = fromCsv && matched.unmatched.length > 0
      ? `none of its ${matched.unmatched.length} labelled rows names an item of run ${re.run.id} (first: ${matched.unmatched[0]})`
      : `labels none of the ${items.length} items of run ${re.run.id}`;
    throw new ApiError('no-data', `${describeSource(source)}: ${why}`);
  }
  if (classes.size < 2) {
    throw new ApiError('no-data', `${describeSource(source)}: the ${labelled} labelled items of run ${re.run.id} all have the label ${JSON.stringify([...classes][0])}; evaluation needs at least two classes`);
  }
  const evaluation = await runAnalysisInWorker(
    { kind: 'label-evaluation', embeddings: embeddingsOf(re.set), labels: matched.labels, options: { k: req.k, folds: req.folds, seed: req.seed } },
    { signal: opts.signal },
  );
  const countOf = new Map<string, number>();
  for (const l of matched.labels) if (l !== null) countOf.set(l, (countOf.get(l) ?? 0) + 1);
  return {
    runId: re.run.id,
    coverage: embeddingCoverage(session.project, re.run.id),
    dim: re.set.dim,
    items: items.length,
    labelSource: fromCsv ? 'csv' : 'tags',
    ...evaluation,
    classCounts: evaluation.classes.map((c) => countOf.get(c) ?? 0),
    unmatchedRows: matched.unmatched.length,
    unmatchedExamples: matched.unmatched.slice(0, EXAMPLES),
    unlabelledItems: items.length - labelled,
    ambiguousItems: matched.ambiguous,
    seconds: (performance.now() - started) / 1000,
  };
}

/** The evaluation figure (both confusion matrices, per-class accuracy) in the format the file name says. */
export async function writeEvaluationFigure(view: EvaluationView, file: string, opts: { dpi?: number } = {}): Promise<{ path: string; format: FigureFormat }> {
  const ext = path.extname(file).slice(1).toLowerCase();
  if (!(FIGURE_FORMATS as readonly string[]).includes(ext)) {
    throw new ApiError('bad-argument', `${file}: the figure's format comes from its extension; use .${FIGURE_FORMATS.join(', .')}`);
  }
  const format = ext as FigureFormat;
  const out = path.resolve(file);
  const scene = buildEvaluationFigure({
    classes: view.classes, counts: view.classCounts, runId: view.runId,
    knn: { title: `kNN (k=${view.knn.k}, cosine)`, accuracy: view.knn.accuracy, perClass: view.knn.perClass, confusion: view.knn.confusion },
    probe: { title: `Linear probe (${view.linearProbe.folds}-fold)`, accuracy: view.linearProbe.accuracy, perClass: view.linearProbe.perClass, confusion: view.linearProbe.confusion },
  }, figureWidthInches('double'));
  await writeFigure(out, scene, format, opts.dpi ?? 300);
  return { path: out, format };
}
