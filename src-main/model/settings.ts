// Training settings: a flat TOML file, validated and defaulted with zod. Keys that mean what they
// mean in astromorph keep astromorph's names (epochs, learning_rate, core_limit, and its
// byol_settings: representation_size, projection_size, projection_hidden_size, moving_average_decay).
//
// Key                     Default      Meaning
// epochs                  10           passes over the data set
// batch_size              32           images per step (each gives two augmented views)
// learning_rate           3e-4         peak AdamW learning rate (after warm-up; cosine decay to 0).
//                                      astromorph's Adam default is 5e-6; AdamW with warm-up tolerates more.
// weight_decay            1e-4         decoupled (AdamW) weight decay on kernels; none on biases/normalisation
// warmup_epochs           1            linear learning-rate warm-up length (may be fractional, or 0)
// moving_average_decay    0.99         base EMA rate tau of the target network; cosine schedule to 1 (BYOL)
// representation_size     (encoder)    embedding length; if set and unlike the encoder's output width,
//                                      a linear layer maps the pooled features to it
// projection_size         256          projector / predictor output size
// projection_hidden_size  1024         projector / predictor hidden size (BYOL paper: 4096)
// head_norm               'batch'      projector / predictor normalisation: 'batch' (BYOL paper; per view, batch
//                                      statistics, none kept) or 'layer' (batch-independent; BYOL collapsed
//                                      with it on bench/quality.ts). With 'batch', gradient_workers > 1 normalise
//                                      each worker's share of the batch on its own, so the step differs slightly
// encoder                 'resnet18'   'resnet18' (ResNet-18-like, basic blocks) or 'small-cnn'
// width                   64 | 32      channels of the first stage (resnet18 | small-cnn); doubled per stage
// depth                   4 | 5        stages (resnet18: 2 residual blocks each; small-cnn: one conv each; 5 convs
//                                      see 33 px, enough for a ring; 3 see only 9 px and pool texture)
// image_size              64           working size S: images are S x S
// channels                (data)       C: input channels. Unset: 1 for images; for a project of line cubes,
//                                      8 (or each cube's plane count if fewer), chosen when a run starts
// spectral_half_span      (line)       cube = 'spectrum': half-width in km/s of the velocity window; unset: each
//                                      line's own extent (a common axis in km/s when set)
// normalisation           'asinh'      pixel scaling: 'asinh' | 'minmax'
// clip_percentiles        [0.5, 99.9]  percentiles clipped before scaling (the upper one maps to 1)
// framing                 'source'     'source': a square window centred on the emission and scaled to it, so
//                                      field of view, pixel scale and position in the field drop out;
//                                      'field': the whole field, aspect kept (extended emission filling
//                                      the field, or no source above 3 sigma, keeps the field either way)
// pooling                 'global'     'azimuthal' (with polar coordinates): the encoder's features averaged over
//                                      azimuth only, one set per radius band, so the embedding keeps where
//                                      along the radius a feature is
// coordinates             'cartesian'  'polar': the framed image deprojected (its emission's ellipse made a circle)
//                                      and resampled onto (radius, azimuth) about its centre before the
//                                      network (after augmenting): rings become rows, rotations shifts
// cube                    'spectrum'   how a cube becomes C channels: 'spectrum' (a velocity axis from the WCS,
//                                      centred on the line), 'bin' (planes in C groups) or 'moments'
// augmentations           (default)    list of { name = '...', ...params } tables; default: rotation and noise
//                                      (what earned its place in bench/quality.ts's ablation)
// embed_rotations         4            embeddings averaged over the image's 4 quarter turns (1: as it is)
// embed_profile           false        embeddings end with the deprojected polar profile (radial profile and
//                                      azimuthal Fourier amplitudes m = 1..4, model/data/polar.ts), standardised,
//                                      weighted to carry as much as the network's part
// embed_standardise       true         embeddings standardised with the mean and spread of the training
//                                      images' embeddings (kept with the final checkpoint)
// seed                    0            fixes weights, augmentations and batch order
// core_limit              0            CPU cores for data preparation and gradient workers (0 = all)
// gradient_workers        1            data-parallel gradient workers (>1 splits each batch; see bench/train.ts)
// backend                 'auto'       'auto' | 'tensorflow' | 'webgpu' | 'wasm' | 'cpu' (auto: tensorflow if
//                                      installed, then webgpu on a real GPU, then wasm; webgpu forced also
//                                      takes a software adapter such as SwiftShader)
import { z } from 'zod';
import { parse as parseToml } from 'smol-toml';
import { readFileSync } from 'node:fs';
import { SettingsError } from './errors.ts';
import type { PreprocessOptions } from './data/index.ts';

