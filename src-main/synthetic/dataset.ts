// A labelled synthetic dataset: item i is fully determined by (seed, i), so a loader can render any
// item on demand without files, and writeSyntheticDataset writes the same items as FITS + labels.csv.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Rng } from '../base/random.ts';
import { deriveSeed } from '../base/derive-seed.ts';
import { fileNameFor, SYNTHETIC_FORMATS, writeSyntheticImage, type SyntheticFormat } from './fits-format.ts';
import { DISK_CLASSES, sampleObject, type DiskClass, type DiskObject } from './morphology.ts';
import { sampleObservation, type Observation, type ObservationRanges } from './observation.ts';
import { renderObject, type SyntheticImage } from './render.ts';

export interface SyntheticItemOptions {
  classes?: readonly DiskClass[];
  /** Spectral channels per item; 0 or undefined for continuum images. */
  channels?: number;
  ranges?: Partial<ObservationRanges>;
}

export interface SyntheticItem { index: number; object: DiskObject; observation: Observation }

export function checkClasses(classes: readonly string[] | undefined): DiskClass[] {
  const list = classes && classes.length > 0 ? [...classes] : [...DISK_CLASSES];
  const unknown = list.filter((c) => !(DISK_CLASSES as readonly string[]).includes(c));
  if (unknown.length > 0) throw new Error(`unknown synthetic class(es): ${unknown.join(', ')}; known: ${DISK_CLASSES.join(', ')}`);
  return list as DiskClass[];
}

/** Item i of the dataset with this seed: classes cycle so every class is equally represented. */
export function syntheticItem(seed: number, index: number, opts: SyntheticItemOptions = {}): SyntheticItem {
  const classes = checkClasses(opts.classes);
  const rng = new Rng(deriveSeed(seed, index));
  const object = sampleObject(rng, classes[index % classes.length]!);
  const observation = sampleObservation(rng, object, { ...opts.ranges, channels: opts.channels ?? 0 });
  return { index, object, observation };
}

export function renderSyntheticItem(seed: number, index: number, opts: SyntheticItemOptions = {}): SyntheticImage {
  const { object, observation } = syntheticItem(seed, index, opts);
  return renderObject(object, observation);
}

export interface SyntheticDatasetOptions {
  n: number;
  seed: number;
  classes?: readonly string[];
  /** On-disk forms, used in turn (item i gets formats[i % formats.length]); default float32 only. */
  formats?: readonly SyntheticFormat[];
  /** Write spectral cubes: true for 16 channels, or a channel count. */
  cubes?: boolean | number;
  ranges?: Partial<ObservationRanges>;
}

export interface WrittenItem { file: string; hdu: number; className: DiskClass; format: SyntheticFormat; image: Omit<SyntheticImage, 'data'> }

const LABEL_COLUMNS = ['file', 'hdu', 'class', 'index', 'format', 'width', 'height', 'channels', 'pixel_scale_arcsec',
  'beam_major_arcsec', 'beam_minor_arcsec', 'beam_pa_deg', 'snr', 'noise_rms', 'radius_arcsec', 'inclination_deg',
  'position_angle_deg', 'flux_jy'] as const;

export function writeSyntheticDataset(dir: string, opts: SyntheticDatasetOptions): { items: WrittenItem[]; labels: string } {
  if (!Number.isInteger(opts.n) || opts.n < 0) throw new RangeError(`n must be a non-negative integer, got ${opts.n}`);
  const formats = opts.formats && opts.formats.length > 0 ? opts.formats : (['float32'] as const);
  const badFormat = formats.filter((f) => !(SYNTHETIC_FORMATS as readonly string[]).includes(f));
  if (badFormat.length > 0) throw new Error(`unknown synthetic format(s): ${badFormat.join(', ')}; known: ${SYNTHETIC_FORMATS.join(', ')}`);
  const channels = opts.cubes === true ? 16 : typeof opts.cubes === 'number' ? opts.cubes : 0;
  const classes = checkClasses(opts.classes);
  fs.mkdirSync(dir, { recursive: true });
  const items: WrittenItem[] = [];
  const rows: string[] = [LABEL_COLUMNS.join(',')];
  const width = String(Math.max(1, opts.n - 1)).length;
  for (let i = 0; i < opts.n; i++) {
    const image = renderSyntheticItem(opts.seed, i, { classes, channels, ranges: opts.ranges });
    const format = formats[i % formats.length]!;
    const file = fileNameFor(`${String(i).padStart(width, '0')}-${image.object.className}`, format);
    writeSyntheticImage(path.join(dir, file), image, format);
    const { data: _data, ...meta } = image;
    items.push({ file, hdu: 0, className: image.object.className, format, image: meta });
    const o = image.object, obs = image.observation;
    rows.push([file, 0, o.className, i, format, obs.width, obs.height, obs.channels, obs.pixelScale, obs.beamMajor, obs.beamMinor,
      obs.beamPa, obs.snr, image.noiseRms, o.radius, o.inclination, o.positionAngle, o.flux]
      .map((v) => (typeof v === 'number' && !Number.isInteger(v) ? v.toPrecision(6) : String(v))).join(','));
  }
  const labels = path.join(dir, 'labels.csv');
  fs.writeFileSync(labels, rows.join('\n') + '\n');
  return { items, labels };
}
