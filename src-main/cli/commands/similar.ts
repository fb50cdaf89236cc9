// `astromorph similar PROJECT ITEM_OR_FILE`: the items nearest to an item of the project (its path or
// id) or to any FITS file (embedded on the fly with the run's encoder), optionally among items that
// pass a metadata, tag or cluster filter.
import { Command, Option } from 'commander';
import type { SimilarityMetric, SimilarityView } from '../../api/contract/index.ts';
import { collectRange, displayPath, formatValue, integerValue, positiveCount } from '../explore-options.ts';
import type { Range } from '../explore-options.ts';
import { formatTable } from '../table.ts';

interface SimilarOpts {
  k: number;
  run?: number;
  metric?: SimilarityMetric;
  hnsw?: boolean;
  instrument?: string;
  telescope?: string;
  object?: string;
  tag?: string;
  cluster?: number;
  under?: string;
  status?: 'ok' | 'failed' | 'missing';
  range?: Range[];
  json?: boolean;
}

export const SIMILAR_JSON_KEYS = ['runId', 'query', 'metric', 'search', 'k', 'candidates', 'neighbours', 'recall', 'coverage', 'seconds'] as const;

export function similarCommand(): Command {
  return new Command('similar')
    .description('the items most similar to an item of the project or to a FITS file from elsewhere')
    .argument('<project>', 'project file')
    .argument('<item>', 'an item (its path as ls shows it, its path in the project, or its id) or any FITS file')
    .option('--k <n>', 'neighbours to list', positiveCount, 12)
    .option('--run <id>', 'embedding run (default: the latest run with embeddings)', positiveCount)
    .addOption(new Option('--metric <metric>', 'similarity (default cosine)').choices(['cosine', 'euclidean']))
    .option('--hnsw', 'query the approximate HNSW index and report its recall against the exact search')
    .option('--instrument <name>', 'only items with this INSTRUME (case-insensitive)')
    .option('--telescope <name>', 'only items with this TELESCOP (case-insensitive)')
    .option('--object <name>', 'only items with this OBJECT (case-insensitive)')
    .option('--tag <tag>', 'only items with this tag')
    .option('--cluster <label>', 'only items with this label in the run\'s latest clustering', integerValue)
    .option('--under <folder>', 'only items in this folder')
    .addOption(new Option('--status <status>', 'only items with this scan status').choices(['ok', 'failed', 'missing']))
    .option('--range <key=min:max>', 'only items whose numeric header value lies in the range (repeatable; e.g. EXPTIME=100:2000, bmaj=:0.5)', collectRange)
    .option('--json', `print a JSON object with keys ${SIMILAR_JSON_KEYS.join(', ')}`)
    .addHelpText('after', '\nExamples:\n  astromorph similar survey.amproj data/disk_0001.fits --k 8\n' +
      '  astromorph similar survey.amproj ~/new/target.fits --instrument ALMA --json')
    .action(async (projectArg: string, itemArg: string, opts: SimilarOpts) => {
      const { ProjectSession } = await import('../../api/services/project/project-session.ts');
      const { similar } = await import('../../api/services/exploration/similarity.ts');
      const { warnIfIncomplete } = await import('../analysis-run.ts');
      const session = ProjectSession.open(projectArg);
      let view: SimilarityView;
      try {
        view = await similar(session, itemArg, {
          k: opts.k, runId: opts.run, metric: opts.metric, search: opts.hnsw ? 'hnsw' : 'exact',
          filter: {
            instrument: opts.instrument, telescope: opts.telescope, object: opts.object, tag: opts.tag, cluster: opts.cluster,
            under: opts.under, status: opts.status, ranges: opts.range,
          },
        });
      } finally {
        session.close();
      }
      warnIfIncomplete(view.coverage);
      if (opts.json) process.stdout.write(JSON.stringify(view, null, 2) + '\n');
      else process.stdout.write(renderSimilar(view) + '\n');
    });
}

function renderSimilar(v: SimilarityView): string {
  const what = v.query.kind === 'item' ? displayPath(v.query.path) : `${displayPath(v.query.path)} (not in the project; HDU ${v.query.hdu} embedded with run ${v.runId})`;
  const how = v.search === 'hnsw' ? `HNSW, recall ${((v.recall ?? 0) * 100).toFixed(0)}% of the exact top ${v.k}` : 'exact';
  const head = `${v.neighbours.length} nearest of ${v.candidates} items to ${what} by ${v.metric} (${how}, run ${v.runId})`;
  const cosine = v.metric === 'cosine';
  const table = formatTable(
    [{ title: 'RANK', align: 'right' }, { title: cosine ? 'SIMILARITY' : 'DISTANCE', align: 'right' }, { title: 'CENTRED', align: 'right' }, { title: 'PATH' }, { title: 'OBJECT' }, { title: 'TAGS' }],
    v.neighbours.map((n) => [String(n.rank), formatValue(cosine ? n.similarity! : n.distance), n.centred.toFixed(3), displayPath(n.path), n.object ?? '', n.tags.join(', ')]),
  );
  // Raw cosines of one run crowd near 1; the cosine about the run's mean tells neighbours apart.
  return `${head}\n${table}\nCENTRED: cosine similarity after subtracting the run's mean embedding (1 = alike, 0 = unrelated)`;
}
