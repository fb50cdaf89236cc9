// Synthetic multi-band molecular clouds (the infrared-dark-cloud case): one column-density model per
// cloud, of four morphology classes, observed in bands of different resolution, pixel scale and
// pointing, each written as its own FITS file with a celestial TAN WCS, as Spitzer and Herschel maps
// of the same cloud come:
//   8um   (Spitzer IRAC-like: 2" pixels, 2.5" beam): bright diffuse background, the cloud in absorption, stars;
//   70um  (PACS-like: 4" pixels, 6" beam): warm embedded cores only;
//   250um (SPIRE-like: 8" pixels, 18" beam) and 500um (12" pixels, 36" beam): dust emission along the column.
// Classes: 'filamentary' (one or two long curved filaments with cores on them), 'clumpy' (scattered
// clumps), 'hub-filament' (a central hub fed by radial filaments), 'diffuse' (smooth, no compact structure).
import path from 'node:path';
import fs from 'node:fs';
import { Rng } from '../base/random.ts';
import { deriveSeed } from '../base/derive-seed.ts';
import { writeImageFits } from '../fits/index.ts';
import { convolveBeam } from './beam.ts';

export const CLOUD_CLASSES = ['filamentary', 'clumpy', 'hub-filament', 'diffuse'] as const;
export type CloudClass = (typeof CLOUD_CLASSES)[number];

export interface CloudBand {
  name: string;
  /** Arcsec per pixel and beam FWHM in arcsec. */
  pixel: number;
  beam: number;
}

export const CLOUD_BANDS: readonly CloudBand[] = [
  { name: '8um', pixel: 2, beam: 2.5 },
  { name: '70um', pixel: 4, beam: 6 },
  { name: '250um', pixel: 8, beam: 18 },
  { name: '500um', pixel: 12, beam: 36 },
];

/** Field of view of every band, arcsec (a side). */
const FIELD = 240;

interface Blob { x: number; y: number; sigma: number; peak: number; warm: boolean }
interface Filament { points: [number, number][]; width: number; peak: number }

export interface CloudModel {
  className: CloudClass;
  ra: number;
  dec: number;
  blobs: Blob[];
  filaments: Filament[];
  /** Smooth background column (large Gaussian). */
  envelope: { x: number; y: number; sigma: number; peak: number };
}

function curve(rng: Rng, x0: number, y0: number, angle: number, length: number, bend: number): [number, number][] {
  const pts: [number, number][] = [];
  let a = angle, x = x0, y = y0;
  const steps = 24;
  for (let k = 0; k <= steps; k++) {
    pts.push([x, y]);
    a += rng.uniform(-bend, bend);
    x += (Math.cos(a) * length) / steps;
    y += (Math.sin(a) * length) / steps;
  }
  return pts;
}

