// map / similar / clusters / outliers / tag through the real CLI on real embeddings: 20 synthetic
// disks, a tiny model trained for two epochs, embedded, then explored. Exactness is checked against
// the vectors in the project file; an external copy of an item must find that item first.
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSyntheticDataset } from '../../../src-main/synthetic/index.ts';
import { Project } from '../../../src-main/project/index.ts';
import { cli, cliProcess, hasStackTrace } from './run-cli.ts';

const ITEMS = 20;
const SETTINGS = `encoder = "small-cnn"
width = 4
depth = 2
image_size = 16
coordinates = "cartesian"
embed_profile = false
batch_size = 4
projection_size = 8
projection_hidden_size = 16
backend = "wasm"
core_limit = 2
`;

let dir: string;
let files: string[];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'astromorph-explore-cli-'));
  files = writeSyntheticDataset(join(dir, 'disks'), { n: ITEMS, seed: 21 }).items.map((i) => i.file);
  writeFileSync(join(dir, 'settings.toml'), SETTINGS);
  for (const args of [['init', 'survey'], ['add', 'survey', 'disks'], ['train', 'survey', '--config', 'settings.toml', '--epochs', '2', '--no-progress'],
    ['embed', 'survey', '--no-progress']]) {
    const res = cli(args, dir);
    expect(res.status, `${args.join(' ')}: ${res.stderr}`).toBe(0);
  }
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function json<T>(args: string[]): T {
  const res = cli([...args, '--json'], dir);
  expect(res.status, res.stderr).toBe(0);
  expect(hasStackTrace(res.stderr)).toBe(false);
  return JSON.parse(res.stdout) as T;
}

/** The run's stored vectors, and brute-force cosine neighbours of one item among them. */
function storedNeighbours(path: string, k: number): { ids: number[]; distances: number[] } {
  const p = Project.open(join(dir, 'survey.amproj'));
  try {
    const run = p.runs.list().at(-1)!;
    const set = p.embeddings.all(run.id);
    const q = set.itemIds.indexOf(p.items.byPath(path)!.id);
    const vec = (i: number) => set.vectors.subarray(i * set.dim, (i + 1) * set.dim);
    const norm = (v: Float32Array) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
    const cos = (a: Float32Array, b: Float32Array) => a.reduce((s, x, t) => s + x * b[t], 0) / (norm(a) * norm(b));
    const ranked = set.itemIds.map((id, i) => ({ id, d: 1 - cos(vec(i), vec(q)) })).filter((_, i) => i !== q).sort((a, b) => a.d - b.d).slice(0, k);
    return { ids: ranked.map((r) => r.id), distances: ranked.map((r) => r.d) };
  } finally {
    p.close();
  }
}

