// `astromorph inspect` end to end: real FITS files written by the FITS layer, the real CLI process.
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeImageFits } from '../../../src-main/fits/index.ts';
import { Rng } from '../../../src-main/base/random.ts';
import { concat, emptyPrimary, float32Data, headerBytes } from '../fits/fits-bytes.ts';
import { cli, hasStackTrace } from './run-cli.ts';

let dir: string;
const image = new Float32Array(64 * 48);
const cube = new Float32Array(16 * 12 * 5);
const raw16 = new Int16Array(20 * 10);

function statsOf(values: ArrayLike<number>) {
  let finite = 0, nan = 0, infinite = 0, sum = 0, min = Infinity, max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isNaN(v)) nan++;
    else if (!Number.isFinite(v)) infinite++;
    else { finite++; sum += v; min = Math.min(min, v); max = Math.max(max, v); }
  }
  return { finite, nan, infinite, min, max, mean: sum / finite };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'astromorph-inspect-'));
  const rng = new Rng(7);
  for (let i = 0; i < image.length; i++) image[i] = rng.normal() * 3 + 10;
  image[5] = NaN; image[100] = NaN; image[200] = Infinity;
  writeImageFits(join(dir, 'image.fits'), image, [64, 48], { cards: { OBJECT: 'NGC 1068' } });
  for (let i = 0; i < cube.length; i++) cube[i] = rng.uniform(-1, 1) + Math.floor(i / (16 * 12)) * 100;
  cube[16 * 12 * 3 + 7] = NaN;
  writeImageFits(join(dir, 'cube.fits'), cube, [16, 12, 5], { cards: { CTYPE3: 'FREQ' } });
  for (let i = 0; i < raw16.length; i++) raw16[i] = rng.int(2000) - 1000;
  writeImageFits(join(dir, 'scaled.fits'), raw16, [20, 10], { bitpix: 16, cards: { BSCALE: 0.5, BZERO: 100 } });
  writeImageFits(join(dir, 'image.fits.gz'), image, [64, 48], { gzip: true });
  writeFileSync(join(dir, 'noise.fits'), Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919) % 256)));
  writeImageFits(join(dir, 'truncated.fits'), image, [64, 48]);
  truncateSync(join(dir, 'truncated.fits'), 2880 + 4000);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('astromorph inspect', () => {
  it('prints every HDU with statistics of the scaled data as JSON', () => {
    const res = cli(['inspect', join(dir, 'image.fits'), '--json']);
    expect(res.status, res.stderr).toBe(0);
    const report = JSON.parse(res.stdout);
    expect(Object.keys(report)).toEqual(['path', 'hdus', 'issues']);
    expect(report.hdus).toHaveLength(1);
    const hdu = report.hdus[0];
    expect(Object.keys(hdu)).toEqual(['index', 'name', 'kind', 'bitpix', 'shape', 'compressed', 'stats', 'error']);
    expect(hdu).toMatchObject({ index: 0, name: 'PRIMARY', kind: 'image', bitpix: -32, shape: [64, 48], error: null });
    const expected = statsOf(image);
    expect(hdu.stats.finite).toBe(expected.finite);
    expect(hdu.stats.nan).toBe(2);
    expect(hdu.stats.infinite).toBe(1);
    expect(hdu.stats.min).toBe(expected.min);
    expect(hdu.stats.max).toBe(expected.max);
    expect(hdu.stats.mean).toBeCloseTo(expected.mean, 6);
  });

  it('streams a cube plane by plane and gets the same statistics as the whole array', () => {
    const res = cli(['inspect', join(dir, 'cube.fits'), '--json']);
    expect(res.status, res.stderr).toBe(0);
    const hdu = JSON.parse(res.stdout).hdus[0];
    const expected = statsOf(cube);
    expect(hdu.shape).toEqual([16, 12, 5]);
    expect(hdu.stats).toMatchObject({ finite: expected.finite, nan: 1, min: expected.min, max: expected.max });
    expect(hdu.stats.mean).toBeCloseTo(expected.mean, 6);
  });

  it('applies BSCALE/BZERO to integer data', () => {
    const res = cli(['inspect', join(dir, 'scaled.fits'), '--json']);
    expect(res.status, res.stderr).toBe(0);
    const hdu = JSON.parse(res.stdout).hdus[0];
    const expected = statsOf(Array.from(raw16, (v) => v * 0.5 + 100));
    expect(hdu.bitpix).toBe(16);
    expect(hdu.stats.min).toBe(expected.min);
    expect(hdu.stats.max).toBe(expected.max);
    expect(hdu.stats.mean).toBeCloseTo(expected.mean, 9);
  });

  it('reads gzip-compressed files', () => {
    const res = cli(['inspect', join(dir, 'image.fits.gz'), '--json']);
    expect(res.status, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout).hdus[0].stats.finite).toBe(statsOf(image).finite);
  });

  it('prints a fitsinfo-like table by default', () => {
    const res = cli(['inspect', join(dir, 'cube.fits')]);
    expect(res.status, res.stderr).toBe(0);
    const lines = res.stdout.split('\n');
    expect(lines[0]).toBe(`Filename: ${join(dir, 'cube.fits')}`);
    expect(lines[1]).toMatch(/^No\.\s+Name\s+Kind\s+BITPIX\s+Shape\s+Finite\s+NaN\s+Min\s+Max\s+Mean$/);
    expect(lines[2]).toMatch(/^\s*0\s+PRIMARY\s+image\s+-32\s+16x12x5\s+959\s+1\s/);
  });

  it('names the file and exits 1 on a file that is not FITS, without a stack trace', () => {
    const file = join(dir, 'noise.fits');
    const res = cli(['inspect', file]);
    expect(res.status).toBe(1);
    expect(res.stdout).toBe('');
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(res.stderr).toContain(file);
    expect(hasStackTrace(res.stderr)).toBe(false);
  });

  it('exits 1 and names the file when the data are truncated', () => {
    const file = join(dir, 'truncated.fits');
    const res = cli(['inspect', file]);
    expect(res.status).toBe(1);
    expect(res.stderr).toContain(file);
    expect(hasStackTrace(res.stderr)).toBe(false);
  });

  it('exits 1 on a missing file and 2 on a missing argument', () => {
    const missing = cli(['inspect', join(dir, 'nope.fits')]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('nope.fits');
    const usage = cli(['inspect']);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toMatch(/missing required argument/);
  });
});

