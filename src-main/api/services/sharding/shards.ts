// Sharded add and embed for clusters (Slurm job arrays, Kubernetes Indexed Jobs, Ray): each task
// takes the items whose stored path hashes to its index (shares never move when a task fails and
// runs again), reads the project without writing it, and writes its results to its own shard file in
// PROJECT.shards/ beside the project. `merge` checks the shards (same project, run and model, no
// overlaps) and brings them in in one transaction; merging the same shards again changes nothing.
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { join, resolve } from 'node:path';
import type { DatasetItem, ItemRecord, KnownFile } from '../../../dataset/index.ts';
import { relativeTo, visibleText } from '../../../dataset/index.ts';
import type { EmbeddingRun, Project } from '../../../project/index.ts';
import { dataFileOrReason, ProjectError, PROJECT_EXTENSION, trustFolder } from '../../../project/index.ts';
import {
  parseShardSpec, partialProgress, PARTIAL_SUFFIX, SHARD_EXTENSION, shardFileName, shardOf, ShardReader, ShardWriter,
  type ShardKind,
} from '../../../project/shard-file.ts';
import { checkedItemRecord } from '../../../project/shard-record.ts';
import { preprocessFor } from '../../../model/settings.ts';
import { ApiError } from '../../contract/errors.ts';
import type { MergeReport, ShardProgress, ShardState, ShardTaskReport } from '../../contract/reports.ts';
import type { ProjectSession } from '../project/project-session.ts';
import { runWithCheckpoint } from '../training/embedding.ts';
import { storedSettings } from '../training/stored-settings.ts';
import { bandSource } from '../training/band-source.ts';
import type { SampleSourceSpec } from '../../../model/data/index.ts';

const PROJECT_ID_KEY = 'projectId';
const WRITE_BATCH = 256;

export interface Shard {
  index: number;
  count: number;
}

/** "I/N" from the command line, or an ApiError 'bad-argument' saying what is expected. */
export function shardSpec(spec: string): Shard {
  const s = parseShardSpec(spec);
  if (!s) throw new ApiError('bad-argument', `--shard ${spec}: expected I/N with 0 <= I < N (e.g. 3/16)`);
  return s;
}

/** PROJECT.shards/, beside survey.amproj: where tasks write their shard files. */
export function shardFolder(projectPath: string): string {
  const base = projectPath.endsWith(PROJECT_EXTENSION) ? projectPath.slice(0, -PROJECT_EXTENSION.length) : projectPath;
  return `${base}.shards`;
}

/** The project's id, given on first use (shards name it, so those of another project are refused). */
export function ensureProjectId(session: ProjectSession): string {
  const id = session.project.settings.get(PROJECT_ID_KEY);
  if (typeof id === 'string' && id.length > 0) return id;
  session.assertWritable('give the project an id for sharded work');
  const fresh = randomUUID();
  session.project.settings.set(PROJECT_ID_KEY, fresh);
  return fresh;
}

function projectIdOf(project: Project): string {
  const id = project.settings.get(PROJECT_ID_KEY);
  if (typeof id !== 'string' || id.length === 0) {
    throw new ApiError('no-data', `${project.path} has no project id yet, which shard files name: run \`astromorph merge ${project.path}\` `
      + '(or `astromorph slurm`) once before starting the tasks');
  }
  return id;
}

/** Names the model that embeds: the run's stored settings and the checkpoint's weights. */
export function modelFingerprint(run: EmbeddingRun, weights: Uint8Array): string {
  return createHash('sha256').update(JSON.stringify(storedSettings(run))).update(weights).digest('hex');
}

/** Readable items of the project in this shard's share, by stored path (only the share's rows are read whole). */
function shareOf(project: Project, shard: Shard): { items: DatasetItem[]; damaged: { path: string; reason: string }[] } {
  const items: DatasetItem[] = [];
  const damaged: { path: string; reason: string }[] = [];
  for (const i of project.items.embeddable()) {
    if (shardOf(i.path, shard.count) !== shard.index) continue;
    try {
      const item = project.items.get(i.id);
      if (item && item.status === 'ok' && item.hdu !== null) items.push(item);
    } catch (e) {
      if (!(e instanceof ProjectError)) throw e;
      damaged.push({ path: i.path, reason: e.message }); // a damaged row: this item only, as embed does
    }
  }
  return { items, damaged };
}

