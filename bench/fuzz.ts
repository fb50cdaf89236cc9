// Fuzzing figures for the reliability note: seeded mutants of the shared FITS corpus (bit flips, truncations,
// header cards set to huge, negative, fractional or NUL values, repeated or missing END, small gzip bombs)
// fed to the reader, `inspect`, the scan's per-file inspection, and a scan into a real project. Prints the
// crashes (anything but a FitsError naming the file), hangs, the slowest file and the peak RSS.
// Usage: node bench/fuzz.ts [--mutants 400] [--seed 20261207] [--timeout-ms 20000] [--workers 2] [--keep]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { corpusDir, corpusPresent } from '../test/main/fits/corpus.ts';
import { corpusSeeds, describeReport, makeMutants, runFuzz } from '../test/support/fits-fuzz.ts';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
}

if (!corpusPresent) {
  console.error(`no FITS corpus at ${corpusDir} (set ASTROMORPH_FITS_CORPUS)`);
  process.exit(2);
}
const count = option('mutants', 400);
const seed = option('seed', 20261207);
const seeds = corpusSeeds(corpusDir);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'astromorph-fuzz-'));
console.log(`fuzz: ${count} mutants of ${seeds.length} corpus files, seed ${seed}, Node ${process.version}, ${os.cpus().length} CPUs`);
const mutants = makeMutants(seeds, count, seed);
let last = 0;
const report = await runFuzz(mutants, dir, {
  perFileTimeoutMs: option('timeout-ms', 20_000),
  workers: option('workers', 2),
  onProgress: (done, total) => {
    if (done - last >= 100 || done === total) {
      last = done;
      process.stderr.write(`  ${done}/${total} files\n`);
    }
  },
});
for (const line of describeReport(report)) console.log(line);
if (process.argv.includes('--keep')) console.log(`mutants kept in ${dir}`);
else fs.rmSync(dir, { recursive: true, force: true });
process.exitCode = report.crashes.length + report.hangs.length + report.scan.problems.length > 0 ? 1 : 0;
