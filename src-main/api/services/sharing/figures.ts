// Publication figures from a project: the embedding map, a similarity gallery, the training loss and
// a contact sheet, as SVG, PDF or PNG. The settings a figure was made with are stored in the project
// (setting 'figure.<kind>'), and a later export without options makes the same figure again.
import path from 'node:path';
import { z } from 'zod';
import type { Colormap, DatasetItem } from '../../../dataset/index.ts';
import { COLORMAPS, STRETCHES } from '../../../dataset/index.ts';
import {
  buildGalleryFigure, buildLossFigure, buildMapFigure, buildSheetFigure, DEFAULT_NOISE_SIGMAS, DEFAULT_THUMBNAIL_STYLE, FIGURE_FORMATS, figureWidthInches,
  pixelSize, recolourStored, thumbnailFromFits, writeFigure,
  type FigureThumb, type MapColouring, type Scene, type ThumbnailStyle,
} from '../../../export/index.ts';
import type { Project } from '../../../project/index.ts';
import { mayReadDataFile } from '../../../project/index.ts';
import { embeddingRun } from '../exploration/embedding-run.ts';
import { ApiError } from '../../contract/errors.ts';
import { requireItem } from '../project/item-ref.ts';
import type { ProjectSession } from '../project/project-session.ts';
import { similar } from '../exploration/similarity.ts';

import { FIGURE_KINDS, type FigureKind } from '../../contract/reports.ts';

export { FIGURE_KINDS, type FigureKind };

/** A PNG figure is at most this many pixels wide (20 in at 1000 dpi, double column at 2857 dpi). */
export const MAX_PNG_SIDE = 20_000;
/** ... and this many pixels in all: resvg holds about 8 bytes a pixel while rendering (100 Mpx: 0.8 GB). */
export const MAX_PNG_PIXELS = 100_000_000;

const figureSettingsObject = z.strictObject({
  format: z.enum(FIGURE_FORMATS as unknown as ['svg', 'pdf', 'png']).default('pdf'),
  dpi: z.number().int().min(30).max(2400).default(300),
  width: z.union([z.enum(['single', 'double']), z.number().min(1).max(20)]).default('single'),
  /** Embedding run (map, gallery) or training run (loss). */
  run: z.number().int().positive().optional(),
  /** map: which stored map (latest of this method); default the latest map of any method. */
  method: z.enum(['pca', 'tsne', 'umap']).optional(),
  /** map: what colours the points. Default: clusters when the run has them, else none. */
  colourBy: z.enum(['cluster', 'tag', 'outlier', 'none']).optional(),
  /** map: colour scale for values (outlier scores). */
  colormap: z.enum(['viridis', 'cividis']).default('viridis'),
  /**
   * map: 'paper' is the astromorph paper's Figure 2: a thumbnail at every point (up to `thumbnails`,
   * default 500), unframed, noise masked, brighter sources over fainter ones. 'standard': points, and
   * thumbnails at well-separated points when asked.
   */
  style: z.enum(['standard', 'paper']).default('standard'),
  /** map: at most this many thumbnails on the map (0 = points only). Default: 500 in the paper style; else 20 when the points are not
   * coloured (bare dots say nothing), none when a legend explains the colours. */
  thumbnails: z.number().int().min(0).max(5000).optional(),
  /** Thumbnails: pixels below the fitted noise mean + noiseSigmas sigma are transparent. Default: on in the paper style. */
  maskNoise: z.boolean().optional(),
  noiseSigmas: z.number().min(0).max(50).default(DEFAULT_NOISE_SIGMAS),
  /** gallery: the query item (path or id); default the first item of the run. */
  query: z.string().max(4096).optional(),
  k: z.number().int().min(1).max(100).default(11),
  /** sheet: at most this many items, in path order. */
  limit: z.number().int().min(1).max(1000).default(24),
  /** Thumbnails: the stretch, colormap and limits the user chose. */
  stretch: z.enum(STRETCHES as unknown as ['linear', 'sqrt', 'log', 'asinh']).default(DEFAULT_THUMBNAIL_STYLE.stretch),
  /** Default gray, or viridis in the paper style (its bright end shows on the white page, where gray's white would not). */
  imageColormap: z.enum(COLORMAPS as unknown as [Colormap, ...Colormap[]]).optional(),
  limits: z.enum(['percentile', 'zscale', 'minmax']).default(DEFAULT_THUMBNAIL_STYLE.limits),
});

