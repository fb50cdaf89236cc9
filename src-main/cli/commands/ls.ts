// `astromorph ls PROJECT`: the project's dataset items as a table or as JSON.
import { basename, relative } from 'node:path';
import { Command, Option } from 'commander';
import type { ItemRow, ItemStatus, ProjectStorageView } from '../../api/contract/index.ts';
import { formatBytes, formatShape, formatTable } from '../table.ts';
import { reasonWithoutPath } from '../reason.ts';
import { compactHint, storageLine } from '../storage.ts';

export const LS_JSON_KEYS = ['path', 'hdu', 'status', 'shape', 'bitpix', 'object', 'error'] as const;

export function lsCommand(): Command {
  return new Command('ls')
    .description('list the files in a project with their status, shape and errors')
    .argument('<project>', 'project file')
    .addOption(new Option('--status <status>', 'only items with this status').choices(['ok', 'failed', 'missing']))
    .option('--json', `print a JSON array of objects with keys ${LS_JSON_KEYS.join(', ')}`)
    .option('--storage', 'print only the project file\'s size and what takes it (with --json: {fileBytes, freeBytes, tables, trainingStateBytes, …})')
    .addHelpText('after', '\nExamples:\n  astromorph ls survey.amproj\n  astromorph ls survey.amproj --status failed --json\n  astromorph ls survey.amproj --storage')
    .action(async (projectArg: string, opts: { status?: ItemStatus; json?: boolean; storage?: boolean }) => {
      const { ProjectSession } = await import('../../api/services/project/project-session.ts');
      const session = ProjectSession.open(projectArg);
      let rows: ItemRow[] = [];
      let storage: ProjectStorageView | null = null;
      try {
        if (opts.storage || !opts.json) storage = session.storage();
        if (opts.storage) {
          process.stdout.write(opts.json ? JSON.stringify(storage, null, 2) + '\n' : renderStorage(session.path, storage!) + '\n');
          return;
        }
        // A damaged row is named on stderr and left out; the listing of everything else goes on.
        rows = session.listItems({ status: opts.status }, (d) => {
          process.stderr.write(`astromorph: warning: ${d.problem}${d.path === null ? '' : ` (item ${d.path})`}; row skipped\n`);
        });
      } finally {
        session.close();
      }
      if (opts.json) {
        process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
        return;
      }
      process.stdout.write(renderItems(rows) + '\n');
      process.stdout.write(storageLine(basename(session.path), storage!) + '\n');
      const hint = compactHint(session.path, storage!);
      if (hint) process.stdout.write(hint + '\n');
    });
}

function renderStorage(path: string, s: ProjectStorageView): string {
  const table = formatTable([{ title: 'TABLE' }, { title: 'BYTES', align: 'right' }, { title: 'SIZE', align: 'right' }],
    [...s.tables.map((t) => [t.table, String(t.bytes), formatBytes(t.bytes)]), ['(free pages)', String(s.freeBytes), formatBytes(s.freeBytes)]]);
  const resumable = s.resumableRuns.length > 0 ? `, resumable: ${s.resumableRuns.join(', ')}` : '';
  const runs = s.trainingStateRuns.length > 0 ? ` (run${s.trainingStateRuns.length > 1 ? 's' : ''} ${s.trainingStateRuns.join(', ')}${resumable})` : '';
  const lines = [table, `checkpoints: training state ${formatBytes(s.trainingStateBytes)}${runs}, encoder weights ${formatBytes(s.encoderWeightsBytes)}`,
    storageLine(basename(path), s)];
  const hint = compactHint(path, s);
  if (hint) lines.push(hint);
  return lines.join('\n');
}

function renderItems(rows: ItemRow[]): string {
  const table = formatTable(
    [
      { title: 'PATH' },
      { title: 'STATUS' },
      { title: 'SHAPE' },
      { title: 'BITPIX', align: 'right' },
      { title: 'OBJECT' },
      { title: 'ERROR' },
    ],
    rows.map((r) => [
      displayPath(r.path) + (r.hdu !== null && r.hdu > 0 ? `[${r.hdu}]` : ''),
      r.status,
      formatShape(r.shape),
      r.bitpix === null ? '-' : String(r.bitpix),
      r.object ?? '',
      r.error === null ? '' : reasonWithoutPath(r.error, r.path),
    ]),
  );
  const count = (s: ItemStatus) => rows.filter((r) => r.status === s).length;
  return `${table}\n${rows.length} items: ${count('ok')} ok, ${count('failed')} failed, ${count('missing')} missing`;
}

/** Shorter paths under the working directory; absolute elsewhere (the JSON always has the stored path). */
function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.startsWith('..') || rel === '' ? path : rel;
}
