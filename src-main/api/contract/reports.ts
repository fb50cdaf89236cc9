// What the API hands out, as plain JSON-able types. No Node imports: the renderer may `import type`
// this file, and the CLI's --json output is exactly these shapes (README documents the keys).

// Type-only imports of shapes the API passes on unchanged: erased at build time, so the renderer still
// gets no Node code from this file.
import type { ItemStatus, ScanFailure } from '../../dataset/index.ts';
import type { TrainingProgress } from '../../model/index.ts';
import type { DamagedRow, RunStatus } from '../../project/index.ts';

export type { DamagedRow, ItemStatus, RunStatus, ScanFailure };

/** Pixel statistics of an image HDU's physical (scaled) values; NaN and ±Inf are counted, never summed. */
export interface PixelStats {
  finite: number;
  nan: number;
  infinite: number;
  /** null when no pixel is finite. */
  min: number | null;
  max: number | null;
  mean: number | null;
}

/** One HDU as `astromorph inspect` shows it (astropy's fitsinfo, plus statistics). */
export interface HduSummary {
  index: number;
  name: string;
  kind: 'image' | 'table' | 'corrupt';
  bitpix: number | null;
  /** FITS order, NAXIS1 first; [] when the HDU has no data. */
  shape: number[];
  compressed: boolean;
  /** Image HDUs with data only; null otherwise or when the data could not be read. */
  stats: PixelStats | null;
  /** Why this HDU's header or data could not be read; null when it could. */
  error: string | null;
}

export interface FitsIssueSummary {
  code: string;
  hdu: number;
  keyword: string | null;
  fixable: boolean;
  message: string;
}

export interface FileInspection {
  path: string;
  hdus: HduSummary[];
  issues: FitsIssueSummary[];
}

/** One dataset item as `astromorph ls --json` prints it; keys are stable and always present. */
export interface ItemRow {
  path: string;
  /** HDU index of the image inside the file; null for a file that failed to open. */
  hdu: number | null;
  status: ItemStatus;
  shape: number[] | null;
  bitpix: number | null;
  /** The OBJECT card, when the header has one. */
  object: string | null;
  /** Why the file failed; null when it did not. */
  error: string | null;
}

export interface ScanProgress {
  /** 'walk': finding files (total grows with done); 'read': reading their headers (total is known). */
  phase: 'walk' | 'read';
  /** Files found (walk) or read (read) so far. */
  done: number;
  total: number;
  /** Files and folders that could not be read so far. */
  failed: number;
  /** The file or folder just reached, when known. */
  path: string | null;
}

export interface ScanReport {
  added: number;
  updated: number;
  unchanged: number;
  failed: number;
  missing: number;
  cancelled: boolean;
  failures: ScanFailure[];
  /** Links leading out of the scanned folders' real trees, not followed (add --follow-links to follow them). */
  linksNotFollowed: string[];
  /**
   * Folders given that hold no FITS file (and were not data folders of the project): nothing was added from
   * them, and they were neither recorded nor trusted. A caller shows them: an add that found nothing did nothing.
   */
  noFitsFiles: string[];
  /** Items in the project after the scan (kept ones included when cancelled). */
  itemsInProject: number;
  seconds: number;
}

export interface ListFilter {
  status?: ItemStatus;
}

/** The project file's size and what takes it (`astromorph ls`, the app's dataset view). */
export interface ProjectStorageView {
  /** The .amproj file and its write-ahead log, on disk now. */
  fileBytes: number;
  /** Free pages inside the file: compacting (VACUUM) gives them back. */
  freeBytes: number;
  /** Bytes of each table with its indexes, largest first. */
  tables: { table: string; bytes: number }[];
  /** Checkpoints holding full training state (both networks and optimiser moments: the run can resume). */
  trainingStateBytes: number;
  /** Encoder-only checkpoints: what finished runs embed with. */
  encoderWeightsBytes: number;
  /** Runs whose checkpoints hold full training state (finished ones lose it on compacting). */
  trainingStateRuns: number[];
  /** Of those, the unfinished runs: they can resume (compact drops their state only with dropResumable). */
  resumableRuns: number[];
}

/** One key of astromorph's (Python) settings file and what became of it here (`astromorph import-settings`). */
export type { AstromorphKey } from '../../model/index.ts';

/** What `astromorph compact` did. */
export interface CompactReport {
  /** Runs cut down to the encoder they embed with. */
  compacted: number[];
  /** Resumable runs left whole (compact --drop-resumable cuts them down too). */
  keptResumable: number[];
  before: ProjectStorageView;
  after: ProjectStorageView;
}

// ---- Training, embeddings and export (services/training/training.ts, embedding.ts) ----

/** A training run as `astromorph train` reports it. */
export interface RunSummary {
  id: number;
  /** ms since epoch. */
  createdAt: number;
  status: RunStatus;
  /** The tfjs backend the run trains on ('tensorflow', 'wasm' or 'cpu'). */
  backend: string;
  seed: number;
  epochs: number;
  epochsDone: number;
  stepsDone: number;
  error: string | null;
  /** From the run's settings: 'small-cnn' or 'resnet18', and the image side in px. */
  encoder: string | null;
  imageSize: number | null;
  /** Mean loss of the last completed epoch; null before the first. */
  finalLoss: number | null;
}