/** The settings' own limits plus the PNG width rule; the same for options typed now and settings a project stores. */
export const figureSettingsSchema = figureSettingsObject.superRefine((s, ctx) => {
  if (s.format !== 'png') return;
  const inches = figureWidthInches(s.width);
  const px = Math.round(inches * s.dpi);
  if (px > MAX_PNG_SIDE) {
    ctx.addIssue({
      code: 'custom', path: ['dpi'],
      message: `a PNG ${inches} in wide at ${s.dpi} dpi would be ${px} px wide, more than ${MAX_PNG_SIDE}`,
    });
  }
});
export type FigureSettings = z.output<typeof figureSettingsSchema>;
export type FigureSettingsInput = z.input<typeof figureSettingsSchema>;

const settingsKey = (kind: FigureKind) => `figure.${kind}`;

/** The settings to use: those stored for this kind, overridden by `changes`. */
export function figureSettings(project: Project, kind: FigureKind, changes: FigureSettingsInput = {}): FigureSettings {
  return resolveFigureSettings(project, kind, changes).settings;
}

/**
 * The settings to use, and the stored ones left out. Stored settings come from the project file, which may come
 * from anyone: each is held to the limits of the options typed now, and one that breaks them (or that, with
 * another, makes a PNG too wide) is dropped, not obeyed, with a note saying so. The options given now are never
 * dropped: their problems are a usage error.
 */
export function resolveFigureSettings(project: Project, kind: FigureKind, changes: FigureSettingsInput = {}): { settings: FigureSettings; ignored: string[] } {
  const stored = project.settings.get(settingsKey(kind));
  const base: Record<string, unknown> = stored !== null && typeof stored === 'object' && !Array.isArray(stored) ? { ...stored as Record<string, unknown> } : {};
  const defined: Record<string, unknown> = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
  // A style chosen now brings its own defaults: the thumbnails, noise mask and colormap stored with another style go.
  if (defined.style !== undefined && base.style !== defined.style) {
    delete base.thumbnails;
    delete base.maskNoise;
    delete base.imageColormap;
  }
  const ignored: string[] = [];
  const reasons: string[] = [];
  for (;;) {
    const parsed = figureSettingsSchema.safeParse({ ...base, ...defined });
    if (parsed.success) {
      return { settings: parsed.data, ignored: ignored.length ? [`${ignored.join(', ')}${reasons.length ? ` (${reasons.join('; ')})` : ''}`] : [] };
    }
    const named = new Set(parsed.error.issues.map((i) => String(i.path[0] ?? '')));
    // The PNG width rule is about dpi and width together: either may be the stored one to drop.
    if (named.has('dpi')) named.add('width');
    // Unknown keys (a strict object) are named in the issue, not its path.
    for (const i of parsed.error.issues) if (i.code === 'unrecognized_keys') for (const k of i.keys) named.add(k);
    const blame = [...named].filter((k) => k in base && !(k in defined));
    if (blame.length === 0) {
      throw new ApiError('bad-argument', parsed.error.issues.map((i) => (i.code === 'custom' ? i.message : `${i.path.join('.') || 'figure settings'}: ${i.message}`)).join('; '));
    }
    for (const k of blame) {
      ignored.push(`${k} ${typeof base[k] === 'string' ? base[k] : JSON.stringify(base[k])}`);
      delete base[k];
    }
    for (const i of parsed.error.issues) if (i.code === 'custom') reasons.push(i.message);
  }
}

export interface FigureReport {
  kind: FigureKind;
  path: string;
  format: FigureSettings['format'];
  widthInches: number;
  heightInches: number;
  /** PNG only. */
  pixels: { width: number; height: number } | null;
  settings: FigureSettings;
  settingsStored: boolean;
  /** Stored settings that were out of range and left out (said on stderr by the CLI). */
  ignoredStoredSettings: string[];
}

