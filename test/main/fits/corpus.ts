// Shared by the FITS tests: where the conformance corpus lives, and the manifest's checksum and statistics rules.

import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const corpusDir = process.env.ASTROMORPH_FITS_CORPUS ?? path.resolve(repoRoot, '../shared/fits-corpus');
export const corpusPresent = fs.existsSync(path.join(corpusDir, 'manifest.json'));

export interface ManifestStats {
  n: number;
  n_finite: number;
  n_nan: number;
  n_inf: number;
  min: number | null;
  max: number | null;
  mean: number | null;
  sumsq: number | null;
  n_neg_zero: number;
}

export interface ManifestImage {
  index: number;
  extname: string | null;
  bitpix: number;
  shape: number[];
  bscale: number;
  bzero: number;
  blank: number | string | null;
  tolerance: number;
  sha256: string;
  sha256_f32: string;
  stats: ManifestStats;
  header: Record<string, string | number | boolean>;
  n_cards: number;
  n_cards_astropy: number;
}

export interface ManifestEntry {
  path: string;
  kind: 'real' | 'synthetic' | 'bad';
  description: string;
  n_hdus?: number;
  hdus?: Array<{ index: number; n_cards: number; naxis: number[]; bitpix: number }>;
  image_hdus?: ManifestImage[];
  no_image_hdu?: boolean;
  may_reject?: boolean;
  expect_error?: boolean;
  reason?: string;
}

export function loadManifest(): ManifestEntry[] {
  return (JSON.parse(fs.readFileSync(path.join(corpusDir, 'manifest.json'), 'utf8')) as { files: ManifestEntry[] }).files;
}

/** SHA-256 of float64 little-endian values, NaN canonicalised to 0x7FF8000000000000 (README "Physical values and checksum"). */
export function sha256OfFloat64(values: Float64Array): string {
  const copy = new Float64Array(values);
  const bits = new BigUint64Array(copy.buffer);
  for (let i = 0; i < copy.length; i++) if (Number.isNaN(copy[i])) bits[i] = 0x7ff8000000000000n;
  return createHash('sha256').update(new Uint8Array(copy.buffer)).digest('hex');
}

/** Counts, extremes, Neumaier-compensated sums (close to math.fsum) over the finite values. */
export function statsOf(values: ArrayLike<number>): ManifestStats {
  let nFinite = 0, nNan = 0, nInf = 0, negZero = 0;
  let min = Infinity, max = -Infinity;
  let sum = 0, sumC = 0, sq = 0, sqC = 0;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (Number.isNaN(x)) { nNan++; continue; }
    if (!Number.isFinite(x)) { nInf++; continue; }
    if (Object.is(x, -0)) negZero++;
    nFinite++;
    if (x < min) min = x;
    if (x > max) max = x;
    let t = sum + x;
    sumC += Math.abs(sum) >= Math.abs(x) ? sum - t + x : x - t + sum;
    sum = t;
    const x2 = x * x;
    t = sq + x2;
    sqC += Math.abs(sq) >= Math.abs(x2) ? sq - t + x2 : x2 - t + sq;
    sq = t;
  }
  const none = nFinite === 0;
  return {
    n: values.length, n_finite: nFinite, n_nan: nNan, n_inf: nInf, n_neg_zero: negZero,
    min: none ? null : min, max: none ? null : max,
    mean: none ? null : (sum + sumC) / nFinite, sumsq: none ? null : sq + sqC,
  };
}
