// Training settings: a flat TOML file or the app's form, validated and defaulted once where they enter
// (api/services/training/training.ts), stored with the run, and passed on typed from there. Keys that
// mean what they mean in astromorph keep astromorph's names (epochs, learning_rate, core_limit, and its
// byol_settings: representation_size, projection_size, projection_hidden_size, moving_average_decay).
// Each key's default and meaning are in the schema itself: settingsTable() prints them for
// `astromorph train --help` and README (a test keeps README's copy equal).
import { z } from 'zod';
import { parse as parseToml } from 'smol-toml';
import { readFileSync } from 'node:fs';
import { issueLines } from '../base/issues.ts';
import { SettingsError } from './errors.ts';
import { augmentationListSchema, augmentationParameters, DEFAULT_AUGMENTATIONS } from './data/augmentations/registry.ts';
import type { PreprocessOptions } from './data/sample.ts';

interface KeyMeta {
  description: string;
  /** How the default is chosen, when the schema holds none of its own (it depends on other keys or the data). */
  defaultText?: string;
}
const META = new WeakMap<z.ZodType, KeyMeta>();

/** A settings key: its schema, what it means, and how its default is chosen when that is not a fixed value. */
function key<T extends z.ZodType>(schema: T, description: string, defaultText?: string): T {
  META.set(schema, { description, ...(defaultText !== undefined && { defaultText }) });
  return schema;
}

