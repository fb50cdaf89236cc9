// `astromorph model export|import`: the trained encoder as TensorFlow.js files (model.json +
// weights.bin in a folder), so a collaborator can embed new data with the same network.
import { Command } from 'commander';
import { positiveCount } from '../explore-options.ts';

export function modelCommand(): Command {
  const model = new Command('model').description('export or import the trained encoder as tfjs-format files (model.json + weights.bin)');
  model.command('export')
    .description('write a run\'s latest encoder weights to a folder')
    .argument('<project>', 'project file')
    .argument('<dir>', 'folder to write model.json and weights.bin into (created; existing files are not overwritten)')
    .option('--run <id>', 'the run to export (default: the latest run with a checkpoint)', positiveCount)
    .action(async (projectArg: string, dir: string, opts: { run?: number }) => {
      const { exportModel } = await import('../../api/services/sharing/sharing.ts');
      const { ProjectSession } = await import('../../api/services/project/project-session.ts');
      const session = ProjectSession.open(projectArg);
      let out;
      try {
        out = exportModel(session.project, dir, opts.run);
      } finally {
        session.close();
      }
      process.stdout.write(`wrote the encoder of run ${out.runId} to ${out.modelJson} and ${out.weights}\n`);
    });
  model.command('import')
    .description('store a model folder as a new run, ready for astromorph embed --run')
    .argument('<project>', 'project file')
    .argument('<dir>', 'folder holding model.json and weights.bin (or the model.json itself)')
    .action(async (projectArg: string, dir: string) => {
      const { importModel, openForWriting } = await import('../../api/services/sharing/sharing.ts');
      const project = openForWriting(projectArg, 'import a model');
      let out;
      try {
        out = importModel(project, dir);
      } finally {
        project.close();
      }
      process.stdout.write(`imported the model as run ${out.runId}; embed with: astromorph embed ${projectArg} --run ${out.runId}\n`);
    });
  return model;
}
