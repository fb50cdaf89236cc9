// `astromorph group PROJECT --by RULE`: group items into multi-band objects (one object, several files
// or HDUs at different wavelengths), printing the grouping; --dry-run shows it without storing it.
import { Command } from 'commander';
import type { Grouping } from '../../api/services/project/bands.ts';

interface GroupOpts { by?: string; dryRun?: boolean; json?: boolean }

export const GROUP_RULE_HELP = "'object' (same OBJECT card; band from FILTER, BAND, WAVELEN or WAVELNTH, else the name's suffix), "
  + "'stem' (NAME_BAND.fits: same name before the last _ or -), 'csv:FILE' (rows file,object,band[,hdu]; files relative to the CSV), "
  + "or 'none' (no multi-band objects)";

export function groupCommand(): Command {
  return new Command('group')
    .description('group files taken at different wavelengths into multi-band objects (trained on with their bands as channels)')
    .argument('<project>', 'project file')
    .option('--by <rule>', `the grouping rule: ${GROUP_RULE_HELP}; without it, the stored grouping is printed`)
    .option('--dry-run', 'print the grouping the rule gives without storing it')
    .option('--json', 'print the grouping as JSON: {rule, bands, objects: [{object, bands: [{band, itemId, hdu, path}]}], ungrouped: [{path, reason}], applied, thumbnails, thumbnailFailures}')
    .addHelpText('after', '\nBands become channels in wavelength order (when every band name gives one, e.g. 8um, 250um, 1.1mm; else by name),\n'
      + 'reprojected onto one grid when training (settings band_reproject, band_grid, band_pixel_scale, band_beam).\n\n'
      + 'Examples:\n  astromorph group clouds.amproj --by stem --dry-run\n  astromorph group clouds.amproj --by csv:bands.csv\n  astromorph group clouds.amproj')
    .action(async (projectArg: string, opts: GroupOpts) => {
      const { ProjectSession } = await import('../../api/services/project/project-session.ts');
      const { applyGrouping, groupingTable, previewGrouping, storedGrouping } = await import('../../api/services/project/bands.ts');
      const session = ProjectSession.open(projectArg);
      let result: (Grouping & { applied?: boolean; thumbnails?: number; thumbnailFailures?: { object: string; error: string }[] }) | null;
      try {
        if (opts.by === undefined) result = storedGrouping(session);
        else if (opts.dryRun) result = { ...previewGrouping(session, opts.by), applied: false };
        else result = applyGrouping(session, opts.by, { onProgress: thumbnailProgress() });
      } finally {
        session.close();
      }
      if (opts.json) {
        process.stdout.write(JSON.stringify(result, null, 2) + '\n');
        return;
      }
      process.stdout.write(renderGrouping(result, opts, groupingTable) + '\n');
    });
}

export function renderGrouping(result: (Grouping & { applied?: boolean; thumbnails?: number; thumbnailFailures?: { object: string; error: string }[] }) | null,
  opts: GroupOpts, table: (g: Grouping) => string): string {
  if (result === null) return 'no multi-band objects: every item is an object of its own (group them with --by)';
  const lines = [table(result)];
  if (opts.by !== undefined && opts.dryRun) lines.push('dry run: nothing stored (run again without --dry-run to store this grouping)');
  else if (result.applied) {
    lines.push(result.objects.length > 0
      ? `stored: training uses these ${result.objects.length} objects, bands as channels; ${result.thumbnails ?? 0} RGB thumbnails made`
      : 'stored: no multi-band objects');
    for (const f of result.thumbnailFailures ?? []) lines.push(`  no RGB thumbnail for ${f.object}: ${f.error}`);
  }
  return lines.join('\n');
}

/** A line on stderr every few seconds while the objects' RGB thumbnails are made (each reads every band). */
export function thumbnailProgress(): (done: number, total: number) => void {
  let last = performance.now();
  return (done, total) => {
    const now = performance.now();
    if (now - last < 3000 || done === total) return;
    last = now;
    process.stderr.write(`making RGB thumbnails: ${done}/${total} objects\n`);
  };
}
