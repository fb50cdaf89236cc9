// Training a BYOL model on a project's items: the glue between the project file and the model's
// worker. A run (EmbeddingRun) records the settings, the backend actually used and the seed; every
// epoch's checkpoint is saved with that epoch's losses in one transaction, so a kill at any moment
// leaves the project at the last finished epoch, from which `resume` continues the same run.
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import type { TrainingSettings, TrainingHandle } from '../../../model/index.ts';
import { parseSettings, readSettingsFile } from '../../../model/settings.ts';

/** Every settings key with its default and meaning (`astromorph train --help`, README), from the schema. */
export { settingsTable } from '../../../model/settings.ts';
import type { PreprocessOptions, SampleSourceSpec } from '../../../model/data/index.ts';
import type { AxisKind, DatasetItem } from '../../../dataset/index.ts';
import type { EmbeddingRun, LossPoint, Project } from '../../../project/index.ts';
import { dataFileOrReason } from '../../../project/index.ts';
import { ApiError } from '../../contract/errors.ts';
import type { ProjectSession } from '../project/project-session.ts';
import { claimRun, liveTrainer, releaseRun } from './run-process.ts';
import { storedConfig } from './stored-settings.ts';
import { compactProject, trainingStateDropped } from '../project/compact.ts';
import { bandChannels, bandSource } from './band-source.ts';
import type {
  RunSummary, TrainingEpochReport, TrainingProgressReport, TrainingReport, TrainingStart,
} from '../../contract/reports.ts';

/**
 * Checkpoints kept per run while it can resume: the newest few, and each can be tens of megabytes. A
 * finished run keeps only its last, cut down to the encoder (see ../project/compact.ts).
 */
export const CHECKPOINTS_KEPT = 3;

export interface TrainOptions {
  /** A TOML settings file to take the settings from. */
  settingsFile?: string;
  /** The settings as given (the app's form), when there is no file. Either way train() validates them, once. */
  settings?: Record<string, unknown>;
  /** What to call `settings` in messages (default 'training settings'). */
  settingsSource?: string;
  /** Override the settings. */
  epochs?: number;
  backend?: string;
  seed?: number;
  /** Continue the latest unfinished run (cancelled, failed, or left 'running' by a killed process). */
  resume?: boolean;
  signal?: AbortSignal;
  onStart?: (start: TrainingStart) => void;
  onProgress?: (progress: TrainingProgressReport) => void;
  onEpoch?: (epoch: TrainingEpochReport) => void;
  onWarning?: (message: string) => void;
  /** Receives pause/resume for this run once it has started (the app's pause button; the run shows 'paused'). */
  onControls?: (controls: { pause(): void; resume(): void }) => void;
}

export function runSummary(run: EmbeddingRun, finalLoss: number | null = null): RunSummary {
  const epochs = typeof run.config.epochs === 'number' ? run.config.epochs : 0;
  const c = run.config;
  return {
    id: run.id, createdAt: run.createdAt, status: run.status, backend: run.backend, seed: run.seed,
    epochs, epochsDone: run.epochsDone, stepsDone: run.stepsDone, error: run.error,
    encoder: typeof c.encoder === 'string' ? c.encoder : null,
    imageSize: typeof c.image_size === 'number' ? c.image_size : null,
    finalLoss,
  };
}

/** Every training run of the project, oldest first, each with the mean loss of its last completed epoch. */
export function listRuns(session: ProjectSession): RunSummary[] {
  const project = session.project;
  return project.runs.list().map((run) => {
    const points = project.losses.list(run.id).filter((p) => p.epoch <= run.epochsDone && Number.isFinite(p.loss));
    const last = points.at(-1)?.epoch;
    const epoch = points.filter((p) => p.epoch === last);
    return runSummary(run, epoch.length ? epoch.reduce((s, p) => s + p.loss, 0) / epoch.length : null);
  });
}

/** Spectral planes per cube on which the default channel count is based. */
export const DEFAULT_CUBE_CHANNELS = 8;

/**
 * Channels when the settings do not say: 1 for images; for a project that is mostly line cubes,
 * DEFAULT_CUBE_CHANNELS velocity channels (fewer if the cubes have fewer planes), so cubes keep their
 * kinematics instead of collapsing to one image. Stored with the run, like every setting.
 */
