// One FITS file in the dataset, as the scan records it and the project stores it.
// Types only: the project layer imports these, so the scanner never depends on SQLite.

export type ItemStatus = 'ok' | 'failed' | 'missing';
export type AxisKind = 'spatial' | 'spectral' | 'stokes' | 'other';
export type HeaderValue = string | number | boolean;

/** Searchable columns taken from the chosen HDU's header (null when the keyword is absent). */
export interface ItemMetadata {
  object: string | null;
  /** Degrees (ICRS/FK5 as written; no frame conversion). */
  ra: number | null;
  dec: number | null;
  /** Hz, from RESTFRQ or RESTFREQ. */
  restfrq: number | null;
  bunit: string | null;
  /** Beam, degrees as in the header. */
  bmaj: number | null;
  bmin: number | null;
  bpa: number | null;
  telescope: string | null;
  instrument: string | null;
}

/** A non-fatal problem in the file (FITS verify), kept so the UI can show a badge. */
export interface ItemIssue {
  code: string;
  hdu: number;
  keyword?: string;
  fixable: boolean;
  message: string;
}

/** What a scan writes for one file. */
export interface ItemRecord {
  /** Relative to the project file's folder, '/'-separated. */
  path: string;
  datasetId: number;
  size: number;
  mtimeMs: number;
  /** sha256 of the file's bytes, hex; null when the file could not be read at all. */
  contentHash: string | null;
  /** Index of the HDU chosen for display and training. */
  hdu: number | null;
  /** FITS order, NAXIS1 first. */
  shape: number[] | null;
  axisKinds: AxisKind[] | null;
  bitpix: number | null;
  status: ItemStatus;
  error: string | null;
  metadata: ItemMetadata;
  /** A selection of header cards (WCS, observation, beam) for display. */
  header: Record<string, HeaderValue>;
  issues: ItemIssue[];
}

export interface DatasetItem extends ItemRecord {
  id: number;
  absolutePath: string;
  /** ms since epoch of the last scan that touched this row. */
  scannedAt: number;
}

export interface Thumbnail {
  width: number;
  height: number;
  png: Uint8Array;
}

export interface ItemFilter {
  status?: ItemStatus | ItemStatus[];
  datasetId?: number;
  /** Items whose relative path is this folder or lies under it ('/'-separated, relative to the project folder). */
  under?: string;
  tag?: string;
  /** Case-insensitive substring of the path or OBJECT. */
  search?: string;
  limit?: number;
  offset?: number;
}

export function emptyMetadata(): ItemMetadata {
  return {
    object: null, ra: null, dec: null, restfrq: null, bunit: null,
    bmaj: null, bmin: null, bpa: null, telescope: null, instrument: null,
  };
}
