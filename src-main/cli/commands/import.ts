// `astromorph import PROJECT FILE`: embeddings computed elsewhere (CSV with a file column, or .npy with
// a CSV beside it) become a new run that map, similar, clusters and outliers can use.
import { Command } from 'commander';

export function importCommand(): Command {
  return new Command('import')
    .description('import embeddings computed elsewhere as a new run (CSV with a file column, or .npy + CSV)')
    .argument('<project>', 'project file')
    .argument('<file>', "a .csv with file and emb_0 … columns (or astromorph's export: ';'-separated, filename and emb_dim_0 …), "
      + 'or an (N, D) .npy with a same-named .csv naming its rows')
    .option('--files <csv>', 'for a .npy: the CSV whose file column names its rows (default: the .npy name with .csv)')
    .option('--json', 'print the result as JSON: {runId, source, rows, imported, dim, unmatched, clusters}')
    .addHelpText('after', '\nRows are matched to items by the path stored in the project, the path relative to the table, '
      + 'or a file name only one item has. astromorph\'s cluster column, when present, is kept as a clustering of the run.'
      + '\n\nExamples:\n  astromorph import survey.amproj theirs.csv\n  astromorph import survey.amproj exported/improved_net_e_10_20250101_1200.csv   # astromorph (Python)\n  astromorph import survey.amproj emb.npy --files emb_meta.csv')
    .action(async (projectArg: string, file: string, opts: { files?: string; json?: boolean }) => {
      const { importEmbeddings, openForWriting } = await import('../../api/services/sharing/sharing.ts');
      const project = openForWriting(projectArg, 'import embeddings');
      let report;
      try {
        report = importEmbeddings(project, file, { filesCsv: opts.files });
      } finally {
        project.close();
      }
      if (opts.json) {
        process.stdout.write(JSON.stringify(report, null, 2) + '\n');
        return;
      }
      process.stdout.write(`imported ${report.imported} of ${report.rows} rows (${report.dim} dimensions) as run ${report.runId}`
        + `${report.clusters === null ? '' : `, with its ${report.clusters} cluster${report.clusters === 1 ? '' : 's'}`}\n`);
      if (report.unmatched.length > 0) {
        process.stdout.write(`${report.unmatched.length} rows name no item of the project: ${report.unmatched.slice(0, 5).join(', ')}${report.unmatched.length > 5 ? ', …' : ''}\n`);
      }
    });
}
