// Embeddings computed elsewhere (astromorph in Python, another network) read into rows that can be
// matched to a project's items: a CSV with a 'file' column and emb_0 … emb_{D-1} (or, failing those,
// every numeric column), or an (N, D) .npy with a CSV beside it whose 'file' column names the rows.
// astromorph's own export (pipeline_02_inference.py, export_to_csv) is read as it is: ';'-separated,
// pandas' unnamed index column first, the file in 'filename' (or 'filepath'), vectors in emb_dim_0 ….
// d3-dsv parses the CSV (RFC 4180 quoting); the .npy reader is ours (npy.ts).
import fs from 'node:fs';
import path from 'node:path';
import { csvParseRows, dsvFormat } from 'd3-dsv';
import { METADATA_COLUMNS } from './embedding-table.ts';
import { metadataCsvPath } from './embeddings-npy.ts';
import { decodeNpy } from './npy.ts';

export interface ImportedEmbeddings {
  /** The file the vectors came from. */
  source: string;
  /** The 'file' column as written (relative or absolute paths, or bare names). */
  files: string[];
  /** The 'hdu' column when there is one. */
  hdus: (number | null)[];
  /** astromorph's 'cluster' column (its k-means labels) when there is one, one per row. */
  clusters: number[] | null;
  dim: number;
  /** files.length × dim values, row-major. */
  vectors: Float32Array;
}

export class ImportError extends Error {
  override readonly name = 'ImportError';
  readonly file: string;
  constructor(file: string, problem: string) {
    super(`${file}: ${problem}`);
    this.file = file;
  }
}

const MAX_BYTES = 4 * 2 ** 30;
const MAX_DIM = 65536;
const NOT_VECTOR = new Set<string>(['file', ...METADATA_COLUMNS, 'tags', 'cluster', 'outlier_score', '', 'filename', 'filepath',
  'right ascension', 'declination', 'rest freq', 'cluster_label']);
// The column naming each row's file: ours, then astromorph's.
const FILE_COLUMNS = ['file', 'filename', 'filepath'];
/** emb_3 (ours) or emb_dim_3 (astromorph's): the component index, or -1. */
const vectorIndex = (h: string) => Number(/^emb_(?:dim_)?(\d+)$/.exec(h)?.[1] ?? -1);

/** Reads a .csv, or a .npy with its metadata CSV (x.npy + x.csv, or `filesCsv`). */
export function readEmbeddingsFile(file: string, opts: { filesCsv?: string } = {}): ImportedEmbeddings {
  const size = fs.statSync(file, { throwIfNoEntry: false })?.size;
  if (size === undefined) throw new ImportError(file, 'no such file');
  if (size > MAX_BYTES) throw new ImportError(file, `${size} bytes is too large to import`);
  if (/\.npy$/i.test(file)) return readNpyWithCsv(file, opts.filesCsv ?? metadataCsvPath(file));
  const rows = parseCsv(file);
  const header = rows[0]!;
  const fileCol = FILE_COLUMNS.map((c) => header.indexOf(c)).find((i) => i >= 0) ?? -1;
  const hduCol = header.indexOf('hdu');
  let vectorCols = header.map((h, i) => [vectorIndex(h), i] as const).filter(([k]) => k >= 0)
    .sort((a, b) => a[0] - b[0]).map(([, i]) => i);
  const seen = vectorCols.map((c) => vectorIndex(header[c]!));
  if (seen.some((k, i) => k !== i)) throw new ImportError(file, `embedding columns must run emb_0 … emb_${seen.length - 1} without gaps or repeats`);
  if (vectorCols.length === 0) {
    // No emb_ columns: every column that is not metadata and holds numbers in every row.
    vectorCols = header.map((h, i) => [h, i] as const)
      .filter(([h, i]) => !NOT_VECTOR.has(h) && !/_(x|y)$/.test(h) && rows.slice(1).every((r) => r[i] !== '' && Number.isFinite(Number(r[i]))))
      .map(([, i]) => i);
  }
  if (vectorCols.length === 0) throw new ImportError(file, 'no embedding columns (emb_0, emb_1, … or numeric columns)');
  if (vectorCols.length > MAX_DIM) throw new ImportError(file, `${vectorCols.length} embedding columns is more than ${MAX_DIM}`);
  const n = rows.length - 1;
  const dim = vectorCols.length;
  const vectors = new Float32Array(n * dim);
  for (let r = 0; r < n; r++) {
    const row = rows[r + 1]!;
    vectorCols.forEach((c, k) => {
      const v = Number(row[c]);
      if (row[c] === '' || !Number.isFinite(v)) throw new ImportError(file, `row ${r + 2}, column ${header[c]}: ${JSON.stringify(row[c] ?? '')} is not a finite number`);
      vectors[r * dim + k] = v;
    });
  }
  return { source: file, files: filesOf(rows, fileCol, file), hdus: hdusOf(rows, hduCol, file), dim, vectors, clusters: clustersOf(rows, header.indexOf('cluster')) };
}

