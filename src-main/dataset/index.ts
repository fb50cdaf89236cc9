// Datasets: scanning folders of FITS files into a project, listing items, and display helpers.
export { addFolders, rescanFolders } from './scan.ts';
export { DatasetError } from './errors.ts';
export type { ScanOptions, ScanProgress, ScanSummary, ScanFailure } from './scan.ts';
export type { Catalogue, KnownFile } from './catalogue.ts';
export { emptyMetadata } from './item.ts';
export type {
  AxisKind, DatasetItem, HeaderValue, ItemFilter, ItemIssue, ItemMetadata, ItemRecord, ItemStatus, Thumbnail,
} from './item.ts';
export { inspectFile, chooseHdu, hashFile } from './inspect.ts';
export type { Inspection } from './inspect.ts';
export { makeThumbnail, thumbnailPixels, THUMBNAIL_SIZE } from './thumbnail.ts';
export { defaultWorkerCount } from './scan-pool.ts';
export { FITS_NAME } from './walk.ts';
export { relativeTo } from './relative-path.ts';
export { MAX_VISIBLE_TEXT, visibleText } from './visible-text.ts';
export * from './display.ts';
export { bandOrder, bandWavelength, describeRule, groupItems, groupingTable, parseGroupRule, stemAndBand } from './bands.ts';
export type { GroupedBand, Grouping, GroupRule, ObjectGroup } from './bands.ts';
