// `astromorph train PROJECT`: train a BYOL model on the project's items. Settings come from a TOML
// file (unknown keys are an error), flags override it; every epoch's checkpoint goes into the project.
// Ctrl-C stops after the current step, saves a checkpoint there, marks the run cancelled and exits
// 130; `--resume` continues it (or a run whose process was killed) from its latest checkpoint.
import { Command, InvalidArgumentError } from 'commander';
import { ProjectSession, train } from '../../api/index.ts';
import type { TrainingReport } from '../../api/index.ts';
import { trainingProgressDisplay, formatLoss } from '../training-progress.ts';
import { EXIT_CANCELLED } from '../exit-codes.ts';
import { stopOnSignals } from '../stop-signals.ts';

interface TrainOpts {
  config?: string;
  epochs?: number;
  backend?: string;
  resume?: boolean;
  seed?: number;
  json?: boolean;
  progress: boolean;
}

export function trainCommand(): Command {
  return new Command('train')
    .description('train a self-supervised (BYOL) model on the project\'s readable items; checkpoints are kept in the project')
    .argument('<project>', 'project file')
    .option('--config <settings.toml>', 'training settings (TOML; see README for the keys)')
    .option('--epochs <n>', 'passes over the data (overrides the settings file)', positiveInteger)
    .option('--backend <name>', 'tfjs backend: auto, tensorflow, webgpu, wasm or cpu (overrides the settings file); auto takes webgpu only on a real GPU, --backend webgpu also a software adapter')
    .option('--seed <n>', 'random seed for weights, augmentations and batch order', nonNegativeInteger)
    .option('--resume', 'continue the latest unfinished run (cancelled, failed, or killed) from its latest checkpoint')
    .option('--json', 'print the result as JSON: {runId, status, resumed, backend, epochsDone, stepsDone, epochLosses, checkpointId, skipped, seconds}; backend names the GPU adapter on webgpu')
    .option('--no-progress', 'no progress bar or periodic lines on stderr (epoch lines are still printed)')
    .addHelpText(
      'after',
      '\nProgress goes to stderr. Ctrl-C stops after the current step and saves a checkpoint (exit 130);\n' +
        '`astromorph train PROJECT --resume` continues from there.\n\n' +
        'The backend is printed first (on webgpu with its adapter, e.g. "webgpu (nvidia hopper: …)") and recorded in the run.\n\n' +
        'Examples:\n  astromorph train survey.amproj --config settings.toml\n  astromorph train survey.amproj --epochs 5 --backend wasm\n  astromorph train survey.amproj --epochs 5 --backend webgpu\n  astromorph train survey.amproj --resume',
    )
    .action(async (projectArg: string, opts: TrainOpts) => {
      const session = ProjectSession.open(projectArg);
      const display = trainingProgressDisplay(process.stderr, opts.progress);
      const stop = stopOnSignals(() => display.message('cancelling: finishing the current step and saving a checkpoint…', true));
      let report: TrainingReport;
      try {
        report = await train(session, {
          settingsFile: opts.config,
          epochs: opts.epochs,
          backend: opts.backend,
          seed: opts.seed,
          resume: opts.resume,
          signal: stop.signal,
          onStart: (s) => display.start(s),
          onProgress: (p) => display.update(p),
          onEpoch: (e) => display.epoch(e),
          onWarning: (m) => display.message(m),
        });
      } finally {
        display.stop();
        session.close();
        stop.dispose();
      }
      if (opts.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
      else process.stdout.write(renderReport(report, session.path) + '\n');
      if (report.status === 'cancelled') process.exitCode = EXIT_CANCELLED;
    });
}

function renderReport(r: TrainingReport, projectPath: string): string {
  const losses = r.epochLosses.length > 0 ? `; mean loss per epoch ${r.epochLosses.map(formatLoss).join(', ')}` : '';
  if (r.status === 'cancelled') {
    return `cancelled run ${r.runId} after ${r.seconds.toFixed(1)} s at epoch ${r.epochsDone}, step ${r.stepsDone}${losses}\n` +
      `continue it with: astromorph train ${projectPath} --resume`;
  }
  return `run ${r.runId} finished ${r.epochsDone} epochs (${r.stepsDone} steps) on ${r.backend} in ${r.seconds.toFixed(1)} s${losses}\n` +
    `embed the items with: astromorph embed ${projectPath} --run ${r.runId}`;
}

export function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer.');
  return n;
}

function nonNegativeInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new InvalidArgumentError('expected an integer from 0 to 4294967295.');
  return n;
}
