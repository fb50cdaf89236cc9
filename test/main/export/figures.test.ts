// Every figure type in every format, from a real project (scanned FITS files, stored embeddings,
// map, clusters, outliers and losses): valid PDF and SVG with the expected text, PNG of the requested
// pixel size, settings stored and reused. Plus the CLI end to end.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haveAstropy } from '../../support/reference-tools.ts';
import { exportFigure } from '../../../src-main/api/services/sharing/figures.ts';
import { ProjectSession } from '../../../src-main/api/services/project/project-session.ts';
import type { FigureKind } from '../../../src-main/api/services/sharing/figures.ts';
import { addFolders } from '../../../src-main/dataset/index.ts';
import { writeImageFits } from '../../../src-main/fits/index.ts';
import { Project } from '../../../src-main/project/index.ts';
import { cli } from '../cli/run-cli.ts';
import { pdfText, pngSize, svgTexts } from './figure-check.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'am-figures-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const file = path.join(dir, 'survey.amproj');
const N = 30;

beforeAll(async () => {
  fs.mkdirSync(path.join(dir, 'data'));
  for (let i = 0; i < N; i++) {
    const s = 2 + (i % 5);
    const img = Float32Array.from({ length: 32 * 32 }, (_, k) => Math.exp(-(((k % 32) - 16) ** 2 + (Math.floor(k / 32) - 16) ** 2) / (2 * s * s)) * 100 + (k % 7));
    writeImageFits(path.join(dir, 'data', `disk_${String(i).padStart(2, '0')}.fits`), img, [32, 32], { cards: { OBJECT: `Disk ${i}` } });
  }
  const p = Project.create(file);
  await addFolders(p, [path.join(dir, 'data')], { workers: 1 });
  const items = p.items.list();
  const run = p.runs.create({ config: {}, backend: 'cpu', seed: 1 });
  p.embeddings.putMany(run.id, items.map((it, i) => ({ itemId: it.id, vector: Float32Array.from([Math.cos(i), Math.sin(i), i % 5, 1]) })));
  p.losses.append(run.id, Array.from({ length: 40 }, (_, s) => ({ epoch: Math.floor(s / 10), step: s, loss: 3 * Math.exp(-s / 12) + 0.2, imagesPerS: 100, dataWait: 0 })));
  const ids = items.map((i) => i.id);
  p.maps.save({ runId: run.id, method: 'umap', params: {}, itemIds: ids, coords: Float32Array.from(ids.flatMap((_, i) => [Math.cos(i) * (1 + (i % 5)), Math.sin(i) * (1 + (i % 5))])) });
  p.clusterings.save({ runId: run.id, method: 'kmeans', params: { k: 5 }, clusterCount: 5, itemIds: ids, labels: Int32Array.from(ids, (_, i) => (i === 3 ? -1 : i % 5)) });
  p.outliers.save({ runId: run.id, params: {}, itemIds: ids, scores: Float32Array.from(ids, (_, i) => i / N) });
  p.tags.add(ids[0]!, 'ring');
  p.close();
});

const EXPECTED: Record<FigureKind, string[]> = {
  map: ['UMAP 1 (arbitrary units)', 'UMAP 2 (arbitrary units)', 'Cluster'],
  gallery: ['Query', 'disk_00.fits'],
  loss: ['Training step', 'BYOL loss (dimensionless)'],
  sheet: ['disk_00.fits', 'Disk 0'],
};

const astropy = haveAstropy();