export interface ShardTaskOptions {
  shard: Shard;
  runId?: number;
  batchSize?: number;
  backend?: string;
  signal?: AbortSignal;
  onStart?: (start: { runId: number; total: number; backend: string }) => void;
  onProgress?: (progress: { done: number; total: number }) => void;
  onWarning?: (message: string) => void;
}

/**
 * One task of a sharded embed: embeds its share with the run's latest checkpoint into its shard file.
 * The session must be open read-only (ProjectSession.open(…, { readOnly: true })): tasks never write the project.
 */
export async function embedShard(session: ProjectSession, opts: ShardTaskOptions): Promise<ShardTaskReport> {
  const started = performance.now();
  const project = session.project;
  const projectId = projectIdOf(project);
  const run = runWithCheckpoint(project, opts.runId);
  const checkpoint = project.checkpoints.latest(run.id)!;
  const settings = storedSettings(run);
  const inShard = (path: string) => shardOf(path, opts.shard.count) === opts.shard.index;
  // Multi-band objects: this task's share is the objects whose first band falls in it, each embedded
  // from all its bands and stored on that first band's item, as embed does.
  const bandInput = bandSource(project, settings, preprocessFor(settings));
  const { items: share, damaged } = bandInput ? { items: bandInput.leads.filter((lead) => inShard(lead.path)), damaged: [] } : shareOf(project, opts.shard);
  const leftOut = bandInput?.skipped.filter((s) => inShard(s.path)) ?? [];
  const skipped: { path: string; reason: string }[] = [...damaged, ...leftOut];
  const files: { item: DatasetItem; path: string }[] = [];
  let source: SampleSourceSpec;
  if (bandInput) {
    for (const lead of share) files.push({ item: lead, path: lead.absolutePath });
    source = { ...bandInput.spec, objects: bandInput.spec.objects.filter((_, i) => inShard(bandInput.leads[i]!.path)) };
  } else {
    for (const item of share) {
      const file = dataFileOrReason(project, item);
      if ('path' in file) files.push({ item, path: file.path });
      else skipped.push({ path: item.path, reason: file.reason });
    }
    source = { kind: 'files', items: files.map((f) => ({ path: f.path, hdu: f.item.hdu! })), preprocess: preprocessFor(settings) };
  }
  const folder = shardFolder(project.path);
  fs.mkdirSync(folder, { recursive: true });
  const file = join(folder, shardFileName('embed', opts.shard.index, opts.shard.count, run.id));
  const writer = ShardWriter.create(file, {
    kind: 'embed', projectId, index: opts.shard.index, count: opts.shard.count, runId: run.id, checkpointId: checkpoint.id,
    fingerprint: modelFingerprint(run, checkpoint.weights), assigned: share.length + damaged.length + leftOut.length,
  });
  let written = 0;
  let buffer: { path: string; vector: Float32Array }[] = [];
  const flush = () => {
    writer.putVectors(buffer);
    written += buffer.length;
    buffer = [];
  };
  let backend = opts.backend ?? run.backend;
  try {
    for (const s of skipped) writer.skip(s.path, s.reason);
    if (files.length > 0) {
      const { embedInWorker } = await import('../../../model/embed-in-worker.ts');
      await embedInWorker({
        weights: checkpoint.weights,
        settings,
        source,
        batchSize: opts.batchSize,
        backend,
      }, {
        signal: opts.signal,
        onStart: (chosen) => {
          backend = chosen;
          opts.onStart?.({ runId: run.id, total: share.length, backend });
        },
        onWarning: opts.onWarning,
        onProgress: (done, total) => opts.onProgress?.({ done, total }),
        onUnreadable: (index, error) => {
          const reason = visibleText(error.message);
          skipped.push({ path: files[index]!.item.path, reason });
          writer.skip(files[index]!.item.path, reason);
        },
        onBatch: (embeddings) => {
          for (const e of embeddings) {
            buffer.push({ path: files[e.index]!.item.path, vector: e.vector });
            if (buffer.length >= WRITE_BATCH) flush();
          }
        },
      });
    }
    flush();
  } catch (e) {
    writer.abandon();
    if (!opts.signal?.aborted) throw e;
    return { kind: 'embed', index: opts.shard.index, count: opts.shard.count, file: null, runId: run.id, assigned: share.length, written,
      skipped, cancelled: true, seconds: (performance.now() - started) / 1000 };
  }
  writer.finish();
  return { kind: 'embed', index: opts.shard.index, count: opts.shard.count, file, runId: run.id, assigned: share.length, written, skipped,
    cancelled: false, seconds: (performance.now() - started) / 1000 };
}

