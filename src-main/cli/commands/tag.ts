// `astromorph tag PROJECT ITEM TAG...`: free-text tags on an item (--remove takes them off). With
// only an item it lists the item's tags; with neither, every tag and how many items carry it.
import { Command } from 'commander';
import { displayPath } from '../explore-options.ts';
import { formatTable } from '../table.ts';

interface TagOpts {
  remove?: boolean;
  json?: boolean;
}

export function tagCommand(): Command {
  return new Command('tag')
    .description('tag an item (free text: merger, artefact, …); tags colour maps and narrow searches (similar --tag)')
    .argument('<project>', 'project file')
    .argument('[item]', 'an item: its path as ls shows it, its path in the project, or its id')
    .argument('[tags...]', 'tags to add (or remove with --remove)')
    .option('--remove', 'remove the tags instead of adding them')
    .option('--json', 'print JSON: {itemId, path, tags} for an item, [{tag, count}] for the project')
    .addHelpText('after', '\nExamples:\n  astromorph tag survey.amproj data/disk_0001.fits spiral "two arms"\n' +
      '  astromorph tag survey.amproj data/disk_0001.fits spiral --remove\n  astromorph tag survey.amproj          # every tag with its count')
    .action(async (projectArg: string, item: string | undefined, tags: string[], opts: TagOpts) => {
      const { ProjectSession } = await import('../../api/services/project/project-session.ts');
      const { addTags, itemTags, listTags, removeTags } = await import('../../api/services/project/tags.ts');
      const session = ProjectSession.open(projectArg);
      try {
        if (item === undefined) {
          const counts = listTags(session);
          if (opts.json) process.stdout.write(JSON.stringify(counts, null, 2) + '\n');
          else process.stdout.write((counts.length === 0 ? 'no tags yet' : formatTable([{ title: 'TAG' }, { title: 'ITEMS', align: 'right' }],
            counts.map((c) => [c.tag, String(c.count)]))) + '\n');
          return;
        }
        const result = tags.length === 0 ? itemTags(session, item) : opts.remove ? removeTags(session, item, tags) : addTags(session, item, tags);
        if (opts.json) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
        else process.stdout.write(`${displayPath(result.path)}: ${result.tags.length === 0 ? 'no tags' : result.tags.join(', ')}\n`);
      } finally {
        session.close();
      }
    });
}