export function sampleCloud(seed: number, index: number, className: CloudClass): CloudModel {
  const rng = new Rng(deriveSeed(seed, index));
  const model: CloudModel = {
    className, ra: rng.uniform(270, 290), dec: rng.uniform(-10, 5), blobs: [], filaments: [],
    envelope: { x: rng.uniform(-20, 20), y: rng.uniform(-20, 20), sigma: rng.uniform(50, 80), peak: rng.uniform(0.2, 0.4) },
  };
  const theta = rng.uniform(0, Math.PI);
  switch (className) {
    case 'filamentary': {
      const n = 1 + Math.floor(rng.uniform(0, 2));
      for (let f = 0; f < n; f++) {
        const a = theta + f * rng.uniform(0.4, 1.2);
        const len = rng.uniform(160, 220);
        const pts = curve(rng, -Math.cos(a) * len / 2 + rng.uniform(-20, 20), -Math.sin(a) * len / 2 + rng.uniform(-20, 20), a, len, 0.12);
        model.filaments.push({ points: pts, width: rng.uniform(5, 9), peak: rng.uniform(0.8, 1.2) });
        for (let c = 0; c < 3; c++) {
          const [x, y] = pts[Math.floor(rng.uniform(3, pts.length - 3))]!;
          model.blobs.push({ x, y, sigma: rng.uniform(4, 7), peak: rng.uniform(0.5, 1), warm: rng.next() < 0.6 });
        }
      }
      break;
    }
    case 'clumpy': {
      const n = 6 + Math.floor(rng.uniform(0, 7));
      for (let c = 0; c < n; c++) {
        model.blobs.push({ x: rng.uniform(-90, 90), y: rng.uniform(-90, 90), sigma: rng.uniform(6, 14), peak: rng.uniform(0.6, 1.4), warm: rng.next() < 0.4 });
      }
      break;
    }
    case 'hub-filament': {
      const hub = { x: rng.uniform(-15, 15), y: rng.uniform(-15, 15) };
      model.blobs.push({ ...hub, sigma: rng.uniform(10, 15), peak: rng.uniform(1.5, 2.2), warm: true });
      const n = 3 + Math.floor(rng.uniform(0, 4));
      for (let f = 0; f < n; f++) {
        const a = theta + (2 * Math.PI * f) / n + rng.uniform(-0.3, 0.3);
        const len = rng.uniform(70, 110);
        model.filaments.push({ points: curve(rng, hub.x, hub.y, a, len, 0.08), width: rng.uniform(4, 7), peak: rng.uniform(0.5, 0.8) });
      }
      break;
    }
    case 'diffuse': {
      model.envelope.peak = rng.uniform(0.8, 1.2);
      model.envelope.sigma = rng.uniform(60, 90);
      for (let c = 0; c < 3; c++) model.blobs.push({ x: rng.uniform(-60, 60), y: rng.uniform(-60, 60), sigma: rng.uniform(35, 55), peak: rng.uniform(0.3, 0.6), warm: false });
      break;
    }
  }
  return model;
}

function distanceToPolyline(x: number, y: number, pts: [number, number][]): number {
  let best = Infinity;
  for (let k = 0; k + 1 < pts.length; k++) {
    const [ax, ay] = pts[k]!, [bx, by] = pts[k + 1]!;
    const dx = bx - ax, dy = by - ay;
    const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)));
    best = Math.min(best, Math.hypot(x - ax - t * dx, y - ay - t * dy));
  }
  return best;
}

/** Column density (arbitrary units, ~0..2) at an offset (arcsec, east = +x... as a map drawn with east left). */
export function column(model: CloudModel, x: number, y: number): number {
  const e = model.envelope;
  let n = e.peak * Math.exp(-((x - e.x) ** 2 + (y - e.y) ** 2) / (2 * e.sigma ** 2));
  for (const b of model.blobs) n += b.peak * Math.exp(-((x - b.x) ** 2 + (y - b.y) ** 2) / (2 * b.sigma ** 2));
  for (const f of model.filaments) {
    const d = distanceToPolyline(x, y, f.points);
    n += f.peak * Math.exp(-(d * d) / (2 * f.width ** 2));
  }
  return n;
}

/** Warm cores (70 µm): compact emission at the warm blobs only. */
function warmEmission(model: CloudModel, x: number, y: number): number {
  let s = 0;
  for (const b of model.blobs) if (b.warm) s += b.peak * Math.exp(-((x - b.x) ** 2 + (y - b.y) ** 2) / (2 * (0.4 * b.sigma) ** 2));
  return s;
}

export interface CloudImage {
  band: CloudBand;
  width: number;
  height: number;
  data: Float32Array;
  cards: Record<string, string | number>;
}