export interface AddShardOptions {
  shard: Shard;
  signal?: AbortSignal;
  workers?: number;
  followLinks?: boolean;
  onProgress?: (p: { phase: 'walk' | 'read'; done: number; total: number; failed: number; path: string | null }) => void;
}

/**
 * One task of a sharded add: walks the folders, reads the new and changed files of its share and
 * writes what it found to its shard file; files of its share that vanished are recorded as missing.
 * The project is only read (open it read-only).
 */
export async function addShard(session: ProjectSession, dirs: string[], opts: AddShardOptions): Promise<ShardTaskReport> {
  const started = performance.now();
  const project = session.project;
  const projectId = projectIdOf(project);
  const roots = dirs.map((d) => {
    const abs = resolve(d);
    if (!fs.statSync(abs, { throwIfNoEntry: false })?.isDirectory()) throw new ApiError('not-a-folder', `${d} is not a folder`);
    return abs;
  });
  const folder = shardFolder(project.path);
  fs.mkdirSync(folder, { recursive: true });
  const file = join(folder, shardFileName('add', opts.shard.index, opts.shard.count, null));
  const writer = ShardWriter.create(file, { kind: 'add', projectId, index: opts.shard.index, count: opts.shard.count, runId: null,
    checkpointId: null, fingerprint: null, assigned: 0 });
  // The scanner writes through a Catalogue; this one keeps the project untouched and sends every write to the shard.
  const rootOf = new Map(project.datasets.list().map((d) => [d.id, d.absoluteRoot]));
  const pathOf = new Map<number, string>();
  const savedPath = new Map<number, string>();
  let nextId = 1;
  let assigned = 0;
  const catalogue = {
    folder: project.folder,
    transaction: <T>(fn: () => T): T => writer.transaction(fn),
    datasets: {
      add: (absoluteRoot: string): number => {
        const id = -(rootOf.size + 1);
        rootOf.set(id, absoluteRoot);
        writer.root(absoluteRoot, false);
        return id;
      },
      markScanned: (id: number): void => writer.root(rootOf.get(id)!, true),
      list: () => [...rootOf].map(([id, absoluteRoot]) => ({ id, absoluteRoot })),
    },
    items: {
      knownUnder: (rel: string): Map<string, KnownFile> => {
        const known = project.items.knownUnder(rel);
        for (const [p, k] of known) pathOf.set(k.id, p);
        return known;
      },
      save: (record: ItemRecord): number => {
        const { datasetId, ...rest } = record;
        writer.putItem({ path: record.path, root: rootOf.get(datasetId)!, record: rest, thumbnail: null });
        const id = nextId++;
        savedPath.set(id, record.path);
        return id;
      },
      markMissing: (ids: readonly number[]): void => { for (const id of ids) writer.markMissing(pathOf.get(id)!, null); },
      markUnreadable: (id: number, reason: string): void => writer.markMissing(pathOf.get(id)!, reason),
    },
    thumbnails: {
      put: (itemId: number, t: { width: number; height: number; png: Uint8Array }): void => writer.putThumbnail(savedPath.get(itemId)!, t),
      delete: (): void => {},
    },
  };
  const { addFolders } = await import('../../../dataset/scan.ts');
  let summary;
  try {
    summary = await addFolders(catalogue, roots, {
      signal: opts.signal, workers: opts.workers, followLinks: opts.followLinks,
      only: (rel) => {
        if (shardOf(rel, opts.shard.count) !== opts.shard.index) return false;
        assigned++;
        return true;
      },
      onProgress: opts.onProgress
        ? (p) => opts.onProgress!({ phase: p.phase, done: p.done, total: p.total, failed: p.failed, path: p.current ?? null })
        : undefined,
    });
  } catch (e) {
    writer.abandon();
    throw e;
  }
  if (summary.cancelled) {
    writer.abandon();
    return { kind: 'add', index: opts.shard.index, count: opts.shard.count, file: null, runId: null, assigned, written: summary.added + summary.updated,
      skipped: summary.failures.map((f) => ({ path: f.path, reason: f.error })), cancelled: true, seconds: (performance.now() - started) / 1000 };
  }
  // The user named these folders on this command line, as for a plain add (see ProjectSession.addFolders).
  for (const f of summary.foundIn) trustFolder(f);
  for (const target of summary.linksFollowed) trustFolder(target);
  writer.setAssigned(assigned);
  writer.finish();
  return { kind: 'add', index: opts.shard.index, count: opts.shard.count, file, runId: null, assigned, written: summary.added + summary.updated,
    skipped: summary.failures.map((f) => ({ path: f.path, reason: f.error })), cancelled: false, seconds: (performance.now() - started) / 1000 };
}

