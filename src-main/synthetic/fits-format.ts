// Writes a rendered image in one of the on-disk forms real archives use, so readers and
// preprocessing meet the same variety as with real data: float32, scaled 16-bit integers,
// CASA/ALMA 4-D [x, y, freq, stokes] and gzip-compressed.
import { writeImageFits } from '../fits/index.ts';
import type { SyntheticImage } from './render.ts';

export const SYNTHETIC_FORMATS = ['float32', 'int16-bscale', '4d-alma', 'gz'] as const;
export type SyntheticFormat = (typeof SYNTHETIC_FORMATS)[number];

export function fileNameFor(stem: string, format: SyntheticFormat): string {
  return format === 'gz' ? `${stem}.fits.gz` : `${stem}.fits`;
}

const INT16_BLANK = -32768;

/** Scales values to 16-bit integers with BSCALE/BZERO; NaN becomes BLANK. */
export function quantiseInt16(data: Float32Array): { values: Int16Array; bscale: number; bzero: number } {
  let lo = Infinity, hi = -Infinity;
  for (const v of data) if (Number.isFinite(v)) { if (v < lo) lo = v; if (v > hi) hi = v; }
  if (!(hi > lo)) { lo = Number.isFinite(lo) ? lo : 0; hi = lo + 1; }
  // Keep -32768 free for BLANK: map [lo, hi] onto [-32767, 32767].
  const bscale = (hi - lo) / 65534;
  const bzero = (hi + lo) / 2;
  const values = new Int16Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    values[i] = Number.isFinite(v) ? Math.max(-32767, Math.min(32767, Math.round((v - bzero) / bscale))) : INT16_BLANK;
  }
  return { values, bscale, bzero };
}

export function writeSyntheticImage(path: string, image: SyntheticImage, format: SyntheticFormat): void {
  const cards = { ...image.cards };
  let shape = image.shape;
  if (format === '4d-alma') {
    // ALMA pipeline images keep degenerate frequency and Stokes axes: [x, y, 1, 1] for continuum.
    if (shape.length === 2) {
      shape = [shape[0]!, shape[1]!, 1, 1];
      Object.assign(cards, { CTYPE3: 'FREQ', CUNIT3: 'Hz', CRVAL3: 2.3e11, CDELT3: 7.5e9, CRPIX3: 1 });
    } else shape = [...shape, 1];
    Object.assign(cards, { CTYPE4: 'STOKES', CRVAL4: 1, CDELT4: 1, CRPIX4: 1 });
  }
  if (format === 'int16-bscale') {
    const { values, bscale, bzero } = quantiseInt16(image.data);
    writeImageFits(path, values, shape, { bitpix: 16, cards: { BSCALE: bscale, BZERO: bzero, BLANK: INT16_BLANK, ...cards } });
    return;
  }
  writeImageFits(path, image.data, shape, { bitpix: -32, cards, gzip: format === 'gz' });
}