/** astromorph's k-means labels, when every row has a small non-negative integer; otherwise none. */
function clustersOf(rows: string[][], col: number): number[] | null {
  if (col < 0) return null;
  const labels = rows.slice(1).map((r) => Number(r[col] ?? ''));
  return labels.every((l) => Number.isInteger(l) && l >= 0 && l < 100_000) ? labels : null;
}

function readNpyWithCsv(file: string, csv: string): ImportedEmbeddings {
  const npy = decodeNpy(fs.readFileSync(file), file);
  if (npy.shape.length !== 2) throw new ImportError(file, `expected an (N, D) array, found shape (${npy.shape.join(', ')})`);
  const [n, dim] = npy.shape as [number, number];
  if (dim < 1 || dim > MAX_DIM) throw new ImportError(file, `dimension ${dim} outside 1..${MAX_DIM}`);
  if (!fs.existsSync(csv)) throw new ImportError(file, `needs a CSV with a 'file' column naming its rows (looked for ${path.basename(csv)})`);
  const rows = parseCsv(csv);
  if (rows.length - 1 !== n) throw new ImportError(csv, `${rows.length - 1} rows, but ${path.basename(file)} has ${n}`);
  const vectors = Float32Array.from(npy.data);
  const bad = vectors.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new ImportError(file, `row ${Math.floor(bad / dim)}: value ${vectors[bad]} is not finite`);
  const fileCol = FILE_COLUMNS.map((c) => rows[0]!.indexOf(c)).find((i) => i >= 0) ?? -1;
  return { source: file, files: filesOf(rows, fileCol, csv), hdus: hdusOf(rows, rows[0]!.indexOf('hdu'), csv), dim, vectors, clusters: null };
}

function parseCsv(file: string): string[][] {
  const text = fs.readFileSync(file, 'utf8').replace(/^\ufeff/, '');
  // astromorph writes with pandas' sep=';': a header with more semicolons than commas is read that way.
  const head = text.split('\n', 1)[0]!;
  const semicolons = head.split(';').length, commas = head.split(',').length;
  const rows = semicolons > commas ? dsvFormat(';').parseRows(text) : csvParseRows(text);
  if (rows.length < 2) throw new ImportError(file, 'no rows after the header');
  return rows;
}

function filesOf(rows: string[][], col: number, source: string): string[] {
  if (col < 0) throw new ImportError(source, "no 'file' (or astromorph's 'filename') column to match rows to the project's items");
  return rows.slice(1).map((r, i) => {
    const f = r[col] ?? '';
    if (f === '' || f.includes('\0') || f.length > 4096) throw new ImportError(source, `row ${i + 2}: bad file name ${JSON.stringify(f.slice(0, 60))}`);
    return f;
  });
}

function hdusOf(rows: string[][], col: number, source: string): (number | null)[] {
  return rows.slice(1).map((r, i) => {
    if (col < 0 || (r[col] ?? '') === '') return null;
    const h = Number(r[col]);
    if (!Number.isInteger(h) || h < 0) throw new ImportError(source, `row ${i + 2}: hdu ${JSON.stringify(r[col])} is not a non-negative integer`);
    return h;
  });
}
