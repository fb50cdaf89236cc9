// Exports: tables of embeddings (CSV, .npy, FITS binary table, VOTable) and reading them back, and
// figures (map, gallery, loss, sheet, evaluation) drawn once as a scene and written as SVG, PDF or PNG.
export { CsvWriter, csvField, csvTextOf, formatNumber, formatFloat32, type CsvValue } from './csv.ts';
export { writeEmbeddingsCsv, embeddingColumns, METADATA_COLUMNS, type EmbeddedItem } from './embedding-table.ts';
export { metadataColumns, embeddingColumn, type TableExtras } from './table-columns.ts';
export { writeEmbeddingsFitsTable } from './fits-table.ts';
export { writeEmbeddingsVotable, encodeVotable, type VotableEncoding } from './votable.ts';
export { encodeNpy, decodeNpy, readNpy, writeNpy, NpyError, type Npy, type NpyArray } from './npy.ts';
export { writeEmbeddingsNpy, writeColumnsCsv, metadataCsvPath } from './embeddings-npy.ts';
export { readEmbeddingsFile, ImportError, type ImportedEmbeddings } from './import-embeddings.ts';
export type { Scene, Primitive, Anchor } from './figure-scene.ts';
export { renderSvg } from './svg.ts';
export { renderPdf } from './pdf.ts';
export { renderPng, pixelSize } from './png.ts';
export { COLUMN_WIDTHS, figureWidthInches, OKABE_ITO, STYLE, type WidthPreset } from './figure-style.ts';
export { thumbnailFromFits, recolourStored, DEFAULT_THUMBNAIL_STYLE, type FigureThumb, type ThumbnailStyle } from './figure-thumbnail.ts';
export { fitNoise, maskBelow, DEFAULT_NOISE_SIGMAS, type NoiseFit } from './noise-mask.ts';
export { buildMapFigure, type MapFigureInput, type MapColouring } from './figure-map.ts';
export { buildLossFigure, type LossCurve } from './figure-loss.ts';
export { buildGalleryFigure, type GalleryInput } from './figure-gallery.ts';
export { buildSheetFigure, type SheetInput } from './figure-sheet.ts';
export { buildEvaluationFigure, type EvaluationFigureInput, type ClassifierPanel } from './figure-evaluation.ts';
export { encodeFigure, writeFigure, FIGURE_FORMATS, type FigureFormat } from './figure-file.ts';