describe('astromorph map, similar, clusters, outliers, tag on a trained run', () => {
  it('map --method pca: explained variance per component, stored and reused; a table and a plot for people', () => {
    const first = json<{ id: number; reused: boolean; items: number; explainedVariance: { ratio: number }[]; points: unknown[]; axes: unknown[] }>(
      ['map', 'survey', '--method', 'pca']);
    expect(first.reused).toBe(false);
    expect(first.items).toBe(ITEMS);
    expect(first.points.length).toBe(ITEMS);
    expect(first.explainedVariance.length).toBe(8); // min(dim 8, 10)
    expect(first.explainedVariance.reduce((s, c) => s + c.ratio, 0)).toBeCloseTo(1, 4);
    expect(first.axes.length).toBe(2);
    const again = cli(['map', 'survey', '--method', 'pca'], dir);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain(`PCA map ${first.id} of run 1: ${ITEMS} items`);
    expect(again.stdout).toContain('reused');
    expect(again.stdout).toMatch(/^PC1\s+\S+\s+\d+\.\d%/m);
    expect(again.stdout).toContain('+----');
  });

  it('map --method tsne and umap record their parameters', () => {
    const tsne = json<{ params: Record<string, unknown>; points: unknown[] }>(['map', 'survey', '--method', 'tsne', '--iterations', '300', '--no-progress']);
    expect(tsne.params).toMatchObject({ iterations: 300, metric: 'cosine' });
    expect(tsne.points.length).toBe(ITEMS);
    const umap = json<{ params: Record<string, unknown> }>(['map', 'survey', '--method', 'umap', '--neighbors', '5', '--no-progress']);
    expect(umap.params).toMatchObject({ neighbors: 5, minDist: 0.1 });
  });

  it('similar ITEM: the exact cosine neighbours of the stored vectors', () => {
    const path = 'disks/' + files[3];
    const view = json<{ query: { kind: string }; neighbours: { itemId: number; distance: number }[] }>(['similar', 'survey', path, '--k', '6']);
    expect(view.query.kind).toBe('item');
    const truth = storedNeighbours(path, 6);
    expect(view.neighbours.map((n) => n.itemId)).toEqual(truth.ids);
    view.neighbours.forEach((n, i) => expect(n.distance).toBeCloseTo(truth.distances[i], 4));
    const table = cli(['similar', 'survey', path, '--k', '3'], dir);
    expect(table.stdout).toMatch(/^3 nearest of 19 items to .* by cosine \(exact, run 1\)$/m);
    expect(table.stdout).toMatch(/RANK\s+SIMILARITY\s+CENTRED\s+PATH/);
    expect(table.stdout).toContain("CENTRED: cosine similarity after subtracting the run's mean embedding");
  });

  it('similar FILE: a FITS file outside the project is embedded with the run\'s encoder and finds its twin first', () => {
    const outside = join(dir, 'outside.fits');
    copyFileSync(join(dir, 'disks', files[7]), outside);
    const view = json<{ query: { kind: string; path: string }; neighbours: { path: string; distance: number }[] }>(['similar', 'survey', outside, '--k', '3']);
    expect(view.query).toMatchObject({ kind: 'file', path: outside });
    expect(view.neighbours[0].path).toBe(join(dir, 'disks', files[7]));
    expect(view.neighbours[0].distance).toBeLessThan(1e-5);
    const missing = cli(['similar', 'survey', 'nowhere.fits'], dir);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/^astromorph: "nowhere\.fits" is neither an item of .* nor a file$/m);
  });

  it('clusters: k-means labels every item into k clusters; density finds its own number; both stored', () => {
    const km = json<{ clusterCount: number; assignments: { label: number }[]; reused: boolean }>(['clusters', 'survey', '--method', 'kmeans', '--k', '3']);
    expect(km.clusterCount).toBe(3);
    expect(km.assignments.length).toBe(ITEMS);
    expect(new Set(km.assignments.map((a) => a.label))).toEqual(new Set([0, 1, 2]));
    expect(json<{ reused: boolean }>(['clusters', 'survey', '--k', '3']).reused).toBe(true);
    const density = json<{ method: string; clusterCount: number; assignments: { label: number }[] }>(['clusters', 'survey', '--method', 'density', '--min-cluster-size', '3']);
    expect(density.method).toBe('density');
    expect(density.assignments.every((a) => a.label >= -1 && a.label < density.clusterCount)).toBe(true);
    const table = cli(['clusters', 'survey', '--method', 'kmeans', '--k', '3'], dir);
    expect(table.stdout).toMatch(/^kmeans clustering \d+ of run 1 .*: 3 clusters; stored, reused/m);
  });

  it('outliers --top: a ranked list, strangest first', () => {
    const view = json<{ items: number; ranked: { rank: number; score: number }[] }>(['outliers', 'survey', '--top', '5']);
    expect(view.items).toBe(ITEMS);
    expect(view.ranked.map((r) => r.rank)).toEqual([1, 2, 3, 4, 5]);
    expect(view.ranked.every((r, i) => i === 0 || r.score <= view.ranked[i - 1].score)).toBe(true);
  });

  it('outliers --feedback: items tagged not-interesting sink, interesting ones rise', () => {
    const plain = json<{ ranked: { path: string }[] }>(['outliers', 'survey', '--top', '3']);
    const [first, second] = plain.ranked.map((r) => r.path);
    expect(cli(['tag', 'survey', first, 'not-interesting'], dir).status).toBe(0);
    expect(cli(['tag', 'survey', second, 'interesting'], dir).status).toBe(0);
    const fb = json<{ feedback: boolean; marked: { interesting: number; notInteresting: number }; ranked: { rank: number; path: string; relevance: number; mark: string }[] }>(
      ['outliers', 'survey', '--top', String(ITEMS), '--feedback']);
    expect(fb.feedback).toBe(true);
    expect(fb.marked).toEqual({ interesting: 1, notInteresting: 1 });
    expect(fb.ranked[0]).toMatchObject({ rank: 1, path: second, relevance: 1, mark: 'interesting' });
    expect(fb.ranked.at(-1)).toMatchObject({ path: first, mark: 'not-interesting' });
    const table = cli(['outliers', 'survey', '--top', '2', '--feedback'], dir);
    expect(table.stdout).toMatch(/^2 most interesting of \d+ items in run 1: outlier score blended with 1 item\(s\) tagged interesting and 1 tagged not-interesting\n/);
    expect(table.stdout).toMatch(/RANK +SCORE +OUTLIER +RELEVANCE +PATH/);
    cli(['tag', 'survey', first, 'not-interesting', '--remove'], dir);
    cli(['tag', 'survey', second, 'interesting', '--remove'], dir);
  });

  it('tag: add, list, restrict a search, remove', () => {
    const a = 'disks/' + files[0];
    const b = 'disks/' + files[1];
    expect(json<{ tags: string[] }>(['tag', 'survey', a, 'merger', 'bright']).tags).toEqual(['bright', 'merger']);
    expect(cli(['tag', 'survey', b, 'merger'], dir).stdout).toBe(`${b}: merger\n`);
    expect(json<{ tag: string; count: number }[]>(['tag', 'survey'])).toEqual([{ tag: 'bright', count: 1 }, { tag: 'merger', count: 2 }]);
    const only = json<{ candidates: number; neighbours: { path: string; tags: string[] }[] }>(['similar', 'survey', 'disks/' + files[5], '--tag', 'merger']);
    expect(only.candidates).toBe(2);
    expect(only.neighbours.map((n) => n.path).sort()).toEqual([a, b].map((p) => join(dir, p)).sort());
    expect(only.neighbours.every((n) => n.tags.includes('merger'))).toBe(true);
    expect(json<{ tags: string[] }>(['tag', 'survey', a, 'bright', '--remove']).tags).toEqual(['merger']);
    const bad = cli(['tag', 'survey', 'disks/none.fits', 'x'], dir);
    expect(bad.status).toBe(2);
  });

  it('Ctrl-C stops a slow map at once, stores nothing and exits 130', async () => {
    const count = () => {
      const p = Project.open(join(dir, 'survey.amproj'));
      try {
        return p.maps.list(1).length;
      } finally {
        p.close();
      }
    };
    const before = count();
    const child = cliProcess(['map', 'survey', '--method', 'tsne', '--recompute', '--iterations', '100000'], dir);
    let stderr = '';
    let sent = false;
    child.stderr.on('data', (c) => {
      stderr += c;
      if (!sent) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(sent).toBe(true);
    expect(code).toBe(130);
    expect(stderr).toContain('cancelled: nothing was stored');
    expect(count()).toBe(before);
  });
});
