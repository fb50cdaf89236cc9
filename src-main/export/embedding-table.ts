// The embeddings table: one row per item, its path and header metadata, then the vector as
// emb_0 … emb_{D-1}. CSV today; the .npy, FITS-table and VOTable writers will share these columns.
import type { ItemMetadata } from '../dataset/index.ts';
import { CsvWriter, csvField, formatFloat32 } from './csv.ts';

export interface EmbeddedItem {
  /** Relative to the project folder, '/'-separated. */
  file: string;
  hdu: number | null;
  /** FITS order, NAXIS1 first. */
  shape: number[] | null;
  bitpix: number | null;
  metadata: ItemMetadata;
  vector: Float32Array;
}

/** Metadata columns after `file`, in order; units as the FITS headers give them (ra, dec, beam in degrees). */
export const METADATA_COLUMNS = [
  'hdu', 'object', 'ra', 'dec', 'restfrq', 'bunit', 'bmaj', 'bmin', 'bpa', 'telescope', 'instrument', 'shape', 'bitpix',
] as const;

export function embeddingColumns(dim: number): string[] {
  return ['file', ...METADATA_COLUMNS, ...Array.from({ length: dim }, (_, i) => `emb_${i}`)];
}

function metadataFields(item: EmbeddedItem): string[] {
  const m = item.metadata;
  return [
    item.file, item.hdu, m.object, m.ra, m.dec, m.restfrq, m.bunit, m.bmaj, m.bmin, m.bpa, m.telescope, m.instrument,
    item.shape ? item.shape.join('x') : null, item.bitpix,
  ].map(csvField);
}

/** Streams the rows to a CSV file; returns the number of rows. Every vector must have `dim` values. */
export async function writeEmbeddingsCsv(path: string, dim: number, rows: Iterable<EmbeddedItem> | AsyncIterable<EmbeddedItem>, signal?: AbortSignal): Promise<number> {
  const out = new CsvWriter(path, embeddingColumns(dim));
  try {
    for await (const item of rows) {
      signal?.throwIfAborted();
      if (item.vector.length !== dim) throw new Error(`${item.file}: embedding has ${item.vector.length} values, the table has ${dim} columns`);
      const fields = metadataFields(item);
      for (const v of item.vector) fields.push(formatFloat32(v));
      await out.writeFields(fields);
    }
    await out.close();
  } catch (e) {
    out.abort();
    throw e;
  }
  return out.rows;
}