const augmentation = z.looseObject({ name: z.string().min(1) });

export const settingsSchema = z
  .strictObject({
    epochs: z.int().min(1).max(100000).default(40),
    batch_size: z.int().min(2).max(4096).default(32),
    learning_rate: z.number().positive().max(1).default(3e-3),
    weight_decay: z.number().min(0).max(1).default(1e-4),
    warmup_epochs: z.number().min(0).default(2),
    moving_average_decay: z.number().min(0).lt(1).default(0.99),
    representation_size: z.int().min(1).max(65536).optional(),
    projection_size: z.int().min(1).max(65536).default(256),
    projection_hidden_size: z.int().min(1).max(65536).default(1024),
    head_norm: z.enum(['batch', 'layer']).default('batch'),
    encoder: z.enum(['resnet18', 'small-cnn']).default('small-cnn'),
    width: z.int().min(1).max(1024).optional(),
    depth: z.int().min(1).max(6).optional(),
    image_size: z.int().min(8).max(1024).default(48),
    channels: z.int().min(1).max(256).default(1),
    spectral_half_span: z.number().positive().optional(),
    normalisation: z.enum(['asinh', 'minmax']).default('asinh'),
    clip_percentiles: z.tuple([z.number().min(0).max(100), z.number().min(0).max(100)]).default([0.5, 99.9]),
    framing: z.enum(['source', 'field']).default('source'),
    coordinates: z.enum(['cartesian', 'polar']).default('polar'),
    pooling: z.enum(['global', 'azimuthal']).optional(),
    cube: z.enum(['spectrum', 'bin', 'moments']).default('spectrum'),
    augmentations: z.array(augmentation).optional(),
    embed_rotations: z.union([z.literal(1), z.literal(4)]).default(4),
    embed_standardise: z.boolean().default(true),
    embed_profile: z.boolean().default(true),
    seed: z.int().min(0).max(0xffffffff).default(0),
    core_limit: z.int().min(0).max(1024).default(0),
    gradient_workers: z.int().min(1).max(64).default(1),
    backend: z.enum(['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu']).default('auto'),
  })
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

function describe(error: z.ZodError): string[] {
  return error.issues.map((i) => {
    if (i.code === 'unrecognized_keys') return `unknown key${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => `'${k}'`).join(', ')}`;
    const where = i.path.length > 0 ? i.path.join('.') : '(settings)';
    return `${where}: ${i.message}`;
  });
}

/** Validates and defaults a settings object; throws SettingsError listing every problem. */
export function parseSettings(input: unknown, file?: string): TrainingSettings {
  const r = settingsSchema.safeParse(input ?? {});
  if (!r.success) throw new SettingsError(describe(r.error), file);
  return r.data;
}

/** Reads a TOML settings file. */
export function loadSettings(path: string): TrainingSettings {
  return parseSettings(readSettingsFile(path), path);
}

/** The keys and values a TOML settings file gives, before defaults (so callers can tell what was set). */
export function readSettingsFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new SettingsError([`cannot read: ${(e as Error).message}`], path);
  }
  let raw: unknown;
  try {
    raw = parseToml(text);
  } catch (e) {
    throw new SettingsError([`not valid TOML: ${(e as Error).message.split('\n')[0]}`], path);
  }
  parseSettings(raw, path); // valid on its own, so a later problem is the caller's
  return raw as Record<string, unknown>;
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
    ...(s.coordinates === 'polar' && { coordinates: 'polar' as const }),
  };
}