const KEYS = {
  epochs: key(z.int().min(1).max(100000).default(40), 'passes over the data set'),
  batch_size: key(z.int().min(2).max(4096).default(32), 'images per step (each gives two augmented views)'),
  learning_rate: key(z.number().positive().max(1).default(3e-3),
    "peak AdamW learning rate (after warm-up; cosine decay to 0). astromorph's Adam default is 5e-6; AdamW with warm-up tolerates more"),
  weight_decay: key(z.number().min(0).max(1).default(1e-4), 'decoupled (AdamW) weight decay on kernels; none on biases and normalisation'),
  warmup_epochs: key(z.number().min(0).default(2), 'linear learning-rate warm-up length (may be fractional, or 0)'),
  moving_average_decay: key(z.number().min(0).lt(1).default(0.99), 'base EMA rate tau of the target network; cosine schedule to 1 (BYOL)'),
  representation_size: key(z.int().min(1).max(65536).optional(),
    "embedding length; if set and unlike the encoder's output width, a linear layer maps the pooled features to it", '(encoder)'),
  projection_size: key(z.int().min(1).max(65536).default(256), 'projector / predictor output size'),
  projection_hidden_size: key(z.int().min(1).max(65536).default(1024), 'projector / predictor hidden size (BYOL paper: 4096)'),
  head_norm: key(z.enum(['batch', 'layer']).default('batch'),
    "projector / predictor normalisation: 'batch' (BYOL paper; per view, batch statistics, none kept) or 'layer' (batch-independent; " +
    "BYOL collapsed with it on bench/quality.ts). With 'batch', gradient_workers > 1 normalise each worker's share of the batch on " +
    'its own, so the step differs slightly'),
  encoder: key(z.enum(['resnet18', 'small-cnn']).default('small-cnn'), "'resnet18' (ResNet-18-like, basic blocks) or 'small-cnn'"),
  width: key(z.int().min(1).max(1024).optional(), 'channels of the first stage (resnet18 | small-cnn); doubled per stage', '64 | 32'),
  depth: key(z.int().min(1).max(6).optional(),
    'stages (resnet18: 2 residual blocks each; small-cnn: one conv each; 5 convs see 33 px, enough for a ring; 3 see only 9 px and pool texture)',
    '4 | 5'),
  image_size: key(z.int().min(8).max(1024).default(48), 'working size S: images are S x S'),
  channels: key(z.int().min(1).max(256).default(1),
    "C: input channels. Unset: 1 for images; for a project of line cubes, 8 (or each cube's plane count if fewer), chosen when a run starts",
    '(data)'),
  spectral_window: key(z.enum(['line', 'peak']).default('line'),
    "cube = 'spectrum': how the line is found in the field's spectrum. 'line': what stands a tenth of its peak above the spectrum's lower envelope, " +
    "spanning 2.5 line widths; 'peak': channels 3 MADs above the median (runs made before 'line'; it keeps only the peak of a line that fills the band)"),
  spectral_half_span: key(z.number().positive().optional(),
    "cube = 'spectrum': half-width in km/s of the velocity window; unset: each line's own extent (a common axis in km/s when set)", '(line)'),
  band_reproject: key(z.enum(['exact', 'interp']).default('exact'),
    "multi-band objects (astromorph group): how bands are put on one grid: 'exact' (flux-conserving, area-weighted, as reproject_exact) " +
    "or 'interp' (bilinear, as reproject_interp)"),
  band_grid: key(z.string().max(200).default(''),
    "multi-band objects: the band whose pixel grid the others are reprojected onto ('' = the first band in channel order)"),
  band_pixel_scale: key(z.number().min(0).max(36000).default(0),
    "multi-band objects: pixel scale of the common grid in arcsec (0 = band_grid's own pixels)"),
  band_beam: key(z.enum(['native', 'common']).default('native'),
    "multi-band objects: 'common' convolves every band to the widest beam among them (BMAJ/BMIN needed), 'native' keeps each band's own"),
  normalisation: key(z.enum(['asinh', 'minmax']).default('asinh'), "pixel scaling: 'asinh' | 'minmax'"),
  clip_percentiles: key(z.tuple([z.number().min(0).max(100), z.number().min(0).max(100)]).default([0.5, 99.9]),
    'percentiles clipped before scaling (the upper one maps to 1)'),
  framing: key(z.enum(['source', 'field']).default('source'),
    "'source': a square window centred on the emission and scaled to it, so field of view, pixel scale and position in the field " +
    "drop out; 'field': the whole field, aspect kept (extended emission filling the field, or no source above 3 sigma, keeps the field either way)"),
  coordinates: key(z.enum(['cartesian', 'polar']).default('polar'),
    "'polar': the framed image deprojected (its emission's ellipse made a circle) and resampled onto (radius, azimuth) about its centre " +
    'before the network (after augmenting): rings become rows, rotations shifts'),
  pooling: key(z.enum(['global', 'azimuthal']).optional(),
    "'azimuthal' (with polar coordinates): the encoder's features averaged over azimuth only, one set per radius band, so the embedding " +
    "keeps where along the radius a feature is; 'global': averaged over the whole image", 'azimuthal | global'),
  cube: key(z.enum(['spectrum', 'bin', 'moments']).default('spectrum'),
    "how a cube becomes C channels: 'spectrum' (a velocity axis from the WCS, centred on the line), 'bin' (planes in C groups) or 'moments'"),
  augmentations: key(augmentationListSchema.prefault(DEFAULT_AUGMENTATIONS),
    "list of { name = '...', ...params } tables, each checked against that augmentation's parameters (src-main/model/data/augmentations/registry.ts); " +
    "default: noise down to a lower SNR, the source then framed again (bench/morphology.ts; README, 'Augmentation ablation')",
    DEFAULT_AUGMENTATIONS.map(({ name, ...params }) => [name, ...Object.entries(params).map(([k, v]) => `${k} = ${String(v)}`)].join(' ')).join(', ')),
  embed_rotations: key(z.union([z.literal(1), z.literal(4)]).default(4), "cartesian coordinates: embeddings averaged over the image's 4 quarter turns (1: as it is); polar images are not turned (a turn is a shift in azimuth there)"),
  embed_profile: key(z.preprocess((v) => (v === true ? 'radial' : v === false ? 'none' : v), z.enum(['morphology', 'radial', 'none'])).default('morphology'),
    "embeddings end with a hand-made descriptor of the deprojected source (model/data/descriptor.ts), standardised, each block weighted to carry " +
    "as much as the network's part: 'morphology' (images: radial profile, azimuthal modes m = 1..4 and radial structure; cubes: per-channel " +
    "profiles and line shapes in 4 radius bands), 'radial' (the profile alone; true in runs made before), 'none' (false)"),
  descriptor_version: key(z.union([z.literal(1), z.literal(2)]).default(2),
    "embed_profile = 'morphology', images: 2 = the profile, its azimuthal modes, the radial structure, the ring peaks (square-rooted " +
    'prominences and their count) and the winding of m = 2 (spiral arms), each a block with a weight tuned on the survey benchmark; ' +
    '1 = the profile with its modes and the radial structure, weighted alike (runs made before 2)'),
  embed_standardise: key(z.boolean().default(true),
    "embeddings standardised with the mean and spread of the training images' embeddings (kept with the final checkpoint)"),
  seed: key(z.int().min(0).max(0xffffffff).default(0), 'fixes weights, augmentations and batch order'),
  core_limit: key(z.int().min(0).max(1024).default(0), 'CPU cores for data preparation and gradient workers (0 = all)'),
  gradient_workers: key(z.int().min(1).max(64).default(1), 'data-parallel gradient workers (>1 splits each batch; see bench/train.ts)'),
  backend: key(z.enum(['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu']).default('auto'),
    "'auto' | 'tensorflow' | 'webgpu' | 'wasm' | 'cpu' (auto: tensorflow if installed, then webgpu on a real GPU, then wasm; " +
    'webgpu forced also takes a software adapter such as SwiftShader)'),
};

