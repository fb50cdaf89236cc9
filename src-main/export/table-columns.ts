// The exported table as typed columns, shared by the .npy metadata, FITS-table and VOTable writers:
// the CSV's columns (file, header metadata) with units, the analysis results that exist for the
// run (map coordinates, cluster, outlier score, tags) and the embedding as one vector column.
import type { TableColumn } from '../fits/index.ts';
import type { EmbeddedItem } from './embedding-table.ts';

/** Per-row results to export next to the embeddings; every array is in the items' order. */
export interface TableExtras {
  /** A 2-D map (t-SNE, UMAP, PCA); the name goes into the column names (map_x, umap_x, …). */
  map?: { name?: string; x: ArrayLike<number>; y: ArrayLike<number> };
  /** Cluster label per item; null or -1 for noise. */
  clusters?: ArrayLike<number | null>;
  outlierScores?: ArrayLike<number>;
  tags?: readonly (readonly string[])[];
}

/** Metadata columns (no vector): what the metadata CSV next to a .npy holds. */
export function metadataColumns(items: readonly EmbeddedItem[], extras: TableExtras = {}): TableColumn[] {
  const n = items.length;
  const text = (name: string, get: (i: EmbeddedItem) => string | null, unit?: string): TableColumn =>
    ({ name, type: 'text', values: items.map(get), unit });
  const float = (name: string, get: (i: EmbeddedItem) => number | null, unit?: string): TableColumn =>
    ({ name, type: 'float64', values: Float64Array.from(items, (i) => get(i) ?? Number.NaN), unit });
  const int = (name: string, get: (i: EmbeddedItem) => number | null): TableColumn =>
    ({ name, type: 'int32', values: items.map(get) });
  const columns: TableColumn[] = [
    text('file', (i) => i.file),
    int('hdu', (i) => i.hdu),
    text('object', (i) => i.metadata.object),
    float('ra', (i) => i.metadata.ra, 'deg'),
    float('dec', (i) => i.metadata.dec, 'deg'),
    float('restfrq', (i) => i.metadata.restfrq, 'Hz'),
    text('bunit', (i) => i.metadata.bunit),
    float('bmaj', (i) => i.metadata.bmaj, 'deg'),
    float('bmin', (i) => i.metadata.bmin, 'deg'),
    float('bpa', (i) => i.metadata.bpa, 'deg'),
    text('telescope', (i) => i.metadata.telescope),
    text('instrument', (i) => i.metadata.instrument),
    text('shape', (i) => (i.shape ? i.shape.join('x') : null)),
    int('bitpix', (i) => i.bitpix),
  ];
  const check = (what: string, length: number) => {
    if (length !== n) throw new RangeError(`${what} has ${length} values for ${n} items`);
  };
  if (extras.map) {
    const prefix = extras.map.name ?? 'map';
    check('map x', extras.map.x.length);
    check('map y', extras.map.y.length);
    columns.push({ name: `${prefix}_x`, type: 'float64', values: Float64Array.from(extras.map.x) });
    columns.push({ name: `${prefix}_y`, type: 'float64', values: Float64Array.from(extras.map.y) });
  }
  if (extras.clusters) {
    check('clusters', extras.clusters.length);
    columns.push({ name: 'cluster', type: 'int32', values: Array.from(extras.clusters, (c) => (c === null || c < 0 ? null : c)) });
  }
  if (extras.outlierScores) {
    check('outlier scores', extras.outlierScores.length);
    columns.push({ name: 'outlier_score', type: 'float64', values: Float64Array.from(extras.outlierScores) });
  }
  if (extras.tags) {
    check('tags', extras.tags.length);
    columns.push({ name: 'tags', type: 'text', values: extras.tags.map((t) => t.join(';')) });
  }
  return columns;
}

/** The embedding as one float32 vector column of `dim` values per row. */
export function embeddingColumn(items: readonly EmbeddedItem[], dim: number): TableColumn {
  const values = new Float32Array(items.length * dim);
  items.forEach((item, r) => {
    if (item.vector.length !== dim) throw new RangeError(`${item.file}: embedding has ${item.vector.length} values, the table has ${dim}`);
    values.set(item.vector, r * dim);
  });
  return { name: 'embedding', type: 'float32', values, repeat: dim, description: 'BYOL embedding vector' };
}
