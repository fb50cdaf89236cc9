// `astromorph ls PROJECT`: the project's dataset items as a table or as JSON.
import { relative } from 'node:path';
import { Command, Option } from 'commander';
import type { ItemRow, ItemStatus } from '../../api/contract/index.ts';
import { formatShape, formatTable } from '../table.ts';
import { reasonWithoutPath } from '../reason.ts';

export const LS_JSON_KEYS = ['path', 'hdu', 'status', 'shape', 'bitpix', 'object', 'error'] as const;

export function lsCommand(): Command {
  return new Command('ls')
    .description('list the files in a project with their status, shape and errors')
    .argument('<project>', 'project file')
    .addOption(new Option('--status <status>', 'only items with this status').choices(['ok', 'failed', 'missing']))
    .option('--json', `print a JSON array of objects with keys ${LS_JSON_KEYS.join(', ')}`)
    .addHelpText('after', '\nExamples:\n  astromorph ls survey.amproj\n  astromorph ls survey.amproj --status failed --json')
    .action(async (projectArg: string, opts: { status?: ItemStatus; json?: boolean }) => {
      const { ProjectSession } = await import('../../api/services/project/project-session.ts');
      const session = ProjectSession.open(projectArg);
      let rows: ItemRow[];
      try {
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
    });
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