export const settingsSchema = z
  .strictObject(KEYS)
  .refine((s) => s.clip_percentiles[0] < s.clip_percentiles[1], { message: 'clip_percentiles must be [low, high] with low < high', path: ['clip_percentiles'] })
  .transform((s) => ({
    ...s,
    width: s.width ?? (s.encoder === 'resnet18' ? 64 : 32),
    depth: s.depth ?? (s.encoder === 'resnet18' ? 4 : 5),
    pooling: s.pooling ?? (s.coordinates === 'polar' ? 'azimuthal' as const : 'global' as const),
  }))
  .refine((s) => s.encoder !== 'resnet18' || s.depth <= 4, { message: 'resnet18 has at most 4 stages', path: ['depth'] })
  .refine((s) => s.pooling !== 'azimuthal' || s.coordinates === 'polar', { message: "azimuthal pooling needs coordinates = 'polar'", path: ['pooling'] });

export type TrainingSettings = z.output<typeof settingsSchema>;
export type TrainingSettingsInput = z.input<typeof settingsSchema>;

/** Every key with its default and meaning: a text table (`train --help`) or a Markdown one (README). */
export function settingsTable(format: 'text' | 'markdown' = 'text'): string {
  const rows = Object.entries(KEYS).map(([name, schema]) => {
    const meta = META.get(schema)!;
    const def = schema._zod.def as { type: string; defaultValue?: unknown };
    const value = meta.defaultText ?? (def.type === 'default' ? formatDefault(def.defaultValue) : '(unset)');
    return { name, value, meaning: meta.description };
  });
  const augmentations = augmentationParameters();
  if (format === 'markdown') {
    const cell = (t: string) => t.replaceAll('|', '\\|');
    return [
      '| key | default | meaning |', '|-----|---------|---------|', ...rows.map((r) => `| \`${r.name}\` | ${cell(r.value)} | ${cell(r.meaning)} |`),
      '', '| augmentation | parameters and their defaults (`p`: the chance it applies to a view) |', '|---|---|',
      ...augmentations.map((a) => `| \`${a.name}\` | ${cell(a.parameters)} |`),
    ].join('\n');
  }
  const nameWidth = Math.max(...rows.map((r) => r.name.length)) + 2;
  const valueWidth = Math.max(...rows.map((r) => r.value.length)) + 2;
  const indent = ' '.repeat(nameWidth + valueWidth);
  const keys = rows.map((r) => wrap(r.meaning, 100 - indent.length)
    .map((line, i) => (i === 0 ? `${r.name.padEnd(nameWidth)}${r.value.padEnd(valueWidth)}${line}` : `${indent}${line}`)).join('\n')).join('\n');
  const augmentationWidth = Math.max(...augmentations.map((a) => a.name.length)) + 2;
  const params = augmentations.map((a) => `${a.name.padEnd(augmentationWidth)}${a.parameters}`).join('\n');
  return `${keys}\n\nAugmentations and their parameters (p: the chance it applies to a view):\n${params}`;
}

function formatDefault(v: unknown): string {
  if (typeof v === 'string') return `'${v}'`;
  if (typeof v === 'number' && v !== 0 && Math.abs(v) < 0.01) return v.toExponential();
  if (Array.isArray(v)) return `[${v.map(formatDefault).join(', ')}]`;
  return String(v);
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  return [...lines, line];
}

