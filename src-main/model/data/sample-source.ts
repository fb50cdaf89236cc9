// Where samples come from, described by a serialisable spec so each loader worker can rebuild the
// same source: FITS files (read and preprocessed on demand) or the synthetic disk generator.
import { z } from 'zod';
import { issueLines } from '../../base/issues.ts';
import { checkClasses, renderSyntheticItem, type DiskClass } from '../../synthetic/index.ts';
import { loadBandSample, loadSample, preprocess } from './preprocess.ts';
import type { BandFile, BandStackOptions } from './band-stack.ts';
import { SampleCache } from './sample-cache.ts';
import { DEFAULT_PREPROCESS, type ImageSample, type PreprocessOptions } from './sample.ts';

export interface SampleSource { readonly length: number; get(index: number): ImageSample }

export type SampleSourceSpec =
  | { kind: 'files'; items: { path: string; hdu: number }[]; preprocess: PreprocessOptions }
  | { kind: 'synthetic'; n: number; seed: number; size: number; classes?: string[]; channels?: number }
  | { kind: 'bands'; objects: { bands: BandFile[] }[]; stack: Omit<BandStackOptions, 'maxSide'>; preprocess: PreprocessOptions };

const preprocessSchema = z.strictObject({
  size: z.number().int().min(4).max(1024).default(DEFAULT_PREPROCESS.size),
  channels: z.number().int().min(1).max(64).default(DEFAULT_PREPROCESS.channels),
  normalisation: z.enum(['asinh', 'minmax']).default(DEFAULT_PREPROCESS.normalisation),
  clipPercentiles: z.tuple([z.number().min(0).max(100), z.number().min(0).max(100)])
    .refine(([a, b]) => a < b, 'must be [low, high] with low < high').default(DEFAULT_PREPROCESS.clipPercentiles),
  cube: z.enum(['spectrum', 'bin', 'moments']).default(DEFAULT_PREPROCESS.cube),
  spectralHalfSpan: z.number().positive().optional(),
  spectralWindow: z.enum(['line', 'peak']).optional(),
  framing: z.enum(['field', 'source']).optional(),
  coordinates: z.enum(['cartesian', 'polar']).optional(),
});

const specSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('files'),
    items: z.array(z.strictObject({ path: z.string().min(1), hdu: z.number().int().min(0) })).min(1, 'no items'),
    preprocess: preprocessSchema.default(DEFAULT_PREPROCESS),
  }),
  z.strictObject({
    kind: z.literal('bands'),
    objects: z.array(z.strictObject({
      bands: z.array(z.strictObject({ path: z.string().min(1), hdu: z.number().int().min(0) })).min(1, 'no bands'),
    })).min(1, 'no objects'),
    stack: z.strictObject({
      method: z.enum(['interp', 'exact']),
      reference: z.number().int().min(0),
      pixelScale: z.number().min(0),
      beam: z.enum(['native', 'common']),
    }),
    preprocess: preprocessSchema.default(DEFAULT_PREPROCESS),
  }),
  z.strictObject({
    kind: z.literal('synthetic'),
    n: z.number().int().min(1),
    seed: z.number().int(),
    size: z.number().int().min(4).max(1024),
    classes: z.array(z.string()).optional(),
    channels: z.number().int().min(1).max(64).optional(),
  }),
]);

export class SampleSourceError extends Error {
  override readonly name = 'SampleSourceError';
}

/** Validated spec with defaults filled in (throws SampleSourceError naming every problem). */
export function parseSourceSpec(spec: unknown): SampleSourceSpec {
  const r = specSchema.safeParse(spec);
  if (!r.success) {
    throw new SampleSourceError(`bad sample source: ${issueLines(r.error.issues, { root: '(spec)' }).join('; ')}`);
  }
  if (r.data.kind === 'synthetic') checkClasses(r.data.classes);
  return r.data as SampleSourceSpec;
}

export function sourceLength(spec: SampleSourceSpec): number {
  return spec.kind === 'files' ? spec.items.length : spec.kind === 'bands' ? spec.objects.length : spec.n;
}

/** deferStretch: samples keep linear brightness for augmentation (training views; see finishStretch). */
export function openSampleSource(specInput: SampleSourceSpec, opts: { cacheBytes?: number; deferStretch?: boolean } = {}): SampleSource {
  const spec = parseSourceSpec(specInput);
  const cache = new SampleCache(opts.cacheBytes);
  const length = sourceLength(spec);
  let make: (index: number) => ImageSample;
  if (spec.kind === 'files') {
    const pre: PreprocessOptions = { ...spec.preprocess, deferStretch: opts.deferStretch === true };
    const { items } = spec;
    make = (i) => loadSample(items[i]!.path, items[i]!.hdu, pre);
  } else if (spec.kind === 'bands') {
    const pre: PreprocessOptions = { ...spec.preprocess, deferStretch: opts.deferStretch === true };
    const { objects, stack } = spec;
    make = (i) => loadBandSample(objects[i]!.bands, stack, pre);
  } else {
    const classes = checkClasses(spec.classes) as DiskClass[];
    const channels = spec.channels ?? 1;
    // Synthetic cubes get 4 planes per output channel; images stay 2-D.
    const pre: PreprocessOptions = { ...DEFAULT_PREPROCESS, size: spec.size, channels, deferStretch: opts.deferStretch === true };
    make = (i) => {
      const img = renderSyntheticItem(spec.seed, i, { classes, channels: channels > 1 ? 4 * channels : 0 });
      return preprocess(img.data, img.shape, pre);
    };
  }
  return {
    length,
    get(index: number): ImageSample {
      if (!Number.isInteger(index) || index < 0 || index >= length) throw new RangeError(`sample index ${index} outside 0..${length - 1}`);
      let s = cache.get(index);
      if (s === undefined) { s = make(index); cache.set(index, s); }
      return s;
    },
  };
}
