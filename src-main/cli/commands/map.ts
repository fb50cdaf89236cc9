// `astromorph map PROJECT --method pca|tsne|umap`: a 2-D map of a run's embeddings, stored in the
// project with its parameters and reused until --recompute. PCA prints its explained variance and
// what PC1 and PC2 follow; every map prints a small character plot of its points.
import { Command, Option } from 'commander';
import type { EmbeddingMapView, MapRequest, PcaAxisView } from '../../api/contract/index.ts';
import { displayPath, finiteNumber, formatValue, positiveCount, integerValue } from '../explore-options.ts';
import { formatTable } from '../table.ts';

/** The request's own fields under their API names, except --run (runId). */
type MapOpts = Omit<MapRequest, 'runId'> & {
  run?: number;
  json?: boolean;
  progress: boolean;
};

export const MAP_JSON_KEYS = ['id', 'runId', 'method', 'params', 'createdAt', 'reused', 'stored', 'items', 'explainedVariance', 'info', 'points', 'coverage', 'axes'] as const;

export function mapCommand(): Command {
  return new Command('map')
    .description('map a run\'s embeddings to 2-D with PCA, t-SNE or UMAP; the map is stored and reused until --recompute')
    .argument('<project>', 'project file')
    .addOption(new Option('--method <method>', 'pca, tsne or umap').choices(['pca', 'tsne', 'umap']).makeOptionMandatory())
    .option('--run <id>', 'embedding run (default: the latest run with embeddings)', positiveCount)
    .option('--recompute', 'compute a new map even if one with these parameters is stored')
    .option('--components <n>', 'PCA: components kept for inspection (default min(dim, 10))', positiveCount)
    .option('--perplexity <x>', 't-SNE perplexity (default 30, less for small runs)', finiteNumber)
    .option('--iterations <n>', 't-SNE iterations (default 750)', positiveCount)
    .option('--neighbors <n>', 'UMAP neighbourhood size (default 15)', positiveCount)
    .option('--min-dist <x>', 'UMAP minimum distance (default 0.1)', finiteNumber)
    .option('--epochs <n>', 'UMAP epochs (default: umap-js\'s choice)', positiveCount)
    .option('--seed <n>', 't-SNE/UMAP seed (default 1)', integerValue)
    .addOption(new Option('--metric <metric>', 't-SNE/UMAP neighbourhoods (default cosine)').choices(['cosine', 'euclidean']))
    .option('--json', `print a JSON object with keys ${MAP_JSON_KEYS.join(', ')}`)
    .option('--no-progress', 'no progress output on stderr')
    .addHelpText('after', '\nCtrl-C stops a t-SNE or UMAP map at once; nothing is stored (exit 130).\n\n' +
      'Examples:\n  astromorph map survey.amproj --method pca\n  astromorph map survey.amproj --method tsne --perplexity 50 --json > map.json')
    .action(async (projectArg: string, opts: MapOpts) => {
      const { computeMap, pcaAxis } = await import('../../api/services/exploration/maps.ts');
      const { runAnalysisCommand } = await import('../analysis-run.ts');
      await runAnalysisCommand(projectArg, opts, async (session, control) => {
        const view = await computeMap(session, {
          method: opts.method, runId: opts.run, recompute: opts.recompute, components: opts.components, perplexity: opts.perplexity,
          iterations: opts.iterations, neighbors: opts.neighbors, minDist: opts.minDist, epochs: opts.epochs, seed: opts.seed, metric: opts.metric,
        }, control);
        return { ...view, axes: view.method === 'pca' ? [1, 2].map((c) => pcaAxis(session, view.id, c, 3)) : null };
      }, (view) => renderMap(view, view.axes));
    });
}

function renderMap(view: EmbeddingMapView, axes: PcaAxisView[] | null): string {
  const params = Object.entries(view.params).map(([k, v]) => `${k}=${v}`).join(', ');
  const when = new Date(view.createdAt).toISOString().replace('T', ' ').slice(0, 19);
  const lines = [`${view.method.toUpperCase()} map ${view.id} of run ${view.runId}: ${view.items} items (${params}); ` +
    `${view.reused ? `stored ${when} UTC, reused (--recompute for a new one)` : view.stored ? 'computed and stored' : 'computed, not stored (the project is open in another process)'}`];
  if (view.explainedVariance) {
    lines.push('', formatTable([{ title: 'COMPONENT' }, { title: 'VARIANCE', align: 'right' }, { title: 'SHARE', align: 'right' }, { title: 'CUMULATIVE', align: 'right' }],
      view.explainedVariance.map((c, i, all) => [`PC${c.component}`, formatValue(c.variance), `${(100 * c.ratio).toFixed(1)}%`,
        `${(100 * all.slice(0, i + 1).reduce((s, x) => s + x.ratio, 0)).toFixed(1)}%`])));
  }
  for (const axis of axes ?? []) {
    lines.push('', `PC${axis.component} (${(100 * axis.ratio).toFixed(1)}% of the variance)`);
    lines.push(`  lowest:  ${axis.lowest.map((a) => displayPath(a.path)).join(', ')}`);
    lines.push(`  highest: ${axis.highest.map((a) => displayPath(a.path)).join(', ')}`);
    const top = axis.correlations.slice(0, 3).map((c) => `${c.key} r=${c.r.toFixed(2)}`);
    if (top.length > 0) lines.push(`  follows: ${top.join(', ')}`);
  }
  lines.push('', characterPlot(view));
  return lines.join('\n');
}

/** The points as characters, denser cells darker: enough to see the clusters at a terminal. */
function characterPlot(view: EmbeddingMapView, width = 64, height = 20): string {
  if (view.points.length === 0) return '(no points)';
  // A loop, not Math.min(...xs): spreading a million points overflows the call stack.
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (const p of view.points) {
    x0 = Math.min(x0, p.x);
    x1 = Math.max(x1, p.x);
    y0 = Math.min(y0, p.y);
    y1 = Math.max(y1, p.y);
  }
  const counts = new Array<number>(width * height).fill(0);
  for (const p of view.points) {
    const cx = Math.min(width - 1, Math.floor(((p.x - x0) / (x1 - x0 || 1)) * width));
    const cy = Math.min(height - 1, Math.floor(((y1 - p.y) / (y1 - y0 || 1)) * height));
    counts[cy * width + cx]++;
  }
  const max = Math.max(...counts);
  const shades = ' .:+*#';
  const rows: string[] = [];
  for (let r = 0; r < height; r++) {
    let row = '';
    for (let c = 0; c < width; c++) {
      const n = counts[r * width + c];
      row += n === 0 ? ' ' : shades[Math.max(1, Math.ceil((n / max) * (shades.length - 1)))];
    }
    rows.push(`|${row}|`);
  }
  const border = `+${'-'.repeat(width)}+`;
  return [border, ...rows, border].join('\n');
}
