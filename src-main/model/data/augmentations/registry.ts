// Augmentations by name, as written in settings: each name has a zod schema giving the defaults
// and rejecting unknown or out-of-range parameters with a message naming them.
import { z } from 'zod';
import { issueLines } from '../../../base/issues.ts';
import type { Augmentation } from './augmentation.ts';
import { AugmentationSequence } from './augmentation-sequence.ts';
import { BeamBlur } from './beam-blur.ts';
import { FluxScale } from './flux-scale.ts';
import { NoiseToSnr } from './noise-to-snr.ts';
import { RandomFlip } from './random-flip.ts';
import { RandomResizedCrop } from './random-resized-crop.ts';
import { RandomInclination } from './random-inclination.ts';
import { RandomRotation } from './random-rotation.ts';
import { RandomShift } from './random-shift.ts';
import { SpectralShift } from './spectral-shift.ts';

export interface AugmentationSpec { name: string; [param: string]: unknown }

export class AugmentationSpecError extends Error {
  override readonly name = 'AugmentationSpecError';
}

const p = z.number().min(0).max(1).default(1);
const range = (lo: number, hi: number) =>
  z.tuple([z.number().min(lo).max(hi), z.number().min(lo).max(hi)]).refine(([a, b]) => a <= b, 'range must be [low, high] with low <= high');

const REGISTRY = {
  'resized-crop': {
    schema: z.strictObject({ name: z.literal('resized-crop'), p, scale: range(0.05, 4).default([0.5, 1]), ratio: range(0.2, 5).default([0.8, 1.25]) }),
    create: (o: { p: number; scale: [number, number]; ratio: [number, number] }) => new RandomResizedCrop(o),
  },
  rotation: {
    schema: z.strictObject({ name: z.literal('rotation'), p, degrees: z.number().min(0).max(180).default(180), corners: z.enum(['crop', 'reflect']).default('crop') }),
    create: (o: { p: number; degrees: number; corners: 'crop' | 'reflect' }) => new RandomRotation(o),
  },
  inclination: {
    schema: z.strictObject({ name: z.literal('inclination'), p, degrees: range(0, 85).default([0, 70]) }),
    create: (o: { p: number; degrees: [number, number] }) => new RandomInclination(o),
  },
  flip: {
    schema: z.strictObject({ name: z.literal('flip'), p, horizontal: z.boolean().default(true), vertical: z.boolean().default(true) }),
    create: (o: { p: number; horizontal: boolean; vertical: boolean }) => new RandomFlip(o),
  },
  shift: {
    schema: z.strictObject({ name: z.literal('shift'), p, maxFraction: z.number().min(0).max(0.5).default(0.05) }),
    create: (o: { p: number; maxFraction: number }) => new RandomShift(o),
  },
  'beam-blur': {
    schema: z.strictObject({ name: z.literal('beam-blur'), p, fwhm: range(0, 64).default([0, 3]), axisRatio: range(0.1, 1).default([0.5, 1]) }),
    create: (o: { p: number; fwhm: [number, number]; axisRatio: [number, number] }) => new BeamBlur(o),
  },
  noise: {
    schema: z.strictObject({ name: z.literal('noise'), p, snr: range(0.1, 1e6).default([5, 300]), correlation: range(0, 16).default([0, 3]), reframe: z.boolean().default(false) }),
    create: (o: { p: number; snr: [number, number]; correlation: [number, number]; reframe: boolean }) => new NoiseToSnr(o),
  },
  'flux-scale': {
    schema: z.strictObject({ name: z.literal('flux-scale'), p, range: range(1e-3, 1e3).default([0.7, 1.4]) }),
    create: (o: { p: number; range: [number, number] }) => new FluxScale(o),
  },
  'spectral-shift': {
    schema: z.strictObject({ name: z.literal('spectral-shift'), p, maxChannels: z.number().min(0).max(16).default(0.5) }),
    create: (o: { p: number; maxChannels: number }) => new SpectralShift(o),
  },
} as const;

