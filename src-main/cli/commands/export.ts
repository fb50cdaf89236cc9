// `astromorph export PROJECT embeddings --format csv --out FILE`: a run's embeddings as a table, one
// row per item: its path relative to the project, header metadata, then emb_0 … emb_{D-1}.
import { Argument, Command, Option } from 'commander';
import type { ExportFormat, ExportReport } from '../../api/contract/index.ts';
import { positiveCount } from '../explore-options.ts';

interface ExportOpts {
  format: ExportFormat | 'npy' | 'fits' | 'votable';
  out: string;
  run?: number;
  json?: boolean;
}

export function exportCommand(): Command {
  return new Command('export')
    .description('write a run\'s embeddings with each item\'s path and metadata to a file')
    .argument('<project>', 'project file')
    .addArgument(new Argument('<what>', 'what to export').choices(['embeddings']))
    .addOption(new Option('--format <format>', 'file format: csv; npy (float32 matrix + a .csv of the rows); fits (binary table); votable')
      .choices(['csv', 'npy', 'fits', 'votable']).default('csv'))
    .requiredOption('--out <file>', 'the file to write (replaced if it exists)')
    .option('--run <id>', 'the run whose embeddings to export (default: the latest run with embeddings)', positiveCount)
    .option('--json', 'print the result as JSON: {runId, format, path, rows, dim, seconds}')
    .addHelpText('after', '\nColumns: file, hdu, object, ra, dec, restfrq, bunit, bmaj, bmin, bpa, telescope, instrument, shape, bitpix, emb_0 … emb_{D-1}.\n\n' +
      'Example:\n  astromorph export survey.amproj embeddings --format csv --out embeddings.csv')
    .action(async (projectArg: string, _what: 'embeddings', opts: ExportOpts) => {
      const { ProjectSession } = await import('../../api/services/project/project-session.ts');
      const { exportEmbeddings } = await import('../../api/services/training/embedding.ts');
      const { exportEmbeddingTable } = await import('../../api/services/sharing/table-export.ts');
      const session = ProjectSession.open(projectArg);
      let report: ExportReport;
      try {
        if (opts.format !== 'csv') {
          // .npy, FITS table and VOTable also carry the run's latest map, clusters, outlier scores and tags.
          const table = await exportEmbeddingTable(session.project, opts.format, opts.out, opts.run);
          if (opts.json) process.stdout.write(JSON.stringify(table, null, 2) + '\n');
          else process.stdout.write(`wrote ${table.rows} rows x ${table.dim} dimensions of run ${table.runId} to ${table.paths.join(' and ')}\n`);
          return;
        }
        report = await exportEmbeddings(session, { format: opts.format, out: opts.out, runId: opts.run });
      } finally {
        session.close();
      }
      if (opts.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
      else process.stdout.write(`wrote ${report.rows} rows x ${report.dim} dimensions of run ${report.runId} to ${report.path}\n`);
    });
}
