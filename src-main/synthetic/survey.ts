// A survey-like labelled benchmark: item i of (kind, seed) is a pure function of (seed, i) and the
// ranges (which are hashed into its seed, so other ranges draw other objects), so any item can be regenerated alone, and writeSurveyDataset writes FITS files + labels.csv
// with every nuisance parameter beside the label. Classes are balanced in blocks (each block of
// n_classes consecutive items holds every class once, in a seeded order), and neither file names nor
// headers name the class.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Rng } from '../base/random.ts';
import { deriveSeed, nameSeed } from '../base/derive-seed.ts';
import {
  resolveSurveyRanges, sampleFrame, surveyFileName, writeSurveyFits, type SurveyFrame, type SurveyKind, type SurveyRanges, type SurveyRangeOverrides,
} from './survey-common.ts';
import {
  renderSurveyCube, sampleCubeParams, SURVEY_CUBE_CLASSES, type RenderedSurveyCube, type SurveyCubeClass, type SurveyCubeParams,
} from './survey-cubes.ts';
import {
  renderSurveyDisk, sampleDiskParams, SURVEY_DISK_CLASSES, type RenderedSurveyImage, type SurveyDiskClass, type SurveyDiskParams,
} from './survey-disks.ts';

export const SURVEY_CLASSES: Readonly<Record<SurveyKind, readonly string[]>> = { disks: SURVEY_DISK_CLASSES, cubes: SURVEY_CUBE_CLASSES };

export interface SurveyItemOptions {
  kind: SurveyKind;
  /** Overrides of DEFAULT_SURVEY_RANGES[kind], e.g. { snr: [8, 15] } or { size: [160, 256] }. */
  ranges?: SurveyRangeOverrides;
  /** A subset of the kind's classes (default all). */
  classes?: readonly string[];
}

export type SurveyItem =
  | { kind: 'disks'; index: number; className: SurveyDiskClass; frame: SurveyFrame; disk: SurveyDiskParams }
  | { kind: 'cubes'; index: number; className: SurveyCubeClass; frame: SurveyFrame; cube: SurveyCubeParams };

function checkSurveyClasses(kind: SurveyKind, classes: readonly string[] | undefined): string[] {
  const known = SURVEY_CLASSES[kind];
  const list = classes && classes.length > 0 ? [...classes] : [...known];
  const unknown = list.filter((c) => !known.includes(c));
  if (unknown.length > 0) throw new RangeError(`unknown ${kind} class(es): ${unknown.join(', ')}; known: ${known.join(', ')}`);
  return list;
}

/** Class of item `index`: each block of classes.length items is a seeded permutation of the classes. */
export function surveyClassOf(kind: SurveyKind, seed: number, index: number, classes: readonly string[]): string {
  const n = classes.length, block = Math.floor(index / n);
  const order = new Rng(deriveSeed(seed, block, nameSeed(`survey-${kind}-classes`))).shuffle([...classes]);
  return order[index % n]!;
}

/** The drawn parameters of item `index` (nothing rendered). `ranges` may be already resolved. */
export function surveyItem(seed: number, index: number, opts: SurveyItemOptions): SurveyItem {
  const ranges = resolveSurveyRanges(opts.kind, opts.ranges);
  return itemWith(opts.kind, seed, index, ranges, checkSurveyClasses(opts.kind, opts.classes));
}

function itemWith(kind: SurveyKind, seed: number, index: number, ranges: SurveyRanges, classes: readonly string[]): SurveyItem {
  if (!Number.isInteger(index) || index < 0) throw new RangeError(`index must be a non-negative integer, got ${index}`);
  const className = surveyClassOf(kind, seed, index, classes);
  // The ranges are part of the seed: a set with shifted ranges (a test set) never re-observes the objects of
  // another set (a training set) drawn with the same seed.
  const rng = new Rng(deriveSeed(seed, index, nameSeed(`survey-${kind}`), nameSeed(JSON.stringify(ranges))));
  const frame = sampleFrame(rng, ranges);
  if (kind === 'disks') {
    const cls = className as SurveyDiskClass;
    return { kind, index, className: cls, frame, disk: sampleDiskParams(rng, cls, frame, ranges) };
  }
  const cls = className as SurveyCubeClass;
  return { kind, index, className: cls, frame, cube: sampleCubeParams(rng, cls, frame, ranges) };
}

export type RenderedSurveyItem = SurveyItem & { image: RenderedSurveyImage | RenderedSurveyCube };

