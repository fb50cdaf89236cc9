// `astromorph compact PROJECT`: a project file worth sharing. Finished runs keep only the encoder they
// embed with; resumable runs keep their training state unless --drop-resumable; then VACUUM.
import { basename } from 'node:path';
import { Command } from 'commander';
import { storageLine } from '../storage.ts';
import { formatBytes } from '../table.ts';

export function compactCommand(): Command {
  return new Command('compact')
    .description('shrink the project file: finished runs keep only their encoder, free pages are given back (VACUUM)')
    .argument('<project>', 'project file')
    .option('--drop-resumable', 'also drop the training state of cancelled, failed or paused runs: they still embed, but can no longer resume')
    .option('--json', 'print the result as JSON: {compacted, keptResumable, before, after}')
    .addHelpText('after', '\nExamples:\n  astromorph compact survey.amproj                    # before mailing it to a colleague\n'
      + '  astromorph compact survey.amproj --drop-resumable   # unfinished runs too (they embed, but cannot resume)')
    .action(async (projectArg: string, opts: { dropResumable?: boolean; json?: boolean }) => {
      const { openForWriting } = await import('../../api/services/sharing/sharing.ts');
      const { compactProject } = await import('../../api/services/project/compact.ts');
      const project = openForWriting(projectArg, 'compact it');
      let report;
      try {
        report = compactProject(project, { dropResumable: opts.dropResumable === true });
      } finally {
        project.close();
      }
      if (opts.json) {
        process.stdout.write(JSON.stringify(report, null, 2) + '\n');
        return;
      }
      const name = basename(project.path);
      process.stdout.write(`before  ${storageLine(name, report.before)}\n`);
      process.stdout.write(`after   ${storageLine(name, report.after)}\n`);
      if (report.compacted.length > 0) process.stdout.write(`run${report.compacted.length > 1 ? 's' : ''} ${report.compacted.join(', ')}: kept the encoder only\n`);
      if (report.keptResumable.length > 0) {
        process.stdout.write(`run${report.keptResumable.length > 1 ? 's' : ''} ${report.keptResumable.join(', ')} can still resume and kept `
          + `${formatBytes(report.after.trainingStateBytes)} of training state (--drop-resumable drops it)\n`);
      }
      process.stdout.write(`${formatBytes(report.before.fileBytes)} -> ${formatBytes(report.after.fileBytes)}\n`);
    });
}
