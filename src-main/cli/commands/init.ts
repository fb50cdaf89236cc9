// `astromorph init PROJECT`: a new, empty project file.
import { Command } from 'commander';

export function initCommand(): Command {
  return new Command('init')
    .description('create a new project file (PROJECT.amproj when PROJECT has no extension); never overwrites')
    .argument('<project>', 'project file to create')
    .addHelpText('after', '\nExample:\n  astromorph init survey        # creates ./survey.amproj')
    .action(async (projectArg: string) => {
      const { ProjectSession } = await import('../../api/services/project/project-session.ts');
      const session = ProjectSession.create(projectArg);
      session.close();
      process.stdout.write(`created ${session.path}\n`);
    });
}
