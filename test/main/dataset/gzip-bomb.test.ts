// A .gz that inflates far past its FITS content: a valid 64x64 image followed by 2 GiB of zeros, in 2 MB of
// gzip (one member for the image, 32 members of 64 MiB of zeros). A scan reads headers (and the chosen image
// for its thumbnail): it must inflate only that far, not the 2 GiB, in every reader and in parallel workers.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeImageFits, HduList } from '../../../src-main/fits/index.ts';
import type { ProbeLine, ProbeScan } from '../../support/fits-probe.ts';
import { NODE, REPO } from '../cli/run-cli.ts';

let dir: string;
const pixels = new Float32Array(64 * 64).map((_, i) => Math.sin(i / 17) * 100 + (i % 64));
const ZERO_MEMBER = 64 * 2 ** 20;
const MEMBERS = 32;

function bomb(): Buffer {
  const image = gzipSync(encodeImageFits(pixels, [64, 64], { cards: { OBJECT: 'bomb' } }));
  const zeros = gzipSync(Buffer.alloc(ZERO_MEMBER), { level: 9 });
  return Buffer.concat([image, ...Array.from({ length: MEMBERS }, () => zeros)]);
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amgzbomb-'));
  fs.mkdirSync(path.join(dir, 'data'));
  const bytes = bomb();
  for (const name of ['a.fits.gz', 'b.fits.gz']) fs.writeFileSync(path.join(dir, 'data', name), bytes);
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('a small .gz that inflates to 2 GiB after its image', () => {
  it('is 2 MB on disk and holds 2 GiB when inflated whole', () => {
    expect(fs.statSync(path.join(dir, 'data', 'a.fits.gz')).size).toBeLessThan(2.5e6);
    expect(ZERO_MEMBER * MEMBERS).toBe(2 ** 31);
  });

  it('opens by inflating only what the headers and the image need; the rest is a trailing-bytes issue', () => {
    const list = HduList.open(path.join(dir, 'data', 'a.fits.gz'));
    try {
      expect(list.length).toBe(1);
      expect(list.gzipped).toBe(true);
      expect(Array.from(list.primaryImage().read())).toEqual(Array.from(pixels));
      expect(list.issues.map((i) => i.code)).toContain('trailing-bytes');
      // the image HDU is 2880 + 16384 bytes (padded to 20160), then one header block to see nothing follows
      expect(list.inflatedBytes).toBeLessThan(4 * 2 ** 20);
    } finally {
      list.close();
    }
  });

  it('a header declaring more than a .gz may inflate to is refused at once, without inflating toward it', () => {
    const claim = path.join(dir, 'claim.fits.gz');
    const header = Buffer.from(encodeImageFits(new Float32Array(4), [2, 2])).subarray(0, 2880).toString('latin1')
      .replace(/NAXIS1  = +2/, `NAXIS1  = ${'100000'.padStart(20)}`).replace(/NAXIS2  = +2/, `NAXIS2  = ${'100000'.padStart(20)}`);
    fs.writeFileSync(claim, Buffer.concat([gzipSync(Buffer.from(header, 'latin1')), ...Array.from({ length: 4 }, () => gzipSync(Buffer.alloc(ZERO_MEMBER), { level: 9 }))]));
    const started = performance.now();
    let err: unknown;
    try {
      HduList.open(claim).close();
    } catch (e) {
      err = e;
    }
    expect(performance.now() - started).toBeLessThan(1000);
    expect((err as { code?: string }).code).toBe('too-large');
    expect((err as Error).message).toMatch(/claim\.fits\.gz \[HDU 0\]: data declared as 40000000000 bytes: reading up to byte 40000002880 of the inflated data: beyond the 2147483648 bytes a \.gz may inflate to$/);
  });

  it('reader, inspect and a two-worker scan into a real project stay under 400 MB and read the image', () => {
    const data = path.join(dir, 'data');
    const files = ['a.fits.gz', 'b.fits.gz'].map((f) => path.join(data, f));
    const started = performance.now();
    const res = spawnSync(NODE, [path.join(REPO, 'test/support/fits-probe.ts'), '--scan', data, '--project', path.join(dir, 'p.amproj'),
      '--workers', '2', ...files], { encoding: 'utf8', timeout: 120_000 });
    expect(res.status, res.stderr).toBe(0);
    const lines = res.stdout.trim().split('\n').map((l) => JSON.parse(l) as ProbeLine | ProbeScan);
    const done = lines.filter((l): l is ProbeLine => 'phase' in l && l.phase === 'done');
    expect(done).toHaveLength(2);
    for (const line of done) {
      expect(line.outcomes!.map((o) => o.error)).toEqual([null, null, null]);
      expect(line.ms!).toBeLessThan(10_000);
    }
    const scan = lines.at(-1) as ProbeScan;
    expect(scan.scan.error).toBeUndefined();
    expect(scan.scan.summary).toMatchObject({ added: 2, failed: 0 });
    expect(scan.scan.items!.map((i) => i.status)).toEqual(['ok', 'ok']);
    const peakMb = scan.maxRssKb / 1024;
    console.log(`gzip bomb: reader + inspect + 2-worker scan of two 2 GiB bombs: peak RSS ${peakMb.toFixed(0)} MB, ${((performance.now() - started) / 1000).toFixed(1)} s`);
    expect(peakMb).toBeLessThan(400);
  });
});
