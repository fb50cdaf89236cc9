// Exports: tables of embeddings (CSV now; .npy, FITS table and VOTable to come) and, later, figures.
export { CsvWriter, csvField, formatNumber, formatFloat32, type CsvValue } from './csv.ts';
export { writeEmbeddingsCsv, embeddingColumns, METADATA_COLUMNS, type EmbeddedItem } from './embedding-table.ts';
export { metadataColumns, embeddingColumn, type TableExtras } from './table-columns.ts';
export { writeEmbeddingsFitsTable } from './fits-table.ts';
export { writeEmbeddingsVotable, encodeVotable } from './votable.ts';
export { encodeNpy, decodeNpy, readNpy, writeNpy, NpyError, type Npy, type NpyArray } from './npy.ts';
export { writeEmbeddingsNpy, writeColumnsCsv, metadataCsvPath } from './embeddings-npy.ts';
export { readEmbeddingsFile, ImportError, type ImportedEmbeddings } from './import-embeddings.ts';
