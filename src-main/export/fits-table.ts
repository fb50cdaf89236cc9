// Embeddings as a FITS binary table: the metadata columns plus one vector column 'embedding' (DE),
// which astropy.table reads as an (N, D) column and TOPCAT as an array column.
import { encodeBinaryTable } from '../fits/index.ts';
import { writeAtomically } from './atomic-write.ts';
import type { EmbeddedItem } from './embedding-table.ts';
import { embeddingColumn, metadataColumns, type TableExtras } from './table-columns.ts';

export function writeEmbeddingsFitsTable(path: string, items: readonly EmbeddedItem[], dim: number, extras: TableExtras = {},
  cards: Record<string, string | number | boolean> = {}): void {
  const columns = [...metadataColumns(items, extras), embeddingColumn(items, dim)];
  writeAtomically(path, encodeBinaryTable(columns, { extname: 'EMBEDDINGS', cards: { EMBDIM: dim, ...cards } }));
}
