// `astromorph evaluate` through the real CLI on a real project: the 60 labelled sample disks, with
// embeddings imported so that the answers are known. Run 1 puts every class on its own axis (one-hot):
// every classifier is right, each item's 10 nearest are its 9 classmates and one other (precision@10
// 0.9), and the centred vectors span 5 equal directions (effective rank 5). Run 2 is noisy: its numbers
// must be what evaluateLabels gives on the vectors stored in the project.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateLabels } from '../../../src-main/analysis/index.ts';
import { Project } from '../../../src-main/project/index.ts';
import { pdfText, pngSize, svgTexts } from '../export/figure-check.ts';
import { cli, hasStackTrace, REPO } from './run-cli.ts';

const CLASSES = ['asymmetric', 'binary', 'multi-ring', 'ring', 'smooth', 'spiral'];
const DIM = 8;

let dir: string;
let labelOf: Map<string, string>;

const noisy = (i: number, c: number) => Array.from({ length: DIM }, (_, j) => (j === c ? 1 : 0) + 0.6 * Math.sin(1.3 * i * (j + 1) + j));

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'astromorph-evaluate-cli-'));
  cpSync(join(REPO, 'resources', 'sample-data', 'disks'), join(dir, 'disks'), { recursive: true });
  const rows = readFileSync(join(dir, 'disks', 'labels.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
  labelOf = new Map(rows.map((r) => [r[0], r[2]]));
  const table = (vector: (i: number, c: number) => number[]) => `file,${Array.from({ length: DIM }, (_, j) => `emb_${j}`).join(',')}\n`
    + rows.map((r, i) => `disks/${r[0]},${vector(i, CLASSES.indexOf(r[2])).join(',')}`).join('\n') + '\n';
  writeFileSync(join(dir, 'onehot.csv'), table((_, c) => Array.from({ length: DIM }, (__, j) => (j === c ? 1 : 0))));
  writeFileSync(join(dir, 'noisy.csv'), table(noisy));
  for (const args of [['init', 'survey'], ['add', 'survey', 'disks', '--no-progress'], ['import', 'survey', 'onehot.csv'], ['import', 'survey', 'noisy.csv']]) {
    const res = cli(args, dir);
    expect(res.status, `${args.join(' ')}: ${res.stderr}`).toBe(0);
  }
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[]) {
  const res = cli(['evaluate', 'survey', ...args], dir);
  expect(hasStackTrace(res.stderr)).toBe(false);
  return res;
}

function json<T>(args: string[]): T {
  const res = run([...args, '--json']);
  expect(res.status, res.stderr).toBe(0);
  return JSON.parse(res.stdout) as T;
}

interface View {
  runId: number;
  n: number;
  items: number;
  classes: string[];
  classCounts: number[];
  knn: { k: number; accuracy: number; perClass: Record<string, number>; confusion: number[][] };
  linearProbe: { folds: number; accuracy: number; perClass: Record<string, number>; confusion: number[][] };
  precisionAtK: number;
  effectiveRank: number;
  participationRatio: number;
  unmatchedRows: number;
  unmatchedExamples: string[];
  unlabelledItems: number;
  ambiguousItems: number;
  labelSource: string;
  figure?: { path: string; format: string };
}

describe('astromorph evaluate', () => {
  it('prints the known scores of one-hot embeddings: counts, accuracies, precision@10, effective rank, tables', () => {
    const res = run(['--labels', 'disks/labels.csv', '--run', '1']);
    expect(res.status, res.stderr).toBe(0);
    const out = res.stdout;
    expect(out).toMatch(/^run 1: 60 of 60 items labelled from disks\/labels\.csv, 6 classes$/m);
    expect(out).toMatch(/^kNN accuracy \(k=10, cosine, leave-one-out\)\s+1\.000$/m);
    expect(out).toMatch(/^linear-probe accuracy \(logistic regression, 5-fold\)\s+1\.000$/m);
    expect(out).toMatch(/^precision@10 .*\s0\.900$/m);
    expect(out).toMatch(/^effective rank of the embeddings \(of 8 dimensions\)\s+5\.0$/m);
    expect(out).toMatch(/^participation ratio\s+5\.0$/m);
    for (const c of CLASSES) expect(out).toMatch(new RegExp(`^${c}\\s+10\\s+1\\.000\\s+1\\.000$`, 'm'));
    // Both confusion matrices: class names across and down, 10 on the diagonal.
    expect(out).toMatch(/^\s+asymmetric\s+binary\s+multi-ring\s+ring\s+smooth\s+spiral$/m);
    expect(out).toMatch(/^ring\s+0\s+0\s+0\s+10\s+0\s+0$/m);
    expect(out.match(/^spiral\s+0\s+0\s+0\s+0\s+0\s+10$/gm)?.length).toBe(2);
    expect(res.stderr).toBe('');
  });

  it('--json: exactly what evaluateLabels gives on the vectors stored in the project (noisy run, --k 5)', () => {
    const view = json<View>(['--labels', 'disks/labels.csv', '--k', '5']);
    expect(view).toMatchObject({ runId: 2, n: 60, items: 60, classes: CLASSES, classCounts: [10, 10, 10, 10, 10, 10], unmatchedRows: 0, unlabelledItems: 0, labelSource: 'csv' });
    const project = Project.open(join(dir, 'survey.amproj'));
    let expected;
    try {
      const set = project.embeddings.all(2);
      const rows = Array.from({ length: set.itemIds.length }, (_, i) => set.vectors.subarray(i * set.dim, (i + 1) * set.dim));
      const labels = Array.from(set.itemIds, (id) => labelOf.get(project.items.get(id)!.path.replace('disks/', ''))!);
      expected = evaluateLabels(rows, labels, { k: 5 });
    } finally {
      project.close();
    }
    expect(view.knn).toEqual(expected.knn);
    expect(view.linearProbe).toEqual(expected.linearProbe);
    expect(view.precisionAtK).toBe(expected.precisionAtK);
    expect(view.effectiveRank).toBe(expected.effectiveRank);
    expect(view.knn.accuracy).toBeGreaterThan(0.5); // the class axis still shows through the noise
  });

  it('matches path or filename columns by stored path, absolute path or unique file name, and counts what did not match', () => {
    writeFileSync(join(dir, 'mixed.csv'), [
      'Path,Class',
      'disks/00-smooth.fits,smooth', // stored path
      `${join(dir, 'disks', '01-ring.fits')},ring`, // absolute
      '02-multi-ring.fits,multi-ring', // file name
      'disks/03-spiral.fits,', // no label: ignored
      'elsewhere/nothing.fits,ring', // no such item
      'disks/04-binary.fits,binary',
      'disks/05-asymmetric.fits,ring',
      'disks/07-ring.fits,ring',
    ].join('\n'));
    const view = json<View>(['--labels', 'mixed.csv', '--run', '1', '--k', '2']);
    expect(view.n).toBe(6);
    expect(view.classes).toEqual(['binary', 'multi-ring', 'ring', 'smooth']);
    expect(view.classCounts).toEqual([1, 1, 3, 1]);
    expect(view.unmatchedRows).toBe(1);
    expect(view.unmatchedExamples).toEqual(['elsewhere/nothing.fits']);
    expect(view.unlabelledItems).toBe(54);
    const text = run(['--labels', 'mixed.csv', '--run', '1', '--k', '2']).stdout;
    expect(text).toContain('1 labelled row matches no item of the run: elsewhere/nothing.fits');
    expect(text).toContain('54 items of the run have no label');
  });

  it('--tags PREFIX takes labels from item tags; an item with two such tags is left out', () => {
    const project = Project.open(join(dir, 'survey.amproj'));
    try {
      for (const item of project.items.list()) {
        const name = item.path.replace('disks/', '');
        const index = Number(name.slice(0, 2));
        if (index < 24) project.tags.add(item.id, `class:${labelOf.get(name)}`);
        if (index === 0) project.tags.add(item.id, 'class:other');
        if (index < 30) project.tags.add(item.id, 'looked-at');
      }
    } finally {
      project.close();
    }
    const view = json<View>(['--tags', 'class:', '--run', '1']);
    expect(view).toMatchObject({ labelSource: 'tags', n: 23, unlabelledItems: 37, ambiguousItems: 1, unmatchedRows: 0 });
    expect(view.classCounts).toEqual([4, 4, 4, 4, 3, 4]);
    expect(view.knn.accuracy).toBe(1);
    // No prefix: each item's only tag. Items 24-29 carry just 'looked-at', a single class: not enough.
    const single = run(['--tags', '--run', '1']);
    expect(single.status).toBe(1);
    expect(single.stderr).toBe('astromorph: item tags: the 6 labelled items of run 1 all have the label "looked-at"; evaluation needs at least two classes\n');
  });

  it('--figure writes PNG, SVG or PDF with both confusion matrices and the per-class bars', () => {
    const pdf = json<View>(['--labels', 'disks/labels.csv', '--figure', 'eval.pdf']);
    expect(pdf.figure).toEqual({ path: join(dir, 'eval.pdf'), format: 'pdf' });
    const text = pdfText(readFileSync(join(dir, 'eval.pdf')));
    for (const t of ['kNN (k=10, cosine)', 'Linear probe (5-fold)', 'Predicted class', 'True class', 'Accuracy per class', 'multi-ring (10)']) expect(text).toContain(t);
    const svg = run(['--labels', 'disks/labels.csv', '--run', '1', '--figure', 'eval.svg']);
    expect(svg.stdout).toContain(`wrote the figure to ${join(dir, 'eval.svg')}`);
    const texts = svgTexts(readFileSync(join(dir, 'eval.svg'), 'utf8'));
    expect(texts).toContain('kNN (k=10, cosine): 100.0% correct');
    expect(texts.filter((t) => t === '10').length).toBe(12); // the two diagonals
    expect(run(['--labels', 'disks/labels.csv', '--figure', 'eval.png']).status).toBe(0);
    const size = pngSize(readFileSync(join(dir, 'eval.png')));
    expect(size.width).toBe(2100); // 7.0 in at 300 dpi
    expect(size.height).toBeGreaterThan(1000);
  });

  it('refuses bad requests in one line: exit 2 for usage, 1 for a bad table', () => {
    const cases: [string[], number, RegExp][] = [
      [[], 2, /^astromorph: say where the labels come from: --labels FILE\.csv or --tags \[PREFIX\]$/],
      [['--labels', 'nope.csv'], 2, /^astromorph: nope\.csv: no such file$/],
      [['--labels', 'disks/labels.csv', '--figure', 'eval.jpg'], 2, /--figure.*must end in \.png, \.svg, \.pdf/],
      [['--labels', 'disks/labels.csv', '--tags'], 2, /cannot be used with option '--labels/],
      [['--labels', 'disks/labels.csv', '--run', '9'], 2, /has no run 9/],
      [['--labels', 'bad.csv'], 1, /^astromorph: bad\.csv: the header \(file,kind\) has no label column \(label, class\); the first line must name the columns, e\.g\. file,label$/],
      [['--labels', 'twice.csv'], 1, /^astromorph: twice\.csv: lines 2 and 3 give disks\/00-smooth\.fits two labels \("smooth" and "ring"\)$/],
      [['--labels', 'nomatch.csv'], 1, /^astromorph: nomatch\.csv: none of its 1 labelled rows names an item of run 2 \(first: x\.fits\)$/],
    ];
    writeFileSync(join(dir, 'bad.csv'), 'file,kind\ndisks/00-smooth.fits,smooth\n');
    writeFileSync(join(dir, 'twice.csv'), 'file,label\ndisks/00-smooth.fits,smooth\n00-smooth.fits,ring\n');
    writeFileSync(join(dir, 'nomatch.csv'), 'file,label\nx.fits,smooth\n');
    for (const [args, status, message] of cases) {
      const res = run(args);
      expect(res.status, `${args.join(' ')}: ${res.stderr}`).toBe(status);
      expect(res.stderr.trim().split('\n').filter((l) => !l.startsWith('(run with --help')).length, res.stderr).toBe(1);
      expect(res.stderr.trim().split('\n')[0]).toMatch(message);
      expect(res.stdout).toBe('');
    }
  });
});
