// The bundled sample data: every file reads, the labels match the files, it is reproducible and small.
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { inspectFile } from '../../../src-main/api/services/project/inspect.ts';
import { NODE, REPO } from './run-cli.ts';

const SAMPLES = join(REPO, 'resources', 'sample-data');

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isFile())
    .sort();
}

function digest(dir: string): Record<string, string> {
  return Object.fromEntries(filesUnder(dir).map((f) => [relative(dir, f), createHash('sha256').update(readFileSync(f)).digest('hex')]));
}

describe('resources/sample-data', () => {
  const fitsFiles = filesUnder(SAMPLES).filter((f) => /\.fits(\.gz)?$/.test(f));

  it('holds 48-96 FITS files in under 2 MB', () => {
    expect(fitsFiles.length).toBeGreaterThanOrEqual(48);
    expect(fitsFiles.length).toBeLessThanOrEqual(96);
    const bytes = filesUnder(SAMPLES).reduce((sum, f) => sum + statSync(f).size, 0);
    expect(bytes).toBeLessThan(2 * 1024 * 1024);
  });

  it('every file reads without errors or verify issues, with finite data', () => {
    for (const file of fitsFiles) {
      const report = inspectFile(file);
      expect(report.issues, file).toEqual([]);
      const hdu = report.hdus[0]!;
      expect(hdu.error, file).toBeNull();
      expect(hdu.stats!.finite, file).toBe(hdu.shape.reduce((a, b) => a * b, 1));
      expect(hdu.stats!.max!, file).toBeGreaterThan(hdu.stats!.min!);
    }
  });

  it('has a cube, a 4-D file with degenerate axes, a gzip file and a scaled integer file', () => {
    const shapes = Object.fromEntries(fitsFiles.map((f) => [relative(SAMPLES, f), inspectFile(f).hdus[0]!]));
    const cube = Object.values(shapes).find((h) => h.shape.length === 3 && h.shape[2]! > 1);
    expect(cube).toBeDefined();
    expect(Object.values(shapes).some((h) => h.shape.length === 4 && h.shape[2] === 1 && h.shape[3] === 1)).toBe(true);
    expect(fitsFiles.some((f) => f.endsWith('.fits.gz'))).toBe(true);
    expect(Object.values(shapes).some((h) => h.bitpix === 16)).toBe(true);
  });

  it('labels.csv names every labelled image and several balanced classes', () => {
    const [header, ...rows] = readFileSync(join(SAMPLES, 'disks', 'labels.csv'), 'utf8').trim().split('\n');
    const columns = header!.split(',');
    const fileCol = columns.indexOf('file'), classCol = columns.indexOf('class');
    const labelled = rows.map((r) => r.split(','));
    expect(labelled.map((r) => r[fileCol]).sort()).toEqual(
      fitsFiles.filter((f) => f.startsWith(join(SAMPLES, 'disks'))).map((f) => relative(join(SAMPLES, 'disks'), f)),
    );
    const perClass = new Map<string, number>();
    for (const r of labelled) perClass.set(r[classCol]!, (perClass.get(r[classCol]!) ?? 0) + 1);
    expect(perClass.size).toBeGreaterThanOrEqual(4);
    expect(new Set(perClass.values()).size).toBe(1);
  });

  it('the generator is deterministic: two runs write identical bytes', () => {
    const a = mkdtempSync(join(tmpdir(), 'astromorph-samples-a-'));
    const b = mkdtempSync(join(tmpdir(), 'astromorph-samples-b-'));
    try {
      for (const out of [a, b]) {
        const res = spawnSync(NODE, [join(REPO, 'scripts', 'make-sample-data.ts'), out], { encoding: 'utf8' });
        expect(res.status, res.stderr).toBe(0);
      }
      const first = digest(a);
      expect(Object.keys(first).length).toBe(fitsFiles.length + 2); // + labels.csv and README.md
      expect(digest(b)).toEqual(first);
    } finally {
      rmSync(a, { recursive: true, force: true });
      rmSync(b, { recursive: true, force: true });
    }
  });
});