/** Every shard's index in 0..count-1 not among those given. */
function absent(count: number, given: Set<number>): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i++) if (!given.has(i)) out.push(i);
  return out;
}

/**
 * Brings shard files into the project in one transaction, after checking them all: same project, same
 * kind and shard count, embeddings of the same run and model as the project's run now, each a
 * finished shard, no shard given twice, every row in its own shard's share. With every shard of the
 * job given, an embedding replaces the run's vectors as a single-process embed would; with some, their
 * vectors are added and the report says which shards are still missing.
 */
export function mergeShards(session: ProjectSession, files: string[]): MergeReport {
  const started = performance.now();
  session.assertWritable('merge shards');
  const project = session.project;
  const projectId = ensureProjectId(session);
  if (files.length === 0) {
    return { kind: 'embed', runId: null, count: 0, merged: [], missingShards: [], missingItems: 0, written: 0, skipped: 0, complete: false, seconds: 0 };
  }
  const readers: ShardReader[] = [];
  try {
    for (const f of files) readers.push(ShardReader.open(resolve(f)));
    const first = readers[0]!.header;
    const seen = new Map<number, string>();
    for (const r of readers) {
      const h = r.header;
      const bad = (problem: string): never => { throw new ApiError('bad-shard', `${r.file}: ${problem}; nothing was merged`); };
      if (h.projectId !== projectId) bad(`a shard of another project (${h.projectId}), not of ${project.path}`);
      if (!h.complete) bad('an unfinished shard (its task did not end)');
      if (h.kind !== first.kind) bad(`a shard of ${h.kind}, the others are of ${first.kind}`);
      if (h.count !== first.count) bad(`one of ${h.count} shards, the others are of ${first.count}`);
      if (h.runId !== first.runId) bad(`embeddings of run ${h.runId}, the others are of run ${first.runId}`);
      const other = seen.get(h.index);
      if (other !== undefined) bad(`shard ${h.index}/${h.count} is given twice (also ${other}): shards may not overlap`);
      seen.set(h.index, r.file);
    }
    const given = new Set(seen.keys());
    const missingShards = absent(first.count, given);
    const complete = missingShards.length === 0;
    if (first.kind === 'embed') return mergeEmbeddings(project, readers, { given, missingShards, complete, started });
    return mergeItems(project, readers, { given, missingShards, complete, started });
  } finally {
    for (const r of readers) r.close();
  }
}

interface MergeContext {
  given: Set<number>;
  missingShards: number[];
  complete: boolean;
  started: number;
}

