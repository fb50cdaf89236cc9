// Seeded fuzzing of everything that reads a FITS file: mutants of the shared corpus (bit flips, truncations, header
// cards set to huge, negative, fractional, NUL or wrongly typed values, blanked or repeated END blocks, small gzip
// bombs, a header claiming 2048 x 2048 that gzip'd zeros fill) go to the reader (HduList.open, every HDU read),
// `inspect`, the scan's per-file inspection and a scan of the whole folder into a real project, in child
// processes (test/support/fits-probe.ts). Every file must end read or refused with a FitsError (or DatasetError)
// naming it; no file may take longer than the per-file limit; no process may pass 1 GB of RSS.
// `node bench/fuzz.ts --mutants 400` prints the same figures for other seeds and counts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { referenceTool } from '../../support/reference-tools.ts';
import { corpusSeeds, describeReport, makeMutants, runFuzz, type FuzzReport, type Mutant } from '../../support/fits-fuzz.ts';
import { corpusDir, corpusPresent } from './corpus.ts';

const MUTANTS = 400;
const SEED = 20261207;
/** A file slower than this (reader + inspect + scan inspection) is a hang: the child is killed. */
const PER_FILE_TIMEOUT_MS = 30_000;
/** Bounded time per file: the slowest file on a 2-core machine takes under a second. */
const MAX_MS_PER_FILE = 10_000;
const MAX_RSS_MB = 1024;

referenceTool(`FITS conformance corpus at ${corpusDir}`, 'shared/fits-corpus, or set ASTROMORPH_FITS_CORPUS', corpusPresent);

describe.skipIf(!corpusPresent)(`fuzz: ${MUTANTS} seeded mutants of the FITS corpus`, () => {
  let dir = '';
  let mutants: Mutant[] = [];
  let report: FuzzReport;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'astromorph-fuzz-'));
    mutants = makeMutants(corpusSeeds(corpusDir), MUTANTS, SEED);
    report = await runFuzz(mutants, dir, { perFileTimeoutMs: PER_FILE_TIMEOUT_MS, workers: 2 });
    for (const line of describeReport(report)) console.log(`fuzz: ${line}`);
  }, 240_000);

  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('mutates in every way it claims, and both reads and refuses files (a harness check)', () => {
    const kinds = ['cards', 'bit flips in headers', 'bit flips in data', 'truncated', 'NUL bytes', 'gzip bomb', 'gzip with a 2048', 'gzip stream'];
    for (const kind of kinds) expect(mutants.filter((m) => m.how.includes(kind)).length, kind).toBeGreaterThan(3);
    // files that were read whole, and files refused: a harness that broke every file would read none
    expect(report.mutants - report.refused).toBeGreaterThan(MUTANTS / 5);
    expect(report.refused).toBeGreaterThan(MUTANTS / 5);
  });

  it('no crash: every reader either reads a file or refuses it with a FitsError naming it', () => {
    expect(report.crashes.map((c) => `${c.reader} ${path.basename(c.file)} (${c.how}): ${c.error.name}: ${c.error.message}`)).toEqual([]);
  });

  it(`no hang: every file is done within ${MAX_MS_PER_FILE / 1000} s`, () => {
    expect(report.hangs.map((h) => `${path.basename(h.file)} (${h.how})`)).toEqual([]);
    expect(report.maxMs, path.basename(report.maxMsFile)).toBeLessThan(MAX_MS_PER_FILE);
  });

  it(`the scan into a real project records every file, failures with the file named, under ${MAX_RSS_MB} MB`, () => {
    expect(report.scan.problems).toEqual([]);
    expect(report.scan.items).toBe(MUTANTS);
    expect(report.scan.peakRssMb).toBeLessThan(MAX_RSS_MB);
  });

  it(`peak memory of the readers stays under ${MAX_RSS_MB} MB`, () => {
    expect(report.peakRssMb, path.basename(report.peakRssFile)).toBeLessThan(MAX_RSS_MB);
  });
});