export function renderItem(item: SurveyItem, object = `survey-${item.index}`): RenderedSurveyItem {
  if (item.kind === 'disks') return { ...item, image: renderSurveyDisk(item.disk, item.frame, object) };
  return { ...item, image: renderSurveyCube(item.cube, item.frame, object) };
}

export function renderSurveyItem(seed: number, index: number, opts: SurveyItemOptions): RenderedSurveyItem {
  return renderItem(surveyItem(seed, index, opts));
}

export interface SurveyDatasetOptions extends SurveyItemOptions {
  n: number;
  seed: number;
}

export interface WrittenSurveyItem { file: string; label: string; item: SurveyItem; noiseRms: number; peak: number }

const COMMON_COLUMNS = ['file', 'label', 'kind', 'index', 'format', 'gzip', 'width', 'height', 'channels', 'aspect', 'pixel_scale_arcsec',
  'beam_major_px', 'beam_minor_px', 'beam_pa_deg', 'beam', 'snr', 'noise_rms', 'peak', 'radius_px', 'radius_beams', 'inclination_deg',
  'position_angle_deg', 'offset_x_px', 'offset_y_px', 'flux', 'pb_mask', 'pb_radius_px', 'variant', 'key_scale_beams'] as const;
const CUBE_COLUMNS = ['spec_type', 'cdelt3_sign', 'line', 'rest_freq_hz', 'vsys_kms', 'channel_width_kms', 'line_offset_channels',
  'line_extent_kms', 'velocity_scale_kms', 'line_width_kms', 'snr_channel'] as const;

export function surveyColumns(kind: SurveyKind): string[] {
  return [...COMMON_COLUMNS, ...(kind === 'cubes' ? CUBE_COLUMNS : []), 'params'];
}

/** Class-specific parameters as key=value;... (lists joined by '/', no commas), lengths in pixels. */
function paramsText(item: SurveyItem): string {
  const n = (v: number) => (Number.isInteger(v) ? String(v) : v.toPrecision(4));
  const parts: string[] = [];
  if (item.kind === 'disks') {
    const d = item.disk;
    parts.push(`profile=${d.profile.kind}`, `gamma=${n(d.profile.gamma)}`, `beta=${n(d.profile.beta)}`, `rc=${n(d.profile.rc)}`);
    if (d.diskAmplitude > 0 && d.className !== 'smooth' && d.className !== 'spiral') parts.push(`disk_amplitude=${n(d.diskAmplitude)}`);
    if (Number.isFinite(d.featureContrast)) parts.push(`feature_contrast=${n(d.featureContrast)}`);
    if (d.rings.length) parts.push(`rings_r=${d.rings.map((r) => n(r.radius)).join('/')}`, `rings_sigma_in=${d.rings.map((r) => n(r.sigmaIn)).join('/')}`,
      `rings_sigma_out=${d.rings.map((r) => n(r.sigmaOut)).join('/')}`, `rings_amp=${d.rings.map((r) => n(r.amplitude)).join('/')}`);
    if (d.gaps.length) parts.push(`gaps_r=${d.gaps.map((g) => n(g.radius)).join('/')}`, `gaps_sigma=${d.gaps.map((g) => n(g.sigma)).join('/')}`,
      `gaps_depth=${d.gaps.map((g) => n(g.depth)).join('/')}`);
    if (d.innerDisk) parts.push(`inner_sigma=${n(d.innerDisk.sigma)}`, `inner_amp=${n(d.innerDisk.amplitude)}`);
    if (d.className === 'ring') parts.push(`mod_m1=${n(d.modulation.m1)}`, `mod_m2=${n(d.modulation.m2)}`);
    if (d.crescent) parts.push(`crescent=${d.crescent.shape}`, `contrast=${n(d.crescent.contrast)}`, `azimuth_rad=${n(d.crescent.azimuth)}`, `width_rad=${n(d.crescent.width)}`);
    if (d.spiral) parts.push(`pitch_deg=${n(d.spiral.pitch)}`, `handedness=${d.spiral.handedness}`, `arm_contrast=${n(d.spiral.contrast)}`,
      `arm_width_rad=${n(d.spiral.width)}`, `arm_ratio=${n(d.spiral.armRatio)}`);
    if (d.binary) parts.push(`separation=${n(d.binary.separation)}`, `separation_pa_deg=${n(d.binary.angle)}`, `flux_ratio=${n(d.binary.fluxRatio)}`,
      `radii=${d.binary.components.map((c) => n(c.radius)).join('/')}`, `secondary_inclination_deg=${n(d.binary.components[1].inclination)}`);
  } else {
    const c = item.cube;
    parts.push(`profile=${c.profile.kind}`, `clumps=${c.clumps.length}`, `sense=${c.sense}`, `crpix3=${c.crpix3}`);
    if (c.infall) parts.push(`tau=${n(c.infall.tau)}`, `absorber_width=${n(c.infall.absorberWidth)}`, `absorber_shift=${n(c.infall.shift)}`);
  }
  return parts.join(';');
}