function mergeEmbeddings(project: Project, readers: ShardReader[], ctx: MergeContext): MergeReport {
  const { runId, count } = readers[0]!.header;
  const run = project.runs.get(runId!);
  if (!run) throw new ApiError('no-run', `${project.path} has no run ${runId}, which the shards embedded with`);
  const checkpoint = project.checkpoints.latest(run.id);
  const fingerprint = checkpoint ? modelFingerprint(run, checkpoint.weights) : null;
  for (const r of readers) {
    if (r.header.fingerprint !== fingerprint) {
      throw new ApiError('bad-shard', `${r.file}: embedded with another model than run ${run.id}'s latest checkpoint `
        + '(it trained on since, or the shard is of another project); embed the shards again; nothing was merged');
    }
  }
  const eligible = new Map<string, number>();
  // Multi-band objects get one vector each, on their first band's item; the other bands none.
  const settings = storedSettings(run);
  const bandInput = bandSource(project, settings, preprocessFor(settings));
  if (bandInput) for (const lead of bandInput.leads) eligible.set(lead.path, lead.id);
  else for (const item of project.items.embeddable()) eligible.set(item.path, item.id);
  let written = 0;
  let skipped = 0;
  const covered = new Set<number>();
  const keepStale: number[] = [];
  project.transaction(() => {
    if (ctx.complete) project.embeddings.beginReplacement(run.id);
    for (const r of readers) {
      const { index } = r.header;
      let batch: { itemId: number; vector: Float32Array }[] = [];
      const put = () => {
        if (ctx.complete) project.embeddings.stageReplacement(run.id, batch);
        else project.embeddings.putMany(run.id, batch);
        batch = [];
      };
      for (const v of r.vectors()) {
        if (shardOf(v.path, count) !== index) {
          throw new ApiError('bad-shard', `${r.file}: ${v.path} belongs to shard ${shardOf(v.path, count)}, not ${index}; nothing was merged`);
        }
        const itemId = eligible.get(v.path);
        if (itemId === undefined) continue; // removed or failed since the task ran: its vector has no item to go to
        covered.add(itemId);
        batch.push({ itemId, vector: v.vector });
        written++;
        if (batch.length >= WRITE_BATCH) put();
      }
      put();
      for (const s of r.skipped()) {
        const itemId = eligible.get(s.path);
        if (itemId !== undefined) keepStale.push(itemId);
        skipped++;
      }
    }
    if (ctx.complete) project.embeddings.commitReplacement(run.id, keepStale);
  });
  let missingItems = 0;
  const skippedIds = new Set(keepStale);
  for (const id of eligible.values()) if (!covered.has(id) && !skippedIds.has(id)) missingItems++;
  return { kind: 'embed', runId: run.id, count, merged: [...ctx.given].sort((a, b) => a - b), missingShards: ctx.missingShards, missingItems,
    written, skipped, complete: ctx.complete, seconds: (performance.now() - ctx.started) / 1000 };
}