// Header values drive loops and allocations; a crafted card must give a one-line error naming the file
// and the card, quickly and in little memory (the heap is capped at 256 MB so a runaway loop fails fast).
describe('astromorph inspect on headers that claim absurd sizes', () => {
  const capped = { NODE_OPTIONS: '--max-old-space-size=256' };
  const write = (name: string, bytes: Uint8Array): string => {
    const file = join(dir, name);
    writeFileSync(file, bytes);
    return file;
  };
  const image = (): Uint8Array => concat(
    headerBytes([['SIMPLE', true], ['BITPIX', -32], ['NAXIS', 2], ['NAXIS1', 4], ['NAXIS2', 3], ['EXTEND', true]]),
    float32Data(Array.from({ length: 12 }, (_, i) => i)),
  );

  it('an extension with NAXIS = 1000000000 is reported as corrupt, naming the file and the card', () => {
    const file = write('naxis-1e9.fits', concat(image(), headerBytes([
      ['XTENSION', 'IMAGE'], ['BITPIX', 16], ['NAXIS', 1000000000], ['NAXIS1', 10], ['PCOUNT', 0], ['GCOUNT', 1],
    ])));
    const started = performance.now();
    const res = cli(['inspect', file, '--json'], undefined, capped);
    expect(performance.now() - started).toBeLessThan(20_000);
    expect(res.status, res.stderr).toBe(1);
    const report = JSON.parse(res.stdout);
    expect(report.hdus[0]).toMatchObject({ kind: 'image', shape: [4, 3], error: null });
    expect(report.hdus[1]).toMatchObject({ index: 1, kind: 'corrupt', shape: [] });
    expect(report.hdus[1].error).toContain(file);
    expect(report.hdus[1].error).toContain('NAXIS = 1000000000');
    expect(res.stderr).toContain('NAXIS = 1000000000');
    expect(hasStackTrace(res.stderr)).toBe(false);
  });

  it('a table whose NAXIS is a huge integer beyond 2^53 lists no shape and no loop over it', () => {
    const file = write('naxis-bigint.fits', concat(emptyPrimary(), headerBytes([
      ['XTENSION', 'BINTABLE'], ['BITPIX', 8], ['NAXIS', 99999999999999999999n], ['PCOUNT', 0], ['GCOUNT', 1], ['TFIELDS', 0],
    ])));
    const res = cli(['inspect', file, '--json'], undefined, capped);
    expect(res.status, res.stderr).toBe(1);
    const report = JSON.parse(res.stdout);
    expect(report.hdus[1]).toMatchObject({ kind: 'corrupt', shape: [] });
    expect(report.hdus[1].error).toMatch(/NAXIS = 99999999999999999999 is not an integer from 0 to 999/);
  });
});