/** Builds the figure, writes it to `out`, and stores the settings in the project. */
export async function exportFigure(session: ProjectSession, kind: FigureKind, out: string, changes: FigureSettingsInput = {}): Promise<FigureReport> {
  const project = session.project;
  const { settings, ignored } = resolveFigureSettings(project, kind, changes);
  const widthIn = figureWidthInches(settings.width);
  const scene = await buildFigure(session, kind, settings, widthIn);
  if (settings.format === 'png') checkPngSize(scene, settings.dpi);
  const file = path.resolve(out);
  await writeFigure(file, scene, settings.format, settings.dpi);
  let settingsStored = true;
  try {
    project.settings.set(settingsKey(kind), settings);
  } catch {
    settingsStored = false; // a read-only project still exports
  }
  const heightIn = scene.height / 72;
  return {
    kind, path: file, format: settings.format, widthInches: widthIn, heightInches: heightIn,
    pixels: settings.format === 'png' ? { width: Math.round(widthIn * settings.dpi), height: Math.round(heightIn * settings.dpi) } : null,
    settings, settingsStored, ignoredStoredSettings: ignored,
  };
}

/** Refuses a PNG over MAX_PNG_PIXELS before it is drawn (its height is known only once the figure is built). */
function checkPngSize(scene: Scene, dpi: number): void {
  const { width, height } = pixelSize(scene, dpi);
  if (width * height <= MAX_PNG_PIXELS) return;
  const fits = Math.floor(dpi * Math.sqrt(MAX_PNG_PIXELS / (width * height)));
  throw new ApiError('bad-argument', `a ${width} x ${height} px PNG (${Math.round((width * height) / 1e6)} megapixels) is more than the `
    + `${MAX_PNG_PIXELS / 1e6} megapixels a figure may have: lower --dpi (at most ${fits} for this figure at this width) or --width`);
}

export async function buildFigure(session: ProjectSession, kind: FigureKind, s: FigureSettings, widthIn: number): Promise<Scene> {
  const project = session.project;
  const paper = kind === 'map' && s.style === 'paper';
  const style: ThumbnailStyle = {
    stretch: s.stretch, colormap: s.imageColormap ?? (paper ? 'viridis' : DEFAULT_THUMBNAIL_STYLE.colormap), limits: s.limits,
    ...((s.maskNoise ?? paper) && { maskNoise: s.noiseSigmas }),
  };
  const thumbOf = (item: DatasetItem | undefined) => (item ? itemThumbnail(project, item, style) : null);
  switch (kind) {
    case 'map': return mapFigure(project, s, widthIn, thumbOf);
    case 'gallery': {
      const run = embeddingRun(project, s.run);
      const queryRef = s.query ?? String(project.embeddings.all(run.id).itemIds[0]);
      const query = requireItem(project, queryRef);
      const view = await similar(session, query.id, { runId: run.id, k: s.k });
      return buildGalleryFigure({
        query: { label: path.basename(query.path), thumb: thumbOf(query) },
        neighbours: view.neighbours.map((nb) => {
          const item = project.items.get(nb.itemId);
          return { label: path.basename(item?.path ?? nb.path), thumb: thumbOf(item), distance: nb.distance, centred: nb.centred };
        }),
        metric: view.metric,
      }, widthIn);
    }
    case 'loss': {
      const runs = s.run !== undefined ? [s.run] : project.runs.list().map((r) => r.id).filter((id) => project.losses.list(id).length > 0).slice(-1);
      const curves = runs.map((id) => {
        const points = project.losses.list(id);
        if (points.length === 0) throw new ApiError('no-data', `run ${id} has no loss values`);
        return { label: `run ${id}`, steps: points.map((p) => p.step), losses: points.map((p) => p.loss), epochs: points.map((p) => p.epoch) };
      });
      if (curves.length === 0) throw new ApiError('no-data', `${project.path} has no training losses yet; train a model first (astromorph train)`);
      return buildLossFigure(curves, widthIn);
    }
    case 'sheet': {
      const items = project.items.list({ status: 'ok', limit: s.limit });
      if (items.length === 0) throw new ApiError('no-data', `${project.path} has no readable items for a contact sheet`);
      return buildSheetFigure({ items: items.map((i) => ({ label: path.basename(i.path), detail: i.metadata.object ?? undefined, thumb: thumbOf(i) })) }, widthIn);
    }
  }
}

/** Thumbnails on a map figure whose points have no colours (see `thumbnails`). */
export const DEFAULT_MAP_THUMBNAILS = 20;