/** Sent once before the first step. */
export interface TrainingStart {
  runId: number;
  resumed: boolean;
  backend: string;
  /** Items the run trains on (dataset items with status ok). */
  items: number;
  epochs: number;
  /** Where training (re)starts: completed epochs and steps. */
  fromEpoch: number;
  fromStep: number;
  /** Items left out because they cannot be used (an N x 1 plane, a 1-D spectrum, a damaged row). */
  skipped: TrainingSkip[];
  /** Multi-band objects: the bands (channel order) and how they are put on one grid; absent otherwise. */
  bands?: { names: string[]; grid: string; method: 'exact' | 'interp'; beam: 'native' | 'common' };
}

/** An item a training run left out (absolute path), and why; the run keeps the list. */
export interface TrainingSkip {
  path: string;
  reason: string;
}

/** After every step. Epoch and step count from 1. The training loop's own report (services/training/training.ts
 * passes it on as it is) with the run it belongs to; one shape, so the two cannot drift. */
export interface TrainingProgressReport extends TrainingProgress {
  runId: number;
}

/** After every epoch, once its checkpoint is in the project. */
export interface TrainingEpochReport {
  runId: number;
  epoch: number;
  epochs: number;
  meanLoss: number;
  /**
   * Effective rank of the embedding (and of the projector's output) over the epoch's last images:
   * a few means the embedding has collapsed onto a few directions. Null when not measured.
   */
  effectiveRank: { representation: number; projection: number } | null;
  checkpointId: number;
}

export interface TrainingReport {
  runId: number;
  status: 'done' | 'cancelled';
  resumed: boolean;
  backend: string;
  epochsDone: number;
  stepsDone: number;
  /** Mean loss of every completed epoch of the run (earlier sessions included). */
  epochLosses: number[];
  /** The checkpoint the run ends on; null when it was cancelled before its first step. */
  checkpointId: number | null;
  /** Items this session left out, with the reason (also stored with the run). */
  skipped: TrainingSkip[];
  seconds: number;
}

export interface EmbedProgress {
  done: number;
  total: number;
}

/** An item that an embedding could not use, and why. */
export interface EmbedSkip {
  path: string;
  reason: string;
  /** True when it kept its vector from an earlier embedding, now marked stale. */
  keptStale: boolean;
}

export interface EmbedReport {
  runId: number;
  checkpointId: number;
  backend: string;
  /** Items embedded and stored by this run of embed (one vector each). */
  items: number;
  total: number;
  dim: number;
  cancelled: boolean;
  /** Whether the new vectors replaced the run's set: false after a cancel that kept the previous set whole. */
  replaced: boolean;
  /** Vectors in the run's set kept from an earlier embedding because their file could not be read. */
  stale: number;
  /** Items that got no new vector (unreadable file, an unusable image, a damaged row), with the reason. */
  skipped: EmbedSkip[];
  seconds: number;
}

export type ExportFormat = 'csv';

export interface ExportReport {
  runId: number;
  format: ExportFormat;
  /** Absolute path of the written file. */
  path: string;
  rows: number;
  dim: number;
  seconds: number;
}

/** The figures `astromorph figure` draws. */
export const FIGURE_KINDS = ['map', 'gallery', 'loss', 'sheet'] as const;
export type FigureKind = (typeof FIGURE_KINDS)[number];

/** One task of a sharded add or embed (`--shard I/N`): what it wrote to its shard file beside the project. */
export interface ShardTaskReport {
  kind: 'add' | 'embed';
  index: number;
  count: number;
  /** The shard file written (complete), or null when the task was cancelled. */
  file: string | null;
  runId: number | null;
  /** Items in this shard's share. */
  assigned: number;
  /** Vectors (embed) or files read (add) written to the shard. */
  written: number;
  skipped: { path: string; reason: string }[];
  cancelled: boolean;
  seconds: number;
}

/** What `merge` brought into the project, and what is still missing. */
export interface MergeReport {
  kind: 'add' | 'embed';
  runId: number | null;
  count: number;
  /** Shard indices merged (this time; merging the same shard again is harmless). */
  merged: number[];
  /** Shard indices of 0..count-1 not among the shards given: their tasks are still to run. */
  missingShards: number[];
  /** Items whose shard is missing (embed: readable items without a vector from this merge). */
  missingItems: number;
  /** Vectors (embed) or items (add) written. */
  written: number;
  skipped: number;
  /** All shards present: the run's vector set was replaced as a single-process embed would. */
  complete: boolean;
  seconds: number;
}

/** One shard's state, read from the shard files beside the project (for a submitted job's progress). */
export interface ShardState {
  index: number;
  state: 'done' | 'running' | 'waiting';
  /** Items written so far and items in the share (0 when not known yet). */
  done: number;
  assigned: number;
}

export interface ShardProgress {
  kind: 'add' | 'embed';
  runId: number | null;
  count: number;
  folder: string;
  shards: ShardState[];
  /** Every shard file is there and complete: merge can run. */
  complete: boolean;
}