function mergeItems(project: Project, readers: ShardReader[], ctx: MergeContext): MergeReport {
  const { count } = readers[0]!.header;
  let written = 0;
  let skipped = 0;
  project.transaction(() => {
    const datasetOf = new Map(project.datasets.list().map((d) => [d.absoluteRoot, d.id]));
    const known = project.items.knownUnder('');
    const scanned = new Set<string>();
    for (const r of readers) {
      const { index } = r.header;
      for (const root of r.roots()) {
        if (!datasetOf.has(root.root)) datasetOf.set(root.root, project.datasets.add(root.root));
        if (root.scanned) scanned.add(root.root);
      }
      for (const item of r.items()) {
        if (shardOf(item.path, count) !== index) {
          throw new ApiError('bad-shard', `${r.file}: ${item.path} belongs to shard ${shardOf(item.path, count)}, not ${index}; nothing was merged`);
        }
        const datasetId = datasetOf.get(item.root);
        if (datasetId === undefined) throw new ApiError('bad-shard', `${r.file}: ${item.path} names folder ${item.root}, which the shard does not list; nothing was merged`);
        const relRoot = relativeTo(project.folder, item.root);
        if (relRoot !== '.' && !item.path.startsWith(`${relRoot}/`)) {
          throw new ApiError('bad-shard', `${r.file}: ${item.path} does not lie under its folder ${item.root}; nothing was merged`);
        }
        const record = checkedItemRecord(r.file, item.path, item.record, datasetId);
        const id = project.items.save(record);
        if (item.thumbnail) project.thumbnails.put(id, item.thumbnail);
        else project.thumbnails.delete(id);
        if (record.status === 'failed') skipped++;
        else written++;
      }
      for (const m of r.missing()) {
        const k = known.get(m.path);
        if (!k) continue;
        if (m.unreadable === null) project.items.markMissing([k.id]);
        else project.items.markUnreadable(k.id, m.unreadable);
      }
    }
    // A folder is scanned when every shard has been through it.
    if (ctx.complete) {
      for (const root of scanned) {
        if (readers.every((r) => r.roots().some((x) => x.root === root && x.scanned))) project.datasets.markScanned(datasetOf.get(root)!);
      }
    }
  });
  return { kind: 'add', runId: null, count, merged: [...ctx.given].sort((a, b) => a - b), missingShards: ctx.missingShards,
    missingItems: 0, written, skipped, complete: ctx.complete, seconds: (performance.now() - ctx.started) / 1000 };
}

/** The complete shard files of a job in the project's shard folder (for `merge` without file names). */
export function shardFiles(projectPath: string, kind: ShardKind, count: number, runId: number | null): string[] {
  const folder = shardFolder(projectPath);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const f = join(folder, shardFileName(kind, i, count, runId));
    if (fs.existsSync(f)) out.push(f);
  }
  return out;
}

/** Each shard's state from the files in PROJECT.shards/: done (complete file), running (a .partial), waiting. */
export function shardProgress(projectPath: string, kind: ShardKind, count: number, runId: number | null): ShardProgress {
  const folder = shardFolder(projectPath);
  const shards: ShardState[] = [];
  for (let i = 0; i < count; i++) {
    const f = join(folder, shardFileName(kind, i, count, runId));
    if (fs.existsSync(f)) {
      let assigned = 0;
      try {
        const r = ShardReader.open(f);
        assigned = r.header.assigned;
        r.close();
      } catch {
        // shown as done; merge will say what is wrong with it
      }
      shards.push({ index: i, state: 'done', done: assigned, assigned });
    } else if (fs.existsSync(f + PARTIAL_SUFFIX)) {
      const p = partialProgress(f + PARTIAL_SUFFIX);
      shards.push({ index: i, state: 'running', done: p?.done ?? 0, assigned: p?.assigned ?? 0 });
    } else {
      shards.push({ index: i, state: 'waiting', done: 0, assigned: 0 });
    }
  }
  return { kind, runId, count, folder, shards, complete: shards.every((s) => s.state === 'done') };
}

/** The job whose shard files are in PROJECT.shards/, newest first by file time (for the app to find). */
export function latestShardJob(projectPath: string): { kind: ShardKind; count: number; runId: number | null } | null {
  const folder = shardFolder(projectPath);
  let names: string[];
  try {
    names = fs.readdirSync(folder);
  } catch {
    return null;
  }
  let best: { kind: ShardKind; count: number; runId: number | null; mtime: number } | null = null;
  for (const name of names) {
    const m = /^(?:embed-run(\d+)|add)-\d+-of-(\d+)\.amshard(?:\.partial)?$/.exec(name);
    if (!m || !name.includes(SHARD_EXTENSION)) continue;
    const mtime = fs.statSync(join(folder, name), { throwIfNoEntry: false })?.mtimeMs ?? 0;
    if (!best || mtime > best.mtime) best = { kind: m[1] ? 'embed' : 'add', runId: m[1] ? Number(m[1]) : null, count: Number(m[2]), mtime };
  }
  return best && { kind: best.kind, count: best.count, runId: best.runId };
}