/**
 * Validates and defaults settings: the one check they pass (stored settings are read back through it,
 * since a project file may come from elsewhere). Throws SettingsError listing every problem; `source`
 * names where the settings came from, `from` where single keys came from instead (e.g. backend: '--backend').
 */
export function parseSettings(input: unknown, source?: string, from: Record<string, string> = {}): TrainingSettings {
  const r = settingsSchema.safeParse(input ?? {});
  if (!r.success) throw new SettingsError(settingsProblems(r.error, from), source);
  return r.data;
}

/**
 * Settings added after runs were first stored, with the value every run made before them had. Runs
 * and checkpoints store every setting, so one that lacks a key here was trained without it and must
 * embed as it trained (its embedding statistics have that descriptor's length), not with the new default.
 */
const BEFORE_ADDED: Readonly<Record<string, unknown>> = { spectral_window: 'peak', descriptor_version: 1 };

/**
 * Stored settings (a run's, a checkpoint's, an exported model's) as the run was trained: see
 * BEFORE_ADDED. Anything but a plain object comes back as it is, for parseSettings to refuse.
 */
export function settingsAsTrained(stored: Record<string, unknown>): Record<string, unknown>;
export function settingsAsTrained(stored: unknown): unknown;
export function settingsAsTrained(stored: unknown): unknown {
  if (stored === null || typeof stored !== 'object' || Array.isArray(stored)) return stored;
  const out: Record<string, unknown> = { ...stored };
  for (const [k, v] of Object.entries(BEFORE_ADDED)) if (!(k in out)) out[k] = v;
  return out;
}

/** The settings with defaults filled in, or every problem, one line each (the app's form shows them as you type). */
export function checkSettings(input: unknown): { settings: TrainingSettings; errors: [] } | { settings: null; errors: string[] } {
  const r = settingsSchema.safeParse(input ?? {});
  return r.success ? { settings: r.data, errors: [] } : { settings: null, errors: settingsProblems(r.error) };
}

function settingsProblems(error: z.ZodError, from: Record<string, string> = {}): string[] {
  return error.issues.map((issue) => {
    const [line] = issueLines([issue], { root: '(settings)' });
    const key = issue.path[0];
    return typeof key === 'string' && Object.hasOwn(from, key) ? `${line} (given by ${from[key]})` : line!;
  });
}

/** Reads a TOML settings file: the keys and values it gives, not yet checked (parseSettings does that once). */
export function readSettingsFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new SettingsError([`cannot read: ${(e as Error).message}`], path);
  }
  try {
    return parseToml(text) as Record<string, unknown>;
  } catch (e) {
    throw new SettingsError([`not valid TOML: ${(e as Error).message.split('\n')[0]}`], path);
  }
}

/** Reads and validates a TOML settings file. */
export function loadSettings(path: string): TrainingSettings {
  return parseSettings(readSettingsFile(path), path);
}

/** The encoder's pooled feature width for these settings. */
export function encoderOutputWidth(s: Pick<TrainingSettings, 'width' | 'depth'> & { encoder?: string; pooling?: string; image_size?: number }): number {
  const channels = s.width * 2 ** (s.depth - 1);
  if (s.pooling !== 'azimuthal') return channels;
  // Azimuthal pooling keeps the final rows: the working size halved at every stride-2 step ('same' padding).
  let rows = s.image_size ?? 64;
  const halvings = s.encoder === 'resnet18' ? 2 + (s.depth - 1) : s.depth - 1;
  for (let i = 0; i < halvings; i++) rows = Math.ceil(rows / 2);
  return rows * channels;
}

/** Embedding length: representation_size, or the encoder's output width. */
export function representationSize(s: TrainingSettings): number {
  return s.representation_size ?? encoderOutputWidth(s);
}

/** How images are prepared for a model with these settings (training and embedding alike). */
export function preprocessFor(s: TrainingSettings): PreprocessOptions {
  return {
    size: s.image_size, channels: s.channels, normalisation: s.normalisation, clipPercentiles: s.clip_percentiles, cube: s.cube, framing: s.framing,
    ...(s.spectral_half_span !== undefined && { spectralHalfSpan: s.spectral_half_span }),
    ...(s.spectral_window === 'peak' && { spectralWindow: 'peak' as const }),
    ...(s.coordinates === 'polar' && { coordinates: 'polar' as const }),
  };
}