export function channelsFromData(project: Project): number {
  // Multi-band objects: one channel per band.
  const bands = bandChannels(project);
  if (bands !== undefined) return bands;
  const planes = project.items.list({ status: 'ok' }).map((i) => {
    const extra = (i.shape ?? []).slice(2).filter((n, a) => n > 1 && i.axisKinds?.[a + 2] !== 'stokes');
    return extra.length > 0 ? extra[0]! : 1;
  });
  const cubes = planes.filter((p) => p > 1).sort((a, b) => a - b);
  if (cubes.length * 2 <= planes.length) return 1;
  return Math.min(DEFAULT_CUBE_CHANNELS, cubes[cubes.length >> 1]!);
}

/** The model layer (tfjs and its backends) loads on first use, so commands that do not train start fast. */
const loadModel = () => import('../../../model/index.ts');

/** The overrides given, and which option gave each (so a bad value is blamed on the option, not the file). */
function overrides(opts: TrainOptions, keys: ('epochs' | 'seed' | 'backend')[]): { values: Record<string, unknown>; from: Record<string, string> } {
  const values: Record<string, unknown> = {};
  const from: Record<string, string> = {};
  for (const k of keys) {
    if (opts[k] === undefined) continue;
    values[k] = opts[k];
    from[k] = `--${k}`;
  }
  return { values, from };
}

/** Validates settings as a usage error (exit 2 in the CLI) that names the file and the bad keys. */
function settingsOrUsageError<T>(make: () => T): T {
  try {
    return make();
  } catch (e) {
    if (e instanceof Error && e.name === 'SettingsError') throw new ApiError('bad-argument', e.message);
    throw e;
  }
}

/** An item left out of training and why; `path` relative to the project file's folder. */
interface Skip {
  path: string;
  reason: string;
}

/**
 * The file items the model trains on: dataset items with status ok, at their chosen HDU. With
 * `imageProblem`, an item whose stored shape cannot become model input (an N x 1 plane, a 1-D
 * spectrum) is left out and listed in `skipped` with the reason, as is a damaged row: one such item
 * must not stop training on all the others.
 */
export function trainingSource(project: Project, preprocess: PreprocessOptions,
  imageProblem?: (shape: number[], kinds?: AxisKind[]) => string | null): { spec: SampleSourceSpec; itemIds: number[]; skipped: Skip[] } {
  const skipped: Skip[] = [];
  const items = project.items.list({ status: 'ok' }, (d) => skipped.push({ path: d.path ?? `item ${d.id ?? '?'}`, reason: d.problem }))
    .filter((i) => {
      if (i.hdu === null) return false;
      const problem = i.shape === null ? 'no image shape recorded' : imageProblem?.(i.shape, i.axisKinds ?? undefined) ?? null;
      if (problem !== null) skipped.push({ path: i.path, reason: `HDU ${i.hdu}: ${problem}` });
      return problem === null;
    });
  // A file behind a link out of every trusted folder is left out like an unusable one (its reason says
  // how to allow it); a data folder that is not trusted at all still stops training, in dataFilePath.
  const files: { item: DatasetItem; path: string }[] = [];
  for (const item of items) {
    const file = dataFileOrReason(project, item);
    if ('path' in file) files.push({ item, path: file.path });
    else skipped.push({ path: item.path, reason: file.reason });
  }
  if (files.length === 0) {
    const why = skipped.length > 0 ? ` (${skipped.length} left out: ${skipped.slice(0, 3).map((s) => `${s.path}: ${s.reason}`).join('; ')})` : '';
    throw new ApiError('no-data', `${project.path} has no readable items to train on${why}; add folders of FITS files first (astromorph add)`);
  }
  return {
    itemIds: files.map((f) => f.item.id),
    spec: {
      kind: 'files',
      items: files.map((f) => ({ path: f.path, hdu: f.item.hdu! })),
      preprocess,
    },
    skipped,
  };
}