export type AugmentationName = keyof typeof REGISTRY;
export const AUGMENTATION_NAMES = Object.keys(REGISTRY) as AugmentationName[];

/**
 * The default list: what earned its place on the survey benchmark (bench/morphology.ts, 3 training
 * seeds each, the full embedding, by a rule written before the runs; README, "Augmentation
 * ablation"). Noise with reframe: trained at peak SNR 15-300 and scored on fresh images at 8-15, it
 * beats no augmentation on precision@10 on every seed, disks and cubes. Rotation and inclination did
 * not beat their own removal, each where its nuisance is shifted: polar coordinates with
 * deprojection already make a turn a shift in azimuth and undo most of an inclination. Earlier, on
 * bench/quality.ts's cartesian disks without source framing, rotation had earned its place (-1.2
 * points of kNN without it) and so had noise; crops and shifts repeat what framing normalises; flips
 * and beam blur changed nothing beyond the seed-to-seed spread (flips would also erase a spiral's
 * handedness); flux-scale is an exact identity, every view being normalised after augmenting.
 * Spectral shift is not needed since cubes are centred on their line (cube = 'spectrum').
 */
export const DEFAULT_AUGMENTATIONS: AugmentationSpec[] = [{ name: 'noise', reframe: true }];

/**
 * One entry of the settings' augmentations list: checked against the strict schema its name picks
 * (an unknown name or parameter is named, with the parameters that augmentation takes), defaults
 * filled in, so the stored settings say exactly what a run did.
 */
export const augmentationSpecSchema = z.unknown().transform((spec, ctx): AugmentationSpec => {
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
    ctx.addIssue({ code: 'custom', message: 'expected a table { name = "...", ...params }' });
    return z.NEVER;
  }
  const name = (spec as { name?: unknown }).name;
  if (typeof name !== 'string' || !Object.hasOwn(REGISTRY, name)) {
    ctx.addIssue({ code: 'custom', path: ['name'], message: `unknown augmentation ${JSON.stringify(name)} (known: ${AUGMENTATION_NAMES.join(', ')})` });
    return z.NEVER;
  }
  const entry = REGISTRY[name as AugmentationName];
  const parsed = entry.schema.safeParse(spec);
  if (!parsed.success) {
    const params = Object.keys(entry.schema.shape).filter((k) => k !== 'name');
    for (const issue of parsed.error.issues) {
      const message = issue.code === 'unrecognized_keys'
        ? `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')} (${name} takes ${params.join(', ')})`
        : `${name}: ${issue.message}`;
      ctx.addIssue({ code: 'custom', path: issue.path, message });
    }
    return z.NEVER;
  }
  return parsed.data as AugmentationSpec;
});

export const augmentationListSchema = z.array(augmentationSpecSchema);

/** Each augmentation with its parameters and their defaults, as settings write them: `rotation: p = 1, degrees = 180, corners = 'crop'`. */
export function augmentationParameters(): { name: AugmentationName; parameters: string }[] {
  const show = (v: unknown): string => (typeof v === 'string' ? `'${v}'` : Array.isArray(v) ? `[${v.map(show).join(', ')}]` : String(v));
  return AUGMENTATION_NAMES.map((name) => ({
    name,
    parameters: Object.entries(REGISTRY[name].schema.shape)
      .filter(([key]) => key !== 'name')
      .map(([key, schema]) => `${key} = ${show((schema as z.ZodType)._zod.def.type === 'default' ? (schema._zod.def as { defaultValue: unknown }).defaultValue : undefined)}`)
      .join(', '),
  }));
}

/** Validates specs (every problem listed, each naming the augmentation and parameter) and builds the sequence. */
export function buildAugmentations(specs: AugmentationSpec[]): AugmentationSequence {
  const parsed = augmentationListSchema.safeParse(specs);
  if (!parsed.success) throw new AugmentationSpecError(issueLines(parsed.error.issues, { root: 'augmentations', prefix: 'augmentations' }).join('; '));
  return new AugmentationSequence(parsed.data.map((spec) => (REGISTRY[spec.name as AugmentationName].create as (o: unknown) => Augmentation)(spec)));
}
