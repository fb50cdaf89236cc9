// `astromorph relocate PROJECT DIR`: find the project's data files under DIR by content hash (after
// the project moved to another machine or the data to another disk) and say which are still missing.
import { Command } from 'commander';

export function relocateCommand(): Command {
  return new Command('relocate')
    .description('find moved or renamed data files under a folder by their content and point the project at them')
    .argument('<project>', 'project file')
    .argument('<dir>', 'folder to search (recursively; symbolic links are not followed)')
    .option('--json', 'print the result as JSON: {found: [{id, from, to}], missing, present, filesSeen, filesHashed}')
    .addHelpText('after', '\nExample:\n  astromorph relocate survey.amproj /data/alma   # after copying survey.amproj from a colleague')
    .action(async (projectArg: string, dir: string, opts: { json?: boolean }) => {
      const { openForWriting, relocateData } = await import('../../api/services/sharing/sharing.ts');
      const project = openForWriting(projectArg, 'relocate its data');
      let report;
      try {
        report = relocateData(project, dir);
      } finally {
        project.close();
      }
      if (opts.json) {
        process.stdout.write(JSON.stringify(report, null, 2) + '\n');
        return;
      }
      for (const f of report.found) process.stdout.write(`found    ${f.from} -> ${f.to}\n`);
      for (const m of report.missing) process.stdout.write(`missing  ${m}\n`);
      process.stdout.write(`${report.found.length} found, ${report.present} already in place, ${report.missing.length} still missing `
        + `(${report.filesSeen} FITS files under ${dir}, ${report.filesHashed} hashed)\n`);
    });
}
