// `astromorph train PROJECT`: train a BYOL model on the project's items. Settings come from a TOML
// file (unknown keys are an error), flags override it; every epoch's checkpoint goes into the project.
// Ctrl-C stops after the current step, saves a checkpoint there, marks the run cancelled and exits
// 130; `--resume` continues it (or a run whose process was killed) from its latest checkpoint.
import { Command } from 'commander';
import { nonNegativeInteger, positiveCount } from '../explore-options.ts';
import type { TrainingReport } from '../../api/contract/index.ts';
import { EXIT_CANCELLED } from '../exit-codes.ts';
import { stopOnSignals } from '../stop-signals.ts';
import { formatLoss } from '../table.ts';
import { ApiError } from '../../api/contract/errors.ts';

interface TrainOpts {
  config?: string;
  astromorphSettings?: string;
  epochs?: number;
  backend?: string;
  resume?: boolean;
  seed?: number;
  json?: boolean;
  progress: boolean;
}

/** `settingsTable`: every settings key with its default and meaning, for the help (given when help is asked for). */
export function trainCommand(settingsTable?: string): Command {
  return new Command('train')
    .description('train a self-supervised (BYOL) model on the project\'s readable items; checkpoints are kept in the project')
    .argument('<project>', 'project file')
    .option('--config <settings.toml>', 'training settings (TOML; the keys are listed below)')
    .option('--astromorph-settings <file.toml>', "astromorph's (Python) settings file instead: its keys are mapped to ours and listed on stderr (see import-settings)")
    .option('--epochs <n>', 'passes over the data (overrides the settings file)', positiveCount)
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
        'Examples:\n  astromorph train survey.amproj --config settings.toml\n  astromorph train survey.amproj --epochs 5 --backend wasm\n  astromorph train survey.amproj --epochs 5 --backend webgpu\n  astromorph train survey.amproj --resume' +
        (settingsTable ? `\n\nSettings keys (the TOML file's; a key left out takes its default):\n${settingsTable}` : ''),
    )
    .action(async (projectArg: string, opts: TrainOpts) => {
      const { ProjectSession } = await import('../../api/services/project/project-session.ts');
      const { train } = await import('../../api/services/training/training.ts');
      const { trainingProgressDisplay } = await import('../training-progress.ts');
      let given: { settings: Record<string, unknown>; settingsSource: string } | undefined;
      if (opts.astromorphSettings !== undefined) {
        if (opts.config !== undefined) throw new ApiError('bad-argument', 'give either --config or --astromorph-settings, not both');
        const { importAstromorphSettings } = await import('../../api/services/training/astromorph-settings.ts');
        const { astromorphKeysTable } = await import('../astromorph-settings.ts');
        const mapped = importAstromorphSettings(opts.astromorphSettings);
        process.stderr.write(`astromorph settings ${opts.astromorphSettings}, mapped:\n${astromorphKeysTable(mapped.keys)}\n`);
        given = { settings: mapped.given, settingsSource: opts.astromorphSettings };
      }
      const session = ProjectSession.open(projectArg);
      const display = trainingProgressDisplay(process.stderr, opts.progress);
      const stop = stopOnSignals(() => display.message('cancelling: finishing the current step and saving a checkpoint…', true));
      let report: TrainingReport;
      try {
        report = await train(session, {
          settingsFile: opts.config,
          ...given,
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

