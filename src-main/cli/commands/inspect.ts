// `astromorph inspect FILE`: every HDU with its structure and pixel statistics, then verify issues.
import { Command } from 'commander';
import type { FileInspection } from '../../api/contract/index.ts';
import { formatNumber, formatShape, formatTable } from '../table.ts';
import { EXIT_ERROR } from '../exit-codes.ts';

export function inspectCommand(): Command {
  return new Command('inspect')
    .description('show every HDU of a FITS file (like fitsinfo) with finite/NaN counts, min, max and mean of the data, and any verify issues')
    .argument('<file>', 'FITS file (.fits, .fit, .fts, optionally .gz; tile-compressed .fz too)')
    .option('--json', 'print {path, hdus: [{index, name, kind, bitpix, shape, compressed, stats: {finite, nan, infinite, min, max, mean}, error}], issues: [{code, hdu, keyword, fixable, message}]}')
    .addHelpText('after', '\nExamples:\n  astromorph inspect cube.fits\n  astromorph inspect image.fits.gz --json')
    .action(async (file: string, opts: { json?: boolean }) => {
      const { inspectFile } = await import('../../api/services/project/inspect.ts');
      const report = inspectFile(file);
      process.stdout.write((opts.json ? JSON.stringify(report, null, 2) : renderInspection(report)) + '\n');
      // A damaged HDU inside an otherwise readable file still makes the file unreadable as a whole.
      const damaged = report.hdus.filter((h) => h.error !== null);
      for (const hdu of damaged) process.stderr.write(`astromorph: ${hdu.error}\n`);
      if (damaged.length > 0) process.exitCode = EXIT_ERROR;
    });
}

function renderInspection(report: FileInspection): string {
  const table = formatTable(
    [
      { title: 'No.', align: 'right' },
      { title: 'Name' },
      { title: 'Kind' },
      { title: 'BITPIX', align: 'right' },
      { title: 'Shape' },
      { title: 'Finite', align: 'right' },
      { title: 'NaN', align: 'right' },
      { title: 'Min', align: 'right' },
      { title: 'Max', align: 'right' },
      { title: 'Mean', align: 'right' },
    ],
    report.hdus.map((h) => [
      String(h.index),
      h.name,
      h.kind + (h.compressed ? ' (tile-compressed)' : ''),
      h.bitpix === null ? '-' : String(h.bitpix),
      formatShape(h.shape),
      h.stats ? String(h.stats.finite) : '-',
      h.stats ? String(h.stats.nan) : '-',
      formatNumber(h.stats?.min ?? null),
      formatNumber(h.stats?.max ?? null),
      formatNumber(h.stats?.mean ?? null),
    ]),
  );
  const lines = [`Filename: ${report.path}`, table];
  const infinite = report.hdus.filter((h) => h.stats && h.stats.infinite > 0);
  for (const h of infinite) lines.push(`HDU ${h.index}: ${h.stats!.infinite} infinite values (not in min/max/mean)`);
  if (report.issues.length === 0) lines.push('No verify issues.');
  else {
    lines.push(`Verify issues (${report.issues.length}):`);
    for (const issue of report.issues) {
      lines.push(`  HDU ${issue.hdu}${issue.keyword ? ` ${issue.keyword}` : ''}: ${issue.message}${issue.fixable ? ' (fixable)' : ''}`);
    }
  }
  return lines.join('\n');
}
