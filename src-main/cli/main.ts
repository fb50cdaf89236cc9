// `astromorph`: the command line. Commands only parse arguments, call the API and print; every
// failure becomes one line on stderr and a documented exit status (a stack only with ASTROMORPH_DEBUG=1).
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { ApiError } from '../api/contract/errors.ts';
import { FitsError } from '../fits/errors.ts';
import { addCommand } from './commands/add.ts';
import { groupCommand } from './commands/group.ts';
import { initCommand } from './commands/init.ts';
import { inspectCommand } from './commands/inspect.ts';
import { lsCommand } from './commands/ls.ts';
import { serveCommand } from './commands/serve.ts';
import { trainCommand } from './commands/train.ts';
import { embedCommand } from './commands/embed.ts';
import { exportCommand } from './commands/export.ts';
import { clustersCommand } from './commands/clusters.ts';
import { mapCommand } from './commands/map.ts';
import { outliersCommand } from './commands/outliers.ts';
import { similarCommand } from './commands/similar.ts';
import { tagCommand } from './commands/tag.ts';
import { importCommand } from './commands/import.ts';
import { modelCommand } from './commands/model.ts';
import { relocateCommand } from './commands/relocate.ts';
import { unlockCommand } from './commands/unlock.ts';
import { compactCommand } from './commands/compact.ts';
import { importSettingsCommand } from './commands/import-settings.ts';
import { figureCommand } from './commands/figure.ts';
import { evaluateCommand } from './commands/evaluate.ts';
import { mergeCommand } from './commands/merge.ts';
import { slurmCommand } from './commands/slurm.ts';
import { EXIT_CODES_HELP, EXIT_ERROR, EXIT_OK, EXIT_USAGE } from './exit-codes.ts';

// `astromorph ... | head -1`: the reader has gone, so nothing more we print can be read. Exit
// quietly, as a Unix tool killed by SIGPIPE would, instead of dying on an unhandled EPIPE.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(EXIT_OK);
    throw err;
  });
}

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

function buildProgram(settingsTable: string | undefined): Command {
  const program = new Command('astromorph')
    .description('Astromorph: FITS images and cubes into a project, for self-supervised morphology embeddings')
    .version(version, '-V, --version', 'print the version')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', `\n${EXIT_CODES_HELP}\n\nSet ASTROMORPH_DEBUG=1 to see stack traces.`);
  for (const command of [initCommand(), addCommand(), groupCommand(), lsCommand(), inspectCommand(), trainCommand(settingsTable), embedCommand(), exportCommand(), serveCommand(),
    mapCommand(), similarCommand(), clustersCommand(), outliersCommand(), tagCommand(), relocateCommand(), importCommand(), modelCommand(), figureCommand(),
    evaluateCommand(), unlockCommand(), compactCommand(), importSettingsCommand(), mergeCommand(), slurmCommand()]) {
    program.addCommand(command);
  }
  // Commander exits 1 on a usage error by default; throwing instead lets every command, subcommands
  // included, exit 2 as documented.
  const throwInsteadOfExit = (cmd: Command) => {
    cmd.exitOverride();
    cmd.commands.forEach(throwInsteadOfExit);
  };
  throwInsteadOfExit(program);
  return program;
}

function exitStatusFor(err: unknown): number {
  if (err instanceof CommanderError) {
    // Help and --version arrive here too, with exitCode 0; commander has already printed the message.
    return err.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
  }
  const debug = process.env.ASTROMORPH_DEBUG === '1';
  if (debug && err instanceof Error) process.stderr.write(`${err.stack}\n`);
  if (err instanceof ApiError) {
    process.stderr.write(`astromorph: ${err.message}\n`);
    return err.code === 'bad-argument' ? EXIT_USAGE : EXIT_ERROR;
  }
  if (err instanceof FitsError) {
    process.stderr.write(`astromorph: ${err.message}\n`);
    return EXIT_ERROR;
  }
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`astromorph: ${message.split('\n')[0]}\n`);
  return EXIT_ERROR;
}

async function main(argv: string[]): Promise<number> {
  // `train --help` lists every settings key from the schema: loaded only when help is asked for.
  const helpAsked = argv.slice(2).some((a) => a === '--help' || a === '-h' || a === 'help');
  const settingsTable = helpAsked ? (await import('../api/services/training/training.ts')).settingsTable() : undefined;
  const program = buildProgram(settingsTable);
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT_OK;
  } catch (err) {
    return exitStatusFor(err);
  }
}

// process.exit, not a natural exit: a stray handle (a worker that failed to stop) must not hang a
// script. Flush first: writes to pipes are asynchronous on macOS, and a long --json must arrive whole.
const status = await main(process.argv);
await Promise.all([process.stdout, process.stderr].map((s) => new Promise((done) => s.write('', done))));
process.exit(status);