/** The cloud observed in one band: its own pixel grid (slightly offset pointing and rotation), beam and noise. */
export function observeCloud(model: CloudModel, band: CloudBand, seed: number, index: number, name: string): CloudImage {
  const rng = new Rng(deriveSeed(seed, index, CLOUD_BANDS.indexOf(band) + 1));
  const n = Math.round(FIELD / band.pixel);
  const rot = rng.uniform(-8, 8) * (Math.PI / 180);
  const dRa = rng.uniform(-6, 6), dDec = rng.uniform(-6, 6); // pointing offsets, arcsec
  const crval = [model.ra + dRa / 3600 / Math.cos((model.dec * Math.PI) / 180), model.dec + dDec / 3600];
  const crpix = (n + 1) / 2;
  const step = band.pixel / 3600;
  // Pixel (i, j) -> intermediate world offsets (arcsec; x grows east, i.e. RA up, drawn to the left).
  const cd = [[-step * Math.cos(rot), step * Math.sin(rot)], [step * Math.sin(rot), step * Math.cos(rot)]];
  const sky = new Float32Array(n * n);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      const px = i + 1 - crpix, py = j + 1 - crpix;
      // Offsets from the cloud centre in arcsec (tangent plane; fields of 4' make the flat approximation exact enough).
      const x = -(cd[0]![0]! * px + cd[0]![1]! * py) * 3600 - dRa;
      const y = (cd[1]![0]! * px + cd[1]![1]! * py) * 3600 + dDec;
      const col = column(model, x, y);
      let v: number;
      if (band.name === '8um') v = 80 * (0.35 + 0.65 * Math.exp(-1.5 * col));
      else if (band.name === '70um') v = 300 * warmEmission(model, x, y) + 20 * col;
      else v = (band.name === '250um' ? 200 : 60) * col;
      sky[j * n + i] = v;
    }
  }
  const smooth = convolveBeam(sky, n, n, { bmaj: band.beam / band.pixel, bmin: band.beam / band.pixel, bpa: 0 });
  const noise = band.name === '8um' ? 0.8 : band.name === '70um' ? 3 : band.name === '250um' ? 4 : 1.5;
  if (band.name === '8um') {
    // Foreground stars: unresolved, on top of everything.
    for (let s = 0; s < 8; s++) {
      const i = Math.floor(rng.uniform(2, n - 2)), j = Math.floor(rng.uniform(2, n - 2));
      smooth[j * n + i]! += rng.logUniform(20, 200);
    }
  }
  for (let i = 0; i < smooth.length; i++) {
    // Box-Muller: one standard normal per pixel.
    const u = Math.max(rng.next(), 1e-12), w = rng.next();
    smooth[i]! += noise * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * w);
  }
  const cards: Record<string, string | number> = {
    OBJECT: name, FILTER: band.name, BUNIT: 'MJy/sr', TELESCOP: band.name === '8um' ? 'Spitzer' : 'Herschel',
    CTYPE1: 'RA---TAN', CTYPE2: 'DEC--TAN', CUNIT1: 'deg', CUNIT2: 'deg', CRPIX1: crpix, CRPIX2: crpix,
    CRVAL1: crval[0]!, CRVAL2: crval[1]!, CD1_1: cd[0]![0]!, CD1_2: cd[0]![1]!, CD2_1: cd[1]![0]!, CD2_2: cd[1]![1]!,
    RADESYS: 'ICRS', EQUINOX: 2000, BMAJ: band.beam / 3600, BMIN: band.beam / 3600, BPA: 0,
  };
  return { band, width: n, height: n, data: smooth, cards };
}

export interface WrittenCloud { name: string; className: CloudClass; files: string[] }

/**
 * Writes `perClass` clouds of each class into `dir`: NAME_BAND.fits for every band (OBJECT = NAME,
 * FILTER = BAND), and labels.csv (file,object,band,class) which is also a grouping CSV.
 */
export function writeCloudDataset(dir: string, opts: { perClass: number; seed: number; bands?: readonly CloudBand[] }): WrittenCloud[] {
  fs.mkdirSync(dir, { recursive: true });
  const bands = opts.bands ?? CLOUD_BANDS;
  const out: WrittenCloud[] = [];
  const rows = ['file,object,band,class'];
  let index = 0;
  for (let k = 0; k < opts.perClass; k++) {
    for (const className of CLOUD_CLASSES) {
      const name = `cloud${String(index).padStart(3, '0')}`;
      const model = sampleCloud(opts.seed, index, className);
      const files: string[] = [];
      for (const band of bands) {
        const img = observeCloud(model, band, opts.seed, index, name);
        const file = `${name}_${band.name}.fits`;
        writeImageFits(path.join(dir, file), img.data, [img.width, img.height], { bitpix: -32, cards: img.cards });
        files.push(file);
        rows.push(`${file},${name},${band.name},${className}`);
      }
      out.push({ name, className, files });
      index++;
    }
  }
  fs.writeFileSync(path.join(dir, 'labels.csv'), rows.join('\n') + '\n');
  return out;
}
