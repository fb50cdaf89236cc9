// `astromorph clusters PROJECT --method kmeans|density`: cluster a run's embeddings and store the
// labels (they colour maps and filter searches); a stored clustering is reused until --recompute.
import { Command, Option } from 'commander';
import type { ClusterMethod, ClusteringView, SimilarityMetric } from '../../api/contract/index.ts';
import { displayPath, integerValue, positiveCount } from '../explore-options.ts';
import { formatTable } from '../table.ts';

interface ClusterOpts {
  method?: ClusterMethod;
  k?: number;
  minClusterSize?: number;
  minSamples?: number;
  metric?: SimilarityMetric;
  seed?: number;
  run?: number;
  recompute?: boolean;
  json?: boolean;
  progress: boolean;
}

export const CLUSTERS_JSON_KEYS = ['id', 'runId', 'method', 'params', 'createdAt', 'reused', 'stored', 'clusterCount', 'noise', 'clusters', 'assignments', 'coverage'] as const;

export function clustersCommand(): Command {
  return new Command('clusters')
    .description('cluster a run\'s embeddings: k-means with --k, or density-based (HDBSCAN) that finds the number itself')
    .argument('<project>', 'project file')
    .addOption(new Option('--method <method>', 'kmeans or density (default: kmeans when --k is given, else density)').choices(['kmeans', 'density']))
    .option('--k <n>', 'k-means: number of clusters', positiveCount)
    .option('--min-cluster-size <n>', 'density: smallest group that counts as a cluster (default 5)', positiveCount)
    .option('--min-samples <n>', 'density: neighbours defining an item\'s density (default: min-cluster-size)', positiveCount)
    .addOption(new Option('--metric <metric>', 'default cosine (k-means then runs on unit-length vectors)').choices(['cosine', 'euclidean']))
    .option('--seed <n>', 'k-means seed (default 1)', integerValue)
    .option('--run <id>', 'embedding run (default: the latest run with embeddings)', positiveCount)
    .option('--recompute', 'cluster again even if a clustering with these parameters is stored')
    .option('--json', `print a JSON object with keys ${CLUSTERS_JSON_KEYS.join(', ')}`)
    .option('--no-progress', 'no progress output on stderr')
    .addHelpText('after', '\nExamples:\n  astromorph clusters survey.amproj --method kmeans --k 6\n  astromorph clusters survey.amproj --method density --min-cluster-size 10')
    .action(async (projectArg: string, opts: ClusterOpts) => {
      const { computeClusters } = await import('../../api/services/exploration/clusters.ts');
      const { runAnalysisCommand } = await import('../analysis-run.ts');
      const method: ClusterMethod = opts.method ?? (opts.k !== undefined ? 'kmeans' : 'density');
      await runAnalysisCommand(projectArg, opts, (session, control) => computeClusters(session, {
        method, k: opts.k, minClusterSize: opts.minClusterSize, minSamples: opts.minSamples, metric: opts.metric, seed: opts.seed,
        runId: opts.run, recompute: opts.recompute,
      }, control), renderClusters);
    });
}

function renderClusters(v: ClusteringView): string {
  const params = Object.entries(v.params).map(([k, x]) => `${k}=${x}`).join(', ');
  const head = `${v.method} clustering ${v.id} of run ${v.runId} (${params}): ${v.clusterCount} clusters` +
    `${v.method === 'density' ? `, ${v.noise} noise items` : ''}; ${v.reused ? 'stored, reused (--recompute for a new one)' : v.stored ? 'computed and stored' : 'computed, not stored (the project is open in another process)'}`;
  const table = formatTable(
    [{ title: 'CLUSTER', align: 'right' }, { title: 'ITEMS', align: 'right' }, { title: 'TYPICAL MEMBERS' }],
    v.clusters.map((c) => [c.label === -1 ? 'noise' : String(c.label), String(c.size), c.examples.slice(0, 3).map((e) => displayPath(e.path)).join(', ')]),
  );
  return `${head}\n${table}`;
}
