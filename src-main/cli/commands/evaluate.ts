// `astromorph evaluate PROJECT --labels labels.csv`: how well a run's embeddings separate labels the
// user has (leave-one-out kNN, a cross-validated linear probe, precision@k), plus the effective rank
// of the embeddings; optionally as a figure. Labels come from a CSV (file,label) or from item tags.
import { extname } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { ApiError } from '../../api/contract/errors.ts';
import type { EvaluationView, LabelSource } from '../../api/contract/index.ts';
import { integerValue, positiveCount } from '../explore-options.ts';
import { formatTable } from '../table.ts';

interface EvaluateOpts {
  labels?: string;
  tags?: string | true;
  run?: number;
  k: number;
  folds: number;
  seed?: number;
  figure?: string;
  json?: boolean;
}

const FIGURE_EXTENSIONS = ['.png', '.svg', '.pdf'];

function figureFile(value: string): string {
  if (!FIGURE_EXTENSIONS.includes(extname(value).toLowerCase())) throw new InvalidArgumentError(`the file name must end in ${FIGURE_EXTENSIONS.join(', ')} (the format follows it).`);
  return value;
}

function foldCount(value: string): number {
  const n = positiveCount(value);
  if (n < 2) throw new InvalidArgumentError('expected at least 2.');
  return n;
}

export function evaluateCommand(): Command {
  return new Command('evaluate')
    .description('score a run\'s embeddings against your labels: kNN and linear-probe accuracy, precision@k, effective rank')
    .argument('<project>', 'project file')
    .option('--labels <csv>', 'a CSV with a header and columns file (or path, filename) and label (or class); an hdu column is used when present')
    .addOption(new Option('--tags [prefix]', 'use item tags as labels: those starting with PREFIX (dropped, e.g. class:), or with no prefix each item\'s only tag')
      .conflicts('labels'))
    .option('--run <id>', 'embedding run (default: the latest run with embeddings)', positiveCount)
    .option('--k <n>', 'neighbours for kNN and precision@k', positiveCount, 10)
    .option('--folds <n>', 'cross-validation folds of the linear probe', foldCount, 5)
    .option('--seed <n>', 'seed of the fold assignment (default 1)', integerValue)
    .option('--figure <file>', 'also write a figure (confusion matrices, per-class accuracy) as .png, .svg or .pdf', figureFile)
    .option('--json', 'print the evaluation as JSON (keys as in README, plus figure when --figure is given)')
    .addHelpText('after', '\nFiles in the CSV are matched to items by the path stored in the project (relative to the project or absolute),\n'
      + 'the path relative to the CSV, or a file name only one item has.\n\nExamples:\n'
      + '  astromorph evaluate survey.amproj --labels labels.csv\n  astromorph evaluate survey.amproj --tags class: --figure evaluation.pdf\n'
      + '  astromorph evaluate survey.amproj --labels labels.csv --run 2 --k 5 --json')
    .action(async (projectArg: string, opts: EvaluateOpts) => {
      const { evaluateRun, readLabelsFile, writeEvaluationFigure } = await import('../../api/services/exploration/label-evaluation.ts');
      const { runAnalysisCommand } = await import('../analysis-run.ts');
      if (opts.labels === undefined && opts.tags === undefined) throw new ApiError('bad-argument', 'say where the labels come from: --labels FILE.csv or --tags [PREFIX]');
      const labelsFrom: LabelSource = opts.labels !== undefined ? readLabelsFile(opts.labels) : { tagPrefix: opts.tags === true ? undefined : opts.tags };
      let figure: { path: string; format: string } | null = null;
      await runAnalysisCommand(projectArg, { progress: false, json: false }, async (session, control) => {
        const view = await evaluateRun(session, { runId: opts.run, labelsFrom, k: opts.k, folds: opts.folds, seed: opts.seed }, control);
        if (opts.figure !== undefined) figure = await writeEvaluationFigure(view, opts.figure);
        return view;
      }, (view) => (opts.json ? JSON.stringify(figure ? { ...view, figure } : view, null, 2) : renderEvaluation(view, labelsFrom, figure)));
    });
}

const fraction = (v: number) => v.toFixed(3);

export function renderEvaluation(v: EvaluationView, source: LabelSource, figure: { path: string } | null): string {
  const from = 'csv' in source ? source.name ?? 'the CSV' : source.tagPrefix ? `tags starting with ${JSON.stringify(source.tagPrefix)}` : 'item tags';
  const lines = [`run ${v.runId}: ${v.n} of ${v.items} items labelled from ${from}, ${v.classes.length} classes`];
  if (v.unmatchedRows > 0) {
    lines.push(`${v.unmatchedRows} labelled row${v.unmatchedRows === 1 ? ' matches' : 's match'} no item of the run: ${v.unmatchedExamples.join(', ')}${v.unmatchedRows > v.unmatchedExamples.length ? ', …' : ''}`);
  }
  if (v.unlabelledItems > 0) {
    lines.push(`${v.unlabelledItems} item${v.unlabelledItems === 1 ? ' of the run has' : 's of the run have'} no label${v.ambiguousItems > 0 ? ` (${v.ambiguousItems} with more than one candidate tag)` : ''}`);
  }
  lines.push('', formatTable(
    [{ title: 'MEASURE' }, { title: 'VALUE', align: 'right' }],
    [
      [`kNN accuracy (k=${v.knn.k}, cosine, leave-one-out)`, fraction(v.knn.accuracy)],
      [`linear-probe accuracy (logistic regression, ${v.linearProbe.folds}-fold)`, fraction(v.linearProbe.accuracy)],
      [`precision@${v.knn.k} (same-label share of nearest neighbours)`, fraction(v.precisionAtK)],
      [`effective rank of the embeddings (of ${v.dim} dimensions)`, v.effectiveRank.toFixed(1)],
      ['participation ratio', v.participationRatio.toFixed(1)],
    ],
  ));
  lines.push('', formatTable(
    [{ title: 'CLASS' }, { title: 'ITEMS', align: 'right' }, { title: 'KNN', align: 'right' }, { title: 'PROBE', align: 'right' }],
    v.classes.map((c, t) => [c, String(v.classCounts[t]), fraction(v.knn.perClass[c]), fraction(v.linearProbe.perClass[c])]),
  ));
  for (const [title, confusion] of [[`kNN confusion (rows: true class, columns: predicted)`, v.knn.confusion], ['linear-probe confusion (rows: true class, columns: predicted)', v.linearProbe.confusion]] as const) {
    lines.push('', title, formatTable(
      [{ title: '' }, ...v.classes.map((c) => ({ title: c, align: 'right' as const }))],
      v.classes.map((c, t) => [c, ...confusion[t].map(String)]),
    ));
  }
  if (figure) lines.push('', `wrote the figure to ${figure.path}`);
  return lines.join('\n');
}