function variantOf(item: SurveyItem): string {
  if (item.kind === 'disks') return item.disk.variant;
  const c = item.cube;
  return c.clumps.length > 0 ? `${c.profile.kind}+clumps` : c.profile.kind;
}

function labelRow(file: string, item: SurveyItem, image: RenderedSurveyImage | RenderedSurveyCube): string {
  const f = item.frame;
  const num = (v: number) => (Number.isInteger(v) ? String(v) : v.toPrecision(6));
  const peak = 'peak' in image ? image.peak : image.peakMoment0;
  const values: (string | number)[] = [file, item.className, item.kind, item.index, f.format, f.gzip ? 1 : 0, f.width, f.height,
    item.kind === 'cubes' ? item.cube.channels : 1, f.height / f.width, f.pixelScale, f.beamMajor, f.beamMinor, f.beamPa,
    Math.sqrt(f.beamMajor * f.beamMinor), f.snr, image.noiseRms, peak, f.radius, f.radius / f.beamMajor, f.inclination, f.positionAngle,
    f.offsetX, f.offsetY, f.flux, f.pbRadius > 0 ? 1 : 0, f.pbRadius,
    variantOf(item), item.kind === 'disks' ? item.disk.keyScaleBeams : f.radius / f.beamMajor];
  if (item.kind === 'cubes') {
    const c = item.cube, img = image as RenderedSurveyCube;
    values.push(c.specType, c.specType === 'VRAD' ? c.direction : -c.direction, c.line.replace(/\s+/g, '_'), c.restFrequency, c.vsys,
      c.channelWidth, c.lineOffset, c.extent, c.velocityScale, c.lineWidth, img.peakChannel / img.noiseRms);
  }
  values.push(paramsText(item));
  return values.map((v) => (typeof v === 'number' ? (Number.isFinite(v) ? num(v) : '') : v)).join(',');
}

/**
 * Writes n items as FITS (survey-NNNN.fits or .fits.gz, in each item's drawn format) and labels.csv.
 * Returns the items, the labels path and the seconds it took.
 */
export function writeSurveyDataset(dir: string, opts: SurveyDatasetOptions): { items: WrittenSurveyItem[]; labels: string; seconds: number } {
  if (!Number.isInteger(opts.n) || opts.n < 0) throw new RangeError(`n must be a non-negative integer, got ${opts.n}`);
  if (!Number.isFinite(opts.seed)) throw new RangeError(`seed must be a number, got ${opts.seed}`);
  const t0 = performance.now();
  const ranges = resolveSurveyRanges(opts.kind, opts.ranges);
  const classes = checkSurveyClasses(opts.kind, opts.classes);
  fs.mkdirSync(dir, { recursive: true });
  const digits = Math.max(4, String(Math.max(0, opts.n - 1)).length);
  const rows = [surveyColumns(opts.kind).join(',')];
  const items: WrittenSurveyItem[] = [];
  for (let i = 0; i < opts.n; i++) {
    const item = itemWith(opts.kind, opts.seed, i, ranges, classes);
    const stem = `survey-${String(i).padStart(digits, '0')}`;
    const { image } = renderItem(item, stem);
    const file = surveyFileName(stem, item.frame.gzip);
    writeSurveyFits(path.join(dir, file), image.data, image.shape, image.cards, item.frame.format, item.frame.gzip);
    rows.push(labelRow(file, item, image));
    items.push({ file, label: item.className, item, noiseRms: image.noiseRms, peak: 'peak' in image ? image.peak : image.peakMoment0 });
  }
  const labels = path.join(dir, 'labels.csv');
  fs.writeFileSync(labels, rows.join('\n') + '\n');
  return { items, labels, seconds: (performance.now() - t0) / 1000 };
}
