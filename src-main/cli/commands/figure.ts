// `astromorph figure PROJECT map|gallery|loss|sheet --format pdf|svg|png --out FILE`: publication
// figures at journal column widths. Options not given are taken from the project, where each figure's
// settings are stored, so running the same command again reproduces the same figure.
import { Argument, Command, InvalidArgumentError, Option } from 'commander';
import { integerIn } from '../../base/numbers.ts';
import { FIGURE_KINDS } from '../../api/contract/reports.ts';
import type { FigureKind, FigureSettingsInput } from '../../api/services/sharing/figures.ts';
import type { Colormap } from '../../api/contract/display.ts';

// Spelled out (the colormap tables load d3, which the CLI's start need not); `satisfies` keeps it honest.
const IMAGE_COLORMAPS = ['gray', 'viridis', 'magma', 'inferno', 'plasma', 'cividis', 'cubehelix', 'heat', 'cool', 'b', 'bb', 'he'] as const satisfies readonly Colormap[];

function integer(v: string): number {
  const n = integerIn(v, 0, Number.MAX_SAFE_INTEGER);
  if (n === null) throw new InvalidArgumentError('expected a whole number');
  return n;
}

function widthValue(v: string): 'single' | 'double' | number {
  if (v === 'single' || v === 'double') return v;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 1 || n > 20) throw new InvalidArgumentError('expected single, double or inches from 1 to 20');
  return n;
}

interface FigureOpts {
  format?: 'pdf' | 'svg' | 'png';
  out: string;
  dpi?: number;
  width?: 'single' | 'double' | number;
  run?: number;
  method?: 'pca' | 'tsne' | 'umap';
  colorBy?: 'cluster' | 'tag' | 'outlier' | 'none';
  colormap?: 'viridis' | 'cividis';
  thumbnails?: number;
  query?: string;
  k?: number;
  limit?: number;
  stretch?: 'linear' | 'sqrt' | 'log' | 'asinh';
  imageColormap?: Colormap;
  limits?: 'percentile' | 'zscale' | 'minmax';
  json?: boolean;
}

export function figureCommand(): Command {
  return new Command('figure')
    .description('export a publication figure (embedding map, similarity gallery, loss curve, contact sheet) as PDF, SVG or PNG')
    .argument('<project>', 'project file')
    .addArgument(new Argument('<kind>', 'which figure').choices([...FIGURE_KINDS]))
    .requiredOption('--out <file>', 'the file to write (replaced if it exists)')
    .addOption(new Option('--format <format>', 'file format (default: pdf, or as stored)').choices(['pdf', 'svg', 'png']))
    .option('--dpi <dpi>', 'PNG resolution in dots per inch (default 300)', integer)
    .option('--width <width>', 'single (3.35 in), double (7.0 in) or inches (default single)', widthValue)
    .option('--run <id>', 'embedding run (map, gallery) or training run (loss); default the latest', integer)
    .addOption(new Option('--method <method>', 'map: which stored map (default the latest)').choices(['pca', 'tsne', 'umap']))
    .addOption(new Option('--color-by <what>', 'map: colour points by cluster, tag or outlier score').choices(['cluster', 'tag', 'outlier', 'none']))
    .addOption(new Option('--colormap <name>', 'map: colour scale for outlier scores').choices(['viridis', 'cividis']))
    .option('--thumbnails <n>', 'map: show up to n thumbnails at well-separated points (0 = none; default 20 when nothing colours the points, else 0)', integer)
    .option('--query <item>', 'gallery: the query item (path or id)')
    .option('--k <n>', 'gallery: number of neighbours', integer)
    .option('--limit <n>', 'sheet: number of items', integer)
    .addOption(new Option('--stretch <stretch>', 'thumbnail stretch').choices(['linear', 'sqrt', 'log', 'asinh']))
    .addOption(new Option('--image-colormap <name>', 'thumbnail colormap').choices([...IMAGE_COLORMAPS]))
    .addOption(new Option('--limits <limits>', 'thumbnail display limits').choices(['percentile', 'zscale', 'minmax']))
    .option('--json', 'print the result as JSON: {kind, path, format, widthInches, heightInches, pixels, settings, settingsStored}')
    .addHelpText('after', '\nExamples:\n  astromorph figure survey.amproj map --format pdf --out map.pdf --width double --thumbnails 30\n'
      + '  astromorph figure survey.amproj loss --format png --dpi 600 --out loss.png\n'
      + '  astromorph figure survey.amproj map --out map2.pdf      # same settings as last time')
    .action(async (projectArg: string, kind: FigureKind, opts: FigureOpts) => {
      const { exportFigure } = await import('../../api/services/sharing/figures.ts');
      const { ProjectSession } = await import('../../api/services/project/project-session.ts');
      // Under the lock: while another process has the project open, the figure is still made, but its
      // settings are not stored (the project is read-only here).
      const session = ProjectSession.open(projectArg, { lock: true });
      const changes: FigureSettingsInput = {
        format: opts.format, dpi: opts.dpi, width: opts.width, run: opts.run, method: opts.method, colourBy: opts.colorBy,
        colormap: opts.colormap, thumbnails: opts.thumbnails, query: opts.query, k: opts.k, limit: opts.limit,
        stretch: opts.stretch, imageColormap: opts.imageColormap, limits: opts.limits,
      };
      let report;
      try {
        report = await exportFigure(session, kind, opts.out, changes);
      } finally {
        session.close();
      }
      for (const note of report.ignoredStoredSettings) process.stderr.write(`astromorph: ignored stored figure settings: ${note}\n`);
      if (opts.json) {
        process.stdout.write(JSON.stringify(report, null, 2) + '\n');
        return;
      }
      const size = report.pixels ? `${report.pixels.width} x ${report.pixels.height} px` : `${report.widthInches.toFixed(2)} x ${report.heightInches.toFixed(2)} in`;
      process.stdout.write(`wrote ${report.kind} figure (${size}) to ${report.path}\n`);
      if (!report.settingsStored) process.stdout.write('the project is open in another process (read-only here): these figure settings were not stored\n');
    });
}