describe('figures', () => {
  for (const kind of ['map', 'gallery', 'loss', 'sheet'] as const) {
    it(`${kind} as PDF, SVG and PNG`, async () => {
      const session = ProjectSession.open(file);
      try {
        const extra = kind === 'map' ? { thumbnails: 8 } : kind === 'gallery' ? { query: 'data/disk_00.fits', k: 5 } : {};
        const pdf = await exportFigure(session, kind, path.join(dir, `${kind}.pdf`), { format: 'pdf', width: 'single', ...extra });
        const text = pdfText(fs.readFileSync(pdf.path));
        for (const t of EXPECTED[kind]) expect(text).toContain(t);
        expect(pdf.widthInches).toBe(3.35);

        const svg = await exportFigure(session, kind, path.join(dir, `${kind}.svg`), { format: 'svg', width: 'double' });
        const texts = svgTexts(fs.readFileSync(svg.path, 'utf8'));
        for (const t of EXPECTED[kind]) expect(texts).toContain(t);
        expect(fs.readFileSync(svg.path, 'utf8')).toContain('width="7in"');

        const png = await exportFigure(session, kind, path.join(dir, `${kind}.png`), { format: 'png', width: 3.35, dpi: 150 });
        expect(pngSize(fs.readFileSync(png.path))).toEqual(png.pixels);
        expect(png.pixels!.width).toBe(Math.round(3.35 * 150));
        expect(png.pixels!.height).toBe(Math.round(png.heightInches * 150));
      } finally {
        session.close();
      }
    }, 60_000);
  }

  it('colours the map by outlier score with a colour bar, or by tag', async () => {
    const session = ProjectSession.open(file);
    try {
      const r = await exportFigure(session, 'map', path.join(dir, 'outliers.svg'), { format: 'svg', colourBy: 'outlier', colormap: 'cividis', thumbnails: 0 });
      expect(svgTexts(fs.readFileSync(r.path, 'utf8'))).toContain('Outlier score');
      const t = await exportFigure(session, 'map', path.join(dir, 'tags.svg'), { format: 'svg', colourBy: 'tag' });
      expect(svgTexts(fs.readFileSync(t.path, 'utf8'))).toEqual(expect.arrayContaining(['Tag', 'ring', 'none']));
    } finally {
      session.close();
    }
  });

  it('puts thumbnails at the points by default when nothing colours them, as a paper would', async () => {
    const { buildFigure, figureSettingsSchema } = await import('../../../src-main/api/services/sharing/figures.ts');
    const session = ProjectSession.open(file);
    try {
      // Fresh default settings (exportFigure would reuse those stored by the tests above).
      const images = async (colourBy: 'none' | 'cluster') => (await buildFigure(session, 'map', figureSettingsSchema.parse({ colourBy }), 3.35))
        .items.filter((p) => p.kind === 'image').length;
      const bare = await images('none');
      expect(bare).toBeGreaterThanOrEqual(8);
      expect(bare).toBeLessThanOrEqual(20);
      expect(await images('cluster')).toBe(0);
    } finally {
      session.close();
    }
  });
});

describe('astromorph figure', () => {
  it('exports at a chosen DPI and width, then reproduces the figure from the stored settings', () => {
    const first = cli(['figure', file, 'map', '--format', 'png', '--dpi', '100', '--width', 'double', '--thumbnails', '6', '--image-colormap', 'viridis', '--out', path.join(dir, 'a.png'), '--json']);
    expect(first.stderr).toBe('');
    const report = JSON.parse(first.stdout);
    expect(report.settings).toMatchObject({ format: 'png', dpi: 100, width: 'double', thumbnails: 6, imageColormap: 'viridis' });
    expect(pngSize(fs.readFileSync(path.join(dir, 'a.png')))).toEqual({ width: 700, height: report.pixels.height });
    const again = cli(['figure', file, 'map', '--out', path.join(dir, 'b.png')]);
    expect(again.stderr).toBe('');
    expect(fs.readFileSync(path.join(dir, 'b.png')).equals(fs.readFileSync(path.join(dir, 'a.png')))).toBe(true);
    const bad = cli(['figure', file, 'map', '--width', 'triple', '--out', path.join(dir, 'c.pdf')]);
    expect(bad.status).toBe(2);
  }, 60_000);
});