function mapFigure(project: Project, s: FigureSettings, widthIn: number, thumbOf: (item: DatasetItem | undefined) => FigureThumb | null): Scene {
  const run = embeddingRun(project, s.run);
  const info = s.method ? project.maps.list(run.id).filter((m) => m.method === s.method).at(-1) : project.maps.list(run.id).at(-1);
  const map = info ? project.maps.get(info.id) : null;
  if (!map) throw new ApiError('no-data', `run ${run.id} has no ${s.method ?? ''} map yet; make one with: astromorph map ${project.path} --method ${s.method ?? 'umap'}`);
  const n = map.itemIds.length;
  const x = new Float32Array(n);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = map.coords[2 * i]!;
    y[i] = map.coords[2 * i + 1]!;
  }
  const clustering = project.clusterings.latest(run.id);
  const colourBy = s.colourBy ?? (clustering ? 'cluster' : 'none');
  let colouring: MapColouring = { kind: 'none' };
  if (colourBy === 'cluster') {
    if (!clustering) throw new ApiError('no-data', `run ${run.id} has no clusters yet; make them with: astromorph clusters ${project.path}`);
    const label = new Map<number, number>();
    clustering.itemIds.forEach((id, i) => label.set(id, clustering.labels[i]!));
    colouring = { kind: 'category', title: 'Cluster', labels: Array.from(map.itemIds, (id) => {
      const l = label.get(id);
      return l === undefined || l < 0 ? null : String(l);
    }) };
  } else if (colourBy === 'tag') {
    colouring = { kind: 'category', title: 'Tag', labels: Array.from(map.itemIds, (id) => project.tags.forItem(id)[0] ?? null) };
  } else if (colourBy === 'outlier') {
    const scoring = project.outliers.latest(run.id);
    if (!scoring) throw new ApiError('no-data', `run ${run.id} has no outlier scores yet; compute them with: astromorph outliers ${project.path}`);
    const score = new Map<number, number>();
    scoring.itemIds.forEach((id, i) => score.set(id, scoring.scores[i]!));
    colouring = { kind: 'value', title: 'Outlier score', values: Array.from(map.itemIds, (id) => score.get(id) ?? Number.NaN), colormap: s.colormap };
  }
  const names: Record<string, string> = { pca: 'PC', tsne: 't-SNE', umap: 'UMAP' };
  const ratio = map.pca?.ratio;
  const units: [string, string] | undefined = ratio && ratio.length >= 2
    ? [` (${(ratio[0]! * 100).toFixed(1)}% of variance)`, ` (${(ratio[1]! * 100).toFixed(1)}% of variance)`] : undefined;
  return buildMapFigure({
    x, y, axisName: names[map.method] ?? map.method, axisUnits: units, colouring,
    thumbnail: (i) => thumbOf(project.items.get(map.itemIds[i]!)), maxThumbnails: s.thumbnails ?? (s.style === 'paper' ? 500 : colouring.kind === 'none' ? DEFAULT_MAP_THUMBNAILS : 0),
    thumbnailLayout: s.style === 'paper' ? 'every' : 'separated',
  }, widthIn);
}

/** The item's thumbnail in the figure's style: the stored one when the style is the scan's, else re-rendered. */
function itemThumbnail(project: Project, item: DatasetItem, style: ThumbnailStyle): FigureThumb | null {
  const stored = project.thumbnails.get(item.id);
  // A multi-band object's thumbnail is its RGB composite (PNG colour type 6; the scan's are gray, type 4): shown as made.
  if (stored && stored.png[25] === 6) return stored;
  const isDefault = style.stretch === DEFAULT_THUMBNAIL_STYLE.stretch && style.limits === DEFAULT_THUMBNAIL_STYLE.limits;
  if (isDefault && stored) return style.colormap === 'gray' && style.maskNoise === undefined ? stored : recolourStored(stored, style.colormap, style.maskNoise);
  // A data folder the user never chose is not read; the stored preview stands in (see trusted-folders.ts).
  if (item.status === 'ok' && item.hdu !== null && item.axisKinds && mayReadDataFile(project, item)) {
    const fromFile = thumbnailFromFits(item.absolutePath, item.hdu, item.axisKinds, style);
    if (fromFile) return fromFile;
  }
  // The data is not here (a shared project): the stored preview, coloured as asked.
  return stored ? recolourStored(stored, style.colormap, style.maskNoise) : null;
}
