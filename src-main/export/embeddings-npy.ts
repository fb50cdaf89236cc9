// Embeddings for NumPy: an (N, D) float32 .npy plus a metadata CSV beside it (same name, .csv) whose
// rows are in the same order: np.load('x.npy') and pandas.read_csv('x.csv') line up row for row.
import type { TableColumn } from '../fits/index.ts';
import { CsvWriter, csvField, formatNumber } from './csv.ts';
import type { EmbeddedItem } from './embedding-table.ts';
import { writeNpy } from './npy.ts';
import { embeddingColumn, metadataColumns, type TableExtras } from './table-columns.ts';

/** The metadata CSV's path for a .npy path: x.npy -> x.csv. */
export function metadataCsvPath(npyPath: string): string {
  return npyPath.replace(/\.npy$/i, '') + '.csv';
}

export async function writeEmbeddingsNpy(npyPath: string, items: readonly EmbeddedItem[], dim: number, extras: TableExtras = {}): Promise<{ npy: string; csv: string }> {
  const vector = embeddingColumn(items, dim);
  const csv = metadataCsvPath(npyPath);
  await writeColumnsCsv(csv, metadataColumns(items, extras));
  writeNpy(npyPath, vector.values as Float32Array, [items.length, dim]);
  return { npy: npyPath, csv };
}

/** Scalar columns as CSV (vector columns are refused: they belong in the .npy). */
export async function writeColumnsCsv(path: string, columns: readonly TableColumn[]): Promise<void> {
  for (const c of columns) if ((c.type === 'float32' || c.type === 'float64') && (c.repeat ?? 1) > 1) throw new RangeError(`column ${c.name} is a vector`);
  const rows = columns.length === 0 ? 0 : columns[0]!.values.length;
  const out = new CsvWriter(path, columns.map((c) => c.name));
  try {
    for (let r = 0; r < rows; r++) {
      await out.writeFields(columns.map((c) => {
        const v = c.values[r];
        if (c.type === 'int32' || c.type === 'text') return csvField(v as string | number | null);
        return Number.isNaN(v) ? '' : formatNumber(v as number);
      }));
    }
    await out.close();
  } catch (e) {
    out.abort();
    throw e;
  }
}