describe('figure settings a project carries', () => {
  // A project from someone else can store any figure settings; each is held to the command line's limits, and
  // a PNG's pixels are capped, so `figure` cannot be made to allocate gigabytes (dpi 2400 x 20 in: 48000 px wide).
  it('out-of-range stored settings are ignored with a warning; the figure is made at the defaults', () => {
    const crafted = path.join(dir, 'crafted.amproj');
    fs.copyFileSync(file, crafted);
    const p = Project.open(crafted);
    p.settings.set('figure.loss', { format: 'png', dpi: 2400, width: 20 });
    p.close();
    const r = cli(['figure', crafted, 'loss', '--out', path.join(dir, 'crafted.png'), '--json']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^astromorph: ignored stored figure settings: dpi 2400, width 20 \(a PNG 20 in wide at 2400 dpi would be 48000 px wide, more than 20000\)\n$/);
    const report = JSON.parse(r.stdout);
    expect(report.settings).toMatchObject({ format: 'png', dpi: 300, width: 'single' });
    expect(pngSize(fs.readFileSync(path.join(dir, 'crafted.png')))).toEqual({ width: 1005, height: report.pixels.height });
    // stored again as made: the next run is quiet
    const again = cli(['figure', crafted, 'loss', '--out', path.join(dir, 'crafted2.png')]);
    expect(again.stderr).toBe('');
  }, 60_000);

  it('the same limits on the command line are a usage error naming them, before anything is drawn', () => {
    const wide = cli(['figure', file, 'loss', '--format', 'png', '--dpi', '2400', '--width', '20', '--out', path.join(dir, 'wide.png')]);
    expect(wide.status).toBe(2);
    expect(wide.stderr).toMatch(/a PNG 20 in wide at 2400 dpi would be 48000 px wide, more than 20000/);
    // 20000 px wide passes the width rule, but the map is 0.7 times as tall: over 100 megapixels in all
    const tall = cli(['figure', file, 'map', '--format', 'png', '--dpi', '1000', '--width', '20', '--out', path.join(dir, 'tall.png')]);
    expect(tall.status).toBe(2);
    expect(tall.stderr).toMatch(/^astromorph: a 20000 x \d+ px PNG \(\d+ megapixels\) is more than the 100 megapixels a figure may have: lower --dpi \(at most \d+ for this figure at this width\) or --width\n$/);
    expect(fs.existsSync(path.join(dir, 'wide.png')) || fs.existsSync(path.join(dir, 'tall.png'))).toBe(false);
  }, 60_000);
});

describe('embedding tables from a project', () => {
  it.skipIf(!astropy)('carry the map, clusters, outlier scores and tags; astropy reads the FITS table and VOTable, numpy the .npy', async () => {
    const { exportEmbeddingTable } = await import('../../../src-main/api/services/sharing/table-export.ts');
    const { spawnSync } = await import('node:child_process');
    const p = Project.open(file);
    try {
      const fits = await exportEmbeddingTable(p, 'fits', path.join(dir, 'emb.fits'));
      expect(fits).toMatchObject({ rows: N, dim: 4, extras: ['umap_x', 'umap_y', 'cluster', 'outlier_score', 'tags'] });
      const vot = await exportEmbeddingTable(p, 'votable', path.join(dir, 'emb.vot'));
      const npy = await exportEmbeddingTable(p, 'npy', path.join(dir, 'emb.npy'));
      expect(npy.paths).toEqual([path.join(dir, 'emb.npy'), path.join(dir, 'emb.csv')]);
      const r = spawnSync('/usr/bin/python3', ['-c', `
import sys, json, numpy as np
from astropy.table import Table
f = Table.read(sys.argv[1]); v = Table.read(sys.argv[2], format='votable'); a = np.load(sys.argv[3])
print(json.dumps({'n': [len(f), len(v), a.shape[0]], 'cluster': [None if np.ma.is_masked(c) else int(c) for c in f['cluster']][:5],
  'tags0': str(f['tags'][0]), 'file0': str(v['file'][0]), 'emb': np.asarray(f['embedding'][1], dtype=float).tolist()}))
`, fits.paths[0]!, vot.paths[0]!, npy.paths[0]!], { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      const got = JSON.parse(r.stdout);
      expect(got.n).toEqual([N, N, N]);
      expect(got.cluster).toEqual([0, 1, 2, null, 4]);
      expect(got.tags0).toBe('ring');
      expect(got.file0).toBe('data/disk_00.fits');
      expect(got.emb).toEqual([Math.fround(Math.cos(1)), Math.fround(Math.sin(1)), 1, 1]);
    } finally {
      p.close();
    }
  }, 60_000);
});

describe('a shared project without its data', () => {
  it('still makes figures from its stored thumbnails, embeddings and map', async () => {
    const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'am-figures-copy-'));
    try {
      const copy = path.join(elsewhere, 'copy.amproj');
      fs.copyFileSync(file, copy);
      const session = ProjectSession.open(copy);
      try {
        expect(fs.existsSync(session.project.items.list()[0]!.absolutePath)).toBe(false);
        const sheet = await exportFigure(session, 'sheet', path.join(elsewhere, 'sheet.svg'), { format: 'svg', stretch: 'linear', imageColormap: 'cividis', limit: 4 });
        const svg = fs.readFileSync(sheet.path, 'utf8');
        expect(svg.match(/<image /g)).toHaveLength(4);
        expect(svg).not.toContain('no preview');
        const map = await exportFigure(session, 'map', path.join(elsewhere, 'map.pdf'), { format: 'pdf', thumbnails: 5 });
        expect(pdfText(fs.readFileSync(map.path))).toContain('UMAP 1 (arbitrary units)');
      } finally {
        session.close();
      }
    } finally {
      fs.rmSync(elsewhere, { recursive: true, force: true });
    }
  });
});

