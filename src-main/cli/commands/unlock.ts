// `astromorph unlock PROJECT`: remove a lock left by a process that is gone, when a project opens
// read-only for no reason. Refuses while the astromorph process that took the lock still runs.
import { Command } from 'commander';

export function unlockCommand(): Command {
  return new Command('unlock')
    .description("remove a project's lock when the process named in it no longer holds the project (it opens read-only for no reason)")
    .argument('<project>', 'project file')
    .option('--force', 'remove the lock even though the astromorph process that took it is still running')
    .addHelpText('after', '\nA project opens read-only while another astromorph process has it open. If that process crashed, or\n'
      + 'its pid now belongs to another program, unlock removes the lock. With --force it removes the lock of a\n'
      + 'running astromorph too: only for a process that is stuck, since two processes writing one project can\n'
      + "lose each other's work.\n\nExample:\n  astromorph unlock survey.amproj")
    .action(async (projectArg: string, opts: { force?: boolean }) => {
      const { unlockProject } = await import('../../api/services/project/unlock.ts');
      const report = unlockProject(projectArg, { force: opts.force });
      if (report.warning) process.stderr.write(`astromorph: warning: ${report.warning}\n`);
      process.stdout.write(`${report.message}\n`);
    });
}