function runToResume(project: Project): EmbeddingRun {
  const runs = project.runs.list().filter((r) => r.status !== 'done');
  const run = runs[runs.length - 1];
  if (run === undefined) throw new ApiError('no-run', `${project.path} has no unfinished training run to resume; train without --resume to start one`);
  if (run.status === 'running' || run.status === 'paused') {
    const trainer = liveTrainer(project, run.id);
    if (trainer !== null) {
      const where = trainer.host === hostname() ? '' : ` on ${trainer.host}`;
      throw new ApiError('run-busy', `run ${run.id} is still being trained by process ${trainer.pid}${where}; stop it first`);
    }
  }
  return run;
}

/**
 * Trains a new run, or resumes the latest unfinished one, until it finishes or `signal` aborts it.
 * Aborting stops after the current step, saves a checkpoint there and resolves with status 'cancelled'.
 */
export async function train(session: ProjectSession, opts: TrainOptions = {}): Promise<TrainingReport> {
  session.assertWritable('train');
  const project = session.project;
  const started = performance.now();
  // Settings are checked here, once, where they come in (a file, the app's form, or a stored run, since
  // a project file may come from elsewhere); from here on they travel typed, and the run stores them.
  let run: EmbeddingRun;
  let settings: TrainingSettings;
  let resumeFrom: Uint8Array | undefined;
  if (opts.resume) {
    if (opts.settingsFile !== undefined || opts.settings !== undefined || opts.seed !== undefined) {
      throw new ApiError('bad-argument', '--resume continues a run with its own settings and seed; leave out --config and --seed (--epochs and --backend may change)');
    }
    run = runToResume(project);
    if (trainingStateDropped(project, run.id)) {
      throw new ApiError('no-run', `run ${run.id} cannot resume: its training state was dropped (astromorph compact --drop-resumable); `
        + 'it still embeds; train without --resume to start a new run');
    }
    const given = overrides(opts, ['epochs', 'backend']);
    settings = settingsOrUsageError(() => parseSettings({ ...storedConfig(run), ...given.values }, `run ${run.id}`, given.from));
    resumeFrom = project.checkpoints.latest(run.id)?.weights;
  } else {
    const base = opts.settingsFile !== undefined ? settingsOrUsageError(() => readSettingsFile(opts.settingsFile!)) : opts.settings ?? {};
    const given = overrides(opts, ['epochs', 'seed', 'backend']);
    settings = settingsOrUsageError(() => parseSettings({
      ...base,
      ...(base.channels === undefined && { channels: channelsFromData(project) }),
      ...given.values,
    }, opts.settingsFile ?? opts.settingsSource ?? 'training settings', given.from));
    run = undefined as unknown as EmbeddingRun; // created below, once the backend is known
  }
  const { preprocessFor, selectBackend, startTraining, decodeCheckpoint } = await loadModel();
  const { layoutProblem } = await import('../../../model/data/index.ts');
  const bandInput = bandSource(project, settings, preprocessFor(settings));
  const { spec, skipped: left } = bandInput
    ? { spec: bandInput.spec as SampleSourceSpec, skipped: bandInput.skipped.map((s) => ({ path: s.path, reason: s.reason })) }
    : trainingSource(project, preprocessFor(settings), layoutProblem);
  const skipped = left.map((s) => ({ path: resolve(project.folder, s.path), reason: s.reason }));
  // Choose here, then force the worker onto the same one: the run records what actually computes.
  const requested = opts.backend ?? (opts.resume ? run.backend : settings.backend);
  const backend = await selectBackend(requested, opts.onWarning ?? (() => {}));
  if (!opts.resume) run = project.runs.create({ config: settings as unknown as Record<string, unknown>, backend, seed: settings.seed });
  const runId = run.id;
  const from = resumeFrom ? decodeCheckpoint(resumeFrom, `run ${runId} checkpoint`).manifest : null;
  claimRun(project, runId);
  project.runs.setStatus(runId, 'running');
  project.runs.setSkipped(runId, left);
  opts.onStart?.({
    runId, resumed: opts.resume === true, backend, items: spec.kind === 'files' ? spec.items.length : spec.kind === 'bands' ? spec.objects.length : 0, epochs: settings.epochs,
    fromEpoch: from?.epoch ?? 0, fromStep: from?.globalStep ?? 0, skipped,
    ...(bandInput && { bands: bandInput.describe }),
  });

  let lastSavedStep = from?.globalStep ?? 0;
  let lastCheckpointId: number | null = project.checkpoints.latest(runId)?.id ?? null;
  let pending: LossPoint[] = [];
  const save = (checkpoint: Uint8Array, kind: 'epoch' | 'cancel', meanLoss: number | null): number | null => {
    const m = decodeCheckpoint(checkpoint, `run ${runId} checkpoint`).manifest;
    if (m.globalStep <= lastSavedStep && kind === 'cancel') return null; // nothing new since the last one
    const points = pending;
    const id = project.transaction(() => {
      project.losses.append(runId, points);
      const cid = project.checkpoints.save({
        runId, epoch: m.epoch, step: m.globalStep, weights: checkpoint, optimiser: null, rng: m.rngState,
        meta: { kind, backend, meanLoss, epochLosses: m.epochLosses, epochRanks: m.epochRanks ?? [] },
      });
      project.checkpoints.prune(runId, CHECKPOINTS_KEPT);
      return cid;
    });
    pending = [];
    lastSavedStep = m.globalStep;
    lastCheckpointId = id;
    return id;
  };

  let handle: TrainingHandle | undefined;
  const onAbort = () => handle?.cancel();
  // A listener that throws would surface as an uncaught exception in the worker's message handler:
  // keep the first failure, stop the run, and raise it once the worker has stopped.
  let failure: unknown;
  let finished = false;
  const guarded = <A extends unknown[]>(fn: (...args: A) => void) => (...args: A) => {
    try {
      fn(...args);
    } catch (e) {
      failure ??= e;
      handle?.cancel();
    }
  };
  try {
    handle = startTraining({ settings, source: spec, resumeFrom, backend });
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    if (opts.signal?.aborted) handle.cancel();
    const h = handle;
    opts.onControls?.({
      pause: () => {
        if (finished) return;
        h.pause();
        project.runs.setStatus(runId, 'paused');
      },
      resume: () => {
        if (finished) return;
        h.resume();
        project.runs.setStatus(runId, 'running');
      },
    });
    handle.on('warning', guarded((m: string) => opts.onWarning?.(m)));
    handle.on('progress', guarded((p) => {
      pending.push({ epoch: p.epoch, step: p.globalStep, loss: p.loss, imagesPerS: p.imagesPerSecond, dataWait: p.dataWaitShare });
      opts.onProgress?.({ runId, ...p });
    }));
    handle.on('epochEnd', guarded((e) => {
      const checkpointId = save(e.checkpoint, 'epoch', e.meanLoss)!;
      const effectiveRank = e.rank && { representation: e.rank.representation, projection: e.rank.projection };
      opts.onEpoch?.({ runId, epoch: e.epoch, epochs: settings.epochs, meanLoss: e.meanLoss, effectiveRank, checkpointId });
    }));
    const result = await handle.done;
    if (failure !== undefined) throw failure;
    const cancelled = result.status === 'cancelled';
    if (cancelled) save(result.checkpoint, 'cancel', null);
    project.runs.setStatus(runId, cancelled ? 'cancelled' : 'done');
    // A finished run cannot resume: it keeps only the encoder it embeds with, and the file gives the room back.
    if (!cancelled) {
      try {
        compactProject(project, { runIds: [runId] });
      } catch (e) {
        opts.onWarning?.(`run ${runId} finished, but its training state could not be dropped from the file (astromorph compact does it): ${(e as Error).message}`);
      }
    }
    const final = decodeCheckpoint(result.checkpoint, `run ${runId} checkpoint`).manifest;
    return {
      runId, status: cancelled ? 'cancelled' : 'done', resumed: opts.resume === true, backend,
      epochsDone: final.epoch, stepsDone: final.globalStep, epochLosses: result.epochLosses,
      checkpointId: lastCheckpointId, skipped, seconds: (performance.now() - started) / 1000,
    };
  } catch (e) {
    project.runs.setStatus(runId, 'failed', (e as Error).message ?? String(e));
    throw e;
  } finally {
    finished = true;
    opts.signal?.removeEventListener('abort', onAbort);
    releaseRun(project, runId);
  }
}