describe('astromorph figure while another process has the project open', () => {
  it('still writes the figure, says the settings were not stored, and leaves them unchanged', async () => {
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, [path.join(import.meta.dirname, '../project/lock-child.ts'), file], { stdio: ['pipe', 'pipe', 'inherit'] });
    await new Promise((resolve) => child.stdout!.once('data', resolve));
    try {
      const r = cli(['figure', file, 'loss', '--format', 'svg', '--width', '5', '--out', path.join(dir, 'locked.svg')]);
      expect(r.stderr).toBe('');
      expect(r.stdout).toContain('these figure settings were not stored');
      expect(svgTexts(fs.readFileSync(path.join(dir, 'locked.svg'), 'utf8'))).toContain('Training step');
    } finally {
      child.stdin!.write('close\n');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    const p = Project.open(file);
    expect((p.settings.get('figure.loss') as { width: unknown }).width).not.toBe(5);
    p.close();
  }, 60_000);
});

describe('astromorph export --format npy|fits|votable', () => {
  it('writes each table format from the command line', () => {
    for (const [format, name] of [['fits', 't.fits'], ['votable', 't.vot'], ['npy', 't.npy']] as const) {
      const r = cli(['export', file, 'embeddings', '--format', format, '--out', path.join(dir, name), '--json']);
      expect(r.stderr).toBe('');
      const report = JSON.parse(r.stdout);
      expect(report).toMatchObject({ format, rows: N, dim: 4 });
      for (const p of report.paths) expect(fs.statSync(p).size).toBeGreaterThan(0);
    }
    expect(fs.existsSync(path.join(dir, 't.csv'))).toBe(true); // the .npy's row metadata
  }, 60_000);
});

describe('gallery captions', () => {
  it('fit their cells at the default size: short rank lines, long names wrapped, a legend naming the measure', async () => {
    const { buildGalleryFigure, galleryLegend } = await import('../../../src-main/export/figure-gallery.ts');
    const { textWidth } = await import('../../../src-main/export/figure-scene.ts');
    const { columnsFor } = await import('../../../src-main/export/figure-grid.ts');
    const neighbours = Array.from({ length: 12 }, (_, i) => ({
      label: `member_${String(i).padStart(3, '0')}_ring_continuum_band6.fits`, thumb: null, distance: 0.001 + i * 1e-4, centred: 0.9 - i * 0.05,
    }));
    const scene = buildGalleryFigure({ query: { label: 'query_ring_continuum_band6.fits', thumb: null }, neighbours, metric: 'cosine' }, 3.35);
    const columns = columnsFor(3.35, 13);
    const cellW = (scene.width - 8 - (columns - 1) * 4) / columns;
    const texts = scene.items.filter((p) => p.kind === 'text' && p.text !== 'no preview') as { text: string; size: number; x: number; y: number }[];
    const ranks = texts.filter((t) => t.text.startsWith('#'));
    expect(ranks.map((t) => t.text)).toEqual(neighbours.map((nb, i) => `#${i + 1} · ${nb.centred.toFixed(2)}`));
    // Every caption line fits its cell (centred texts at most a cell wide never touch their neighbours).
    for (const t of texts.filter((t) => t.y < scene.height - 30)) expect(textWidth(t.text, t.size)).toBeLessThanOrEqual(cellW + 0.01);
    // The long names wrap onto a second line rather than losing their ends.
    expect(texts.some((t) => t.text.endsWith('band6.fits'))).toBe(true);
    const legend = texts.filter((t) => t.y > scene.height - 30).map((t) => t.text).join(' ');
    expect(legend).toContain(galleryLegend('cosine').slice(0, 40));
    expect(legend).toContain('rank by cosine similarity');
    expect(legend).toMatch(/mean embedding/);
  });
});
