// Exports: tables of embeddings (CSV now; .npy, FITS table and VOTable to come) and, later, figures.
export { CsvWriter, csvField, formatNumber, formatFloat32, type CsvValue } from './csv.ts';
export { writeEmbeddingsCsv, embeddingColumns, METADATA_COLUMNS, type EmbeddedItem } from './embedding-table.ts';
