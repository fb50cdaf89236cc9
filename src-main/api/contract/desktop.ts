// What the desktop views receive: plain JSON plus typed arrays (Electron's structured clone carries
// them as they are; the HTTP wire format in http-wire.ts carries them as raw bytes). No Node imports:
// the renderer may `import type` this file.
import type { DamagedRow, ItemStatus, ScanProgress } from './reports.ts';
import type { EmbeddingCoverageView } from './exploration.ts';

export interface TagTotal {
  tag: string;
  count: number;
}

export interface ProjectSummary {
  path: string;
  /** The file name without its folder. */
  name: string;
  counts: Record<ItemStatus, number>;
  /** Data folders, relative to the project file when they lie under it. */
  folders: string[];
  tags: TagTotal[];
  /**
   * Set when another process held the project's lock as this app opened it: the app can look but not
   * change anything. Names that process, e.g. "process 1234 on host-a, since 2026-01-01T10:00:00Z".
   */
  readOnlyBecause: string | null;
}

export interface HostInfo {
  /** 'electron': native dialogs exist; 'browser': the page asks for paths as text. */
  kind: 'electron' | 'browser';
  version: string;
}

/** 'cluster' and 'outlier': the newest embedded run's latest clustering and outlier scores (noise and items without a score last). */
export const SORT_KEYS = ['path', 'object', 'status', 'size', 'ra', 'dec', 'restfrq', 'bunit', 'telescope', 'planes', 'cluster', 'outlier'] as const;
export type SortKey = (typeof SORT_KEYS)[number];

/** One thumbnail-grid cell: the item's searchable columns, nothing heavy. */
export interface ItemCard {
  id: number;
  /** Relative to the project folder. */
  path: string;
  status: ItemStatus;
  error: string | null;
  shape: number[] | null;
  bitpix: number | null;
  object: string | null;
  ra: number | null;
  dec: number | null;
  restfrq: number | null;
  bunit: string | null;
  telescope: string | null;
  size: number;
  /** Number of FITS verify issues (for a badge). */
  issues: number;
  tags: string[];
}

export interface ItemPage {
  /** Items matching the query (all pages). */
  total: number;
  offset: number;
  items: ItemCard[];
  /** Rows of the project that failed the untrusted-input check: left out of every page, named here. */
  damaged: DamagedRow[];
}

/** Multi-band objects: how a rule groups the items (a preview) or the stored grouping. */
export interface GroupingView {
  rule: string;
  /** Channel order. */
  bands: string[];
  objects: { object: string; bands: { band: string; itemId: number; hdu: number; path: string }[] }[];
  /** Items in no object, and why (empty for the stored grouping). */
  ungrouped: { path: string; reason: string }[];
  /** False for a preview: nothing was stored. */
  applied: boolean;
  /** RGB thumbnails made when it was stored. */
  thumbnails: number;
}

/** A multi-band object as an RGB composite on its first band's grid (the image viewer's colour view). */
export interface BandCompositeView {
  object: string;
  /** Every band, in channel order. */
  bands: string[];
  /** The bands shown as red, green and blue. */
  red: string;
  green: string;
  blue: string;
  width: number;
  height: number;
  png: Uint8Array;
}

export interface ThumbnailBytes {
  id: number;
  /** PNG bytes; null when the item has no thumbnail (failed or missing). */
  png: Uint8Array | null;
  /** With maskNoise: the peak above the noise in units of its sigma (brighter drawn on top); else absent. */
  brightness?: number;
}

export interface HeaderCardRow {
  keyword: string;
  value: string | number | boolean | null;
  comment: string;
}

/** Linear part of the celestial WCS of the two image axes; the renderer applies the projection. */
export interface CelestialWcs {
  ctype: [string, string];
  cunit: [string, string];
  crval: [number, number];
  /** 1-based, as in the header. */
  crpix: [number, number];
  /** 2 x 2 row-major, degrees per pixel (CD, or CDELT times PC). */
  matrix: [number, number, number, number];
}

export interface ImageInfo {
  id: number;
  path: string;
  hdu: number;
  shape: number[];
  bitpix: number;
  bunit: string | null;
  /** Planes beyond the first two axes (1 for an image). */
  planes: number;
  /** A label per plane (spectral value and unit) for the channel slider; [] for an image. */
  planeLabels: string[];
  header: HeaderCardRow[];
  wcs: CelestialWcs | null;
}

/** One plane of an image as float pixels, area-averaged by `step` when larger than asked. */
export interface ImagePlane {
  id: number;
  plane: number;
  width: number;
  height: number;
  /** Source pixels per returned pixel along each axis (1 = full resolution). */
  step: number;
  /** width x height physical values, FITS order (row 0 is the bottom row). */
  pixels: Float32Array;
}

export interface EmbeddingSetInfo {
  runId: number;
  items: number;
  dim: number;
  createdAt: number;
  /** Readable items without a vector and stale vectors: an incomplete set says so. */
  coverage: EmbeddingCoverageView;
}

export type MapAlgorithm = 'pca' | 'tsne' | 'umap';

/** What the map view asks for: a run, a method and that method's parameters (defaults as `astromorph map`). */
export interface MapSettings {
  runId: number;
  method: MapAlgorithm;
  perplexity?: number;
  neighbors?: number;
  minDist?: number;
}

export interface EmbeddingMapData {
  runId: number;
  method: MapAlgorithm;
  /** The parameters the map was made with, defaults filled in. */
  params: Record<string, number | string>;
  /** Axis titles: "PC1 (23.4 % of variance)", "t-SNE 1", "UMAP 2". */
  axes: [string, string];
  /** False when computed in memory only (a read-only project). */
  stored: boolean;
  itemIds: Int32Array;
  /** n x 2 row-major. */
  coordinates: Float32Array;
  seconds: number;
}

/** k-means with k, or HDBSCAN ('density') with a smallest cluster size: `astromorph clusters`' two methods. */
export type ClusterSettings =
  | { runId: number; method: 'kmeans'; k: number }
  | { runId: number; method: 'density'; minClusterSize: number };

export interface ClusterData {
  runId: number;
  method: 'kmeans' | 'density';
  /** Number of clusters (density: found, noise not counted). */
  k: number;
  /** False when computed in memory only (a read-only project). */
  stored: boolean;
  /** Cluster of each item, in the run's item order (as EmbeddingMapData.itemIds); 0-based as the CLI prints, -1 noise. */
  labels: Int32Array;
}

/** A numeric header value per item of a run (NaN where missing), and the keys a map can be coloured by. */
export interface MapValues {
  runId: number;
  keys: string[];
  key: string | null;
  values: Float32Array;
}

export interface OutlierData {
  runId: number;
  /** Outlier score of each item, in the run's item order; larger is stranger. */
  scores: Float32Array;
}

export interface SimilarItem {
  id: number;
  /** Cosine similarity to the query, 1 = same direction. */
  similarity: number;
  /** Cosine similarity about the run's mean vector (Neighbour.centred): spreads where raw cosines crowd near 1. */
  centred: number;
}

export interface SimilarityResult {
  runId: number;
  query: number;
  matches: SimilarItem[];
}

export interface MapProgress {
  runId: number;
  method: MapAlgorithm;
  stage: string;
  done: number;
  total: number;
}

/** A menu command the shell forwards to the page. */
export type MenuCommand = 'add-folder' | 'export' | 'compact' | 'show-dataset' | 'show-training' | 'show-map' | 'show-similar';

export type { ScanProgress };
