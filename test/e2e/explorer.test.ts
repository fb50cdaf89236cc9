// The embedding explorer in Chromium against a real `astromorph serve`: the sample disks with imported
// embeddings (class one-hot plus noise, so the map has groups and strays), then the map's axes, zoom,
// method and parameter changes, colour scales and legends, HDBSCAN numbered as the CLI numbers it, the
// lasso selecting in the dataset grid and multi-select there, the anomaly list re-ranked by marks,
// exports, the address keeping tab, selection and zoom across a reload and Back, labelled inputs, and a
// second window on the same project (read-only) that still maps in memory. Screenshots go to
// test-results/screenshots/explorer-*.png.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { canvasForeground, cli, ensureRendererBuilt, openPage, closeAll, sampleProject, screenshot, serve } from './served-app.ts';
import type { Served } from './served-app.ts';

const SLOW = { timeout: 30_000 };
const CLASSES = ['asymmetric', 'binary', 'multi-ring', 'ring', 'smooth', 'spiral'];

let dir: string;
let projectFile: string;
let server: Served;
let browser: BrowserContext;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  ensureRendererBuilt();
  ({ dir, project: projectFile } = sampleProject());
  const rows = readFileSync(join(dir, 'sample-data', 'disks', 'labels.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
  let seed = 11;
  const noise = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32 - 0.5) * 0.5;
  writeFileSync(join(dir, 'emb.csv'), 'file,emb_0,emb_1,emb_2,emb_3,emb_4,emb_5,emb_6,emb_7\n'
    + rows.map((r) => `sample-data/disks/${r[0]},${Array.from({ length: 8 }, (_, j) => ((j === CLASSES.indexOf(r[2]) ? 1 : 0) + noise()).toFixed(4)).join(',')}`).join('\n'));
  cli(['import', 'survey', 'emb.csv'], dir);
  server = await serve(projectFile);
  ({ browser, page } = await openPage(pageErrors));
  await page.goto(server.url);
  await page.getByTestId('grid').waitFor();
}, 180_000);

afterAll(async () => {
  expect(await closeAll(browser, server)).toBe(0);
});

const caption = () => page.getByTestId('map-caption').textContent();
const hash = () => page.evaluate(() => location.hash);

async function lassoAround(fraction: number) {
  const box = (await page.getByTestId('scatter').boundingBox())!;
  const cx = box.x + box.width / 2, cy = box.y + box.height / 2, r = Math.min(box.width, box.height) * fraction;
  await page.getByTestId('lasso-tool').click();
  await page.mouse.move(cx + r, cy);
  await page.mouse.down();
  for (let a = 0; a <= 2 * Math.PI + 0.01; a += Math.PI / 24) await page.mouse.move(cx + r * Math.cos(a), cy + r * Math.sin(a));
  await page.mouse.up();
}

describe('the embedding explorer in Chromium', () => {
  it('tabs are tabs; every input and select has a label', async () => {
    const tabs = page.getByRole('tab');
    expect(await tabs.count()).toBe(5);
    expect(await page.getByRole('tab', { name: 'Dataset' }).getAttribute('aria-selected')).toBe('true');
    expect(await page.getByRole('tab', { name: 'Map' }).getAttribute('aria-selected')).toBe('false');
  }, 180_000);

  it('draws a PCA map with labelled axes, filled markers and a cluster legend', async () => {
    await page.getByRole('tab', { name: 'Map' }).click();
    expect(await page.getByRole('tab', { name: 'Map' }).getAttribute('aria-selected')).toBe('true');
    await page.getByTestId('scatter').waitFor({ timeout: 60_000 });
    await expect.poll(caption, { timeout: 60_000 }).toMatch(/PCA · run 1 · 60 points/);
    await expect.poll(() => page.getByTestId('map-legend').textContent(), SLOW).toMatch(/^cluster 0 \(\d+\)cluster 1/);
    expect(await page.getByTestId('scatter').getAttribute('data-axes')).toMatch(/^PC1 \(\d+\.\d % of variance\)\|PC2 \(\d+\.\d % of variance\)$/);
    // The axis band holds tick labels: foreground pixels at the left edge.
    const axisInk = await page.getByTestId('scatter').evaluate((el) => {
      const c = el as HTMLCanvasElement;
      const d = c.getContext('2d')!.getImageData(0, 0, Math.round(c.width * 0.03), c.height).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i] + d[i + 1] + d[i + 2] > 200) n++;
      return n;
    });
    expect(axisInk).toBeGreaterThan(50);
    expect(await canvasForeground(page, '[data-testid=scatter]')).toBeGreaterThan(1500);
    // Every input and select has an accessible name (a label around it, or aria-label).
    const unlabelled = await page.evaluate(() => [...document.querySelectorAll('input, select')].filter((el) => {
      const e = el as HTMLInputElement;
      return !(e.closest('label') || e.getAttribute('aria-label') || (e.id && document.querySelector(`label[for="${e.id}"]`)));
    }).map((e) => e.outerHTML.slice(0, 80)));
    expect(unlabelled).toEqual([]);
    await screenshot(page, 'explorer-1-pca-clusters');
  }, 180_000);

  it('draws the points with WebGL, where the 2-D fallback (no WebGL) draws them', async () => {
    expect(await page.getByTestId('scatter').getAttribute('data-renderer')).toMatch(/^webgl2?$/);
    // Plot-area blocks (8 x 8 px) holding point pixels: of the WebGL canvas alone (the overlay draws the
    // thumbnails at the points, which would hide where the points are), or as seen on the 2-D fallback.
    const inked = (p: Page, layers: string) => p.getByTestId('scatter').evaluate((el, layers) => {
      const c = el as HTMLCanvasElement;
      const scratch = document.createElement('canvas');
      scratch.width = c.width;
      scratch.height = c.height;
      const ctx = scratch.getContext('2d')!;
      for (const layer of c.parentElement!.querySelectorAll(layers)) ctx.drawImage(layer as HTMLCanvasElement, 0, 0);
      const d = ctx.getImageData(0, 0, c.width, c.height).data;
      const cols = Math.ceil(c.width / 8);
      const blocks = new Set<number>();
      // Right of and above the axis bands (52 and 34 CSS px), which the 2-D overlay draws in both.
      const dpr = window.devicePixelRatio || 1;
      for (let y = 0; y < c.height - 40 * dpr; y++) {
        for (let x = Math.ceil(60 * dpr); x < c.width; x++) {
          const i = 4 * (y * c.width + x);
          if (Math.abs(d[i] - 11) + Math.abs(d[i + 1] - 13) + Math.abs(d[i + 2] - 15) > 60) blocks.add(Math.floor(y / 8) * cols + Math.floor(x / 8));
        }
      }
      return { cols, blocks: [...blocks] };
    }, layers);
    const gl = await inked(page, 'canvas.points');
    const plain = await browser.newPage();
    try {
      await plain.addInitScript(() => {
        const get = HTMLCanvasElement.prototype.getContext as (this: HTMLCanvasElement, kind: string, options?: unknown) => RenderingContext | null;
        HTMLCanvasElement.prototype.getContext = function (this: HTMLCanvasElement, kind: string, options?: unknown) {
          return kind.includes('webgl') ? null : get.call(this, kind, options);
        } as typeof HTMLCanvasElement.prototype.getContext;
        // No thumbnails or their frames over the points (only canvases are drawn into canvases here).
        const draw = CanvasRenderingContext2D.prototype.drawImage as (this: CanvasRenderingContext2D, ...args: unknown[]) => void;
        CanvasRenderingContext2D.prototype.drawImage = function (this: CanvasRenderingContext2D, ...args: unknown[]) {
          if (!(args[0] instanceof HTMLImageElement)) draw.apply(this, args);
        } as typeof CanvasRenderingContext2D.prototype.drawImage;
        CanvasRenderingContext2D.prototype.strokeRect = () => {};
      });
      await plain.goto(server.url);
      await plain.getByRole('tab', { name: 'Map' }).click();
      await expect.poll(() => plain.getByTestId('map-caption').textContent(), { timeout: 60_000 }).toMatch(/PCA · run 1 · 60 points/);
      expect(await plain.getByTestId('scatter').getAttribute('data-renderer')).toBe('2d');
      await expect.poll(() => canvasForeground(plain, '[data-testid=scatter]'), SLOW).toBeGreaterThan(1500);
      const flat = await inked(plain, 'canvas');
      expect(flat.cols).toBe(gl.cols);
      expect(gl.blocks.length).toBeGreaterThan(20);
      // Every point block of one has a point block of the other within a block (discs differ by a pixel).
      const near = (set: Set<number>, b: number) => [-1, 0, 1].some((dy) => [-1, 0, 1].some((dx) => set.has(b + dy * gl.cols + dx)));
      const glSet = new Set(gl.blocks), flatSet = new Set(flat.blocks);
      expect(gl.blocks.filter((b) => !near(flatSet, b))).toEqual([]);
      expect(flat.blocks.filter((b) => !near(glSet, b))).toEqual([]);
      await screenshot(plain, 'explorer-1b-pca-2d-fallback');
    } finally {
      await plain.close();
    }
  }, 180_000);

  it('zooms with the wheel and the keyboard; the zoom survives a reload', async () => {
    const box = (await page.getByTestId('scatter').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, -400);
    await expect.poll(hash, SLOW).toMatch(/^#\/map\?zoom=[\d.]+,/);
    const zoomed = (await hash()).match(/zoom=([\d.]+)/)![1];
    await page.getByTestId('scatter').focus();
    await page.keyboard.press('+');
    await expect.poll(async () => Number((await hash()).match(/zoom=([\d.]+)/)?.[1]), SLOW).toBeGreaterThan(Number(zoomed) * 1.2);
    const kept = await hash();
    await page.reload();
    await page.getByTestId('scatter').waitFor({ timeout: 60_000 });
    await expect.poll(caption, { timeout: 60_000 }).toMatch(/PCA · run 1/);
    expect(await page.getByRole('tab', { name: 'Map' }).getAttribute('aria-selected')).toBe('true');
    expect(await hash()).toBe(kept);
    await page.getByTestId('scatter').focus();
    await page.keyboard.press('0');
    await expect.poll(hash, SLOW).toMatch(/zoom=/);
  }, 180_000);

  it('redraws when the method changes, with UMAP and t-SNE parameters from the app', async () => {
    await page.getByTestId('map-method').selectOption('umap');
    await expect.poll(caption, { timeout: 90_000 }).toMatch(/^UMAP · run 1 · 15 neighbours, min_dist 0\.1 · 60 points/);
    expect(await page.getByTestId('scatter').getAttribute('data-axes')).toBe('UMAP 1|UMAP 2');
    await page.getByTestId('map-neighbors').fill('6');
    await page.getByTestId('map-neighbors').press('Enter');
    await expect.poll(caption, { timeout: 90_000 }).toMatch(/^UMAP · run 1 · 6 neighbours, min_dist 0\.1/);
    await page.getByTestId('map-method').selectOption('tsne');
    await page.getByTestId('map-perplexity').fill('8');
    await page.getByTestId('map-perplexity').press('Enter');
    await expect.poll(caption, { timeout: 90_000 }).toMatch(/^t-SNE · run 1 · perplexity 8 · 60 points/);
    expect(await page.getByTestId('scatter').getAttribute('data-axes')).toBe('t-SNE 1|t-SNE 2');
    await page.getByTestId('map-method').selectOption('pca');
    await expect.poll(caption, { timeout: 60_000 }).toMatch(/^PCA · run 1/);
  }, 180_000);

  it('colours by outlier score and by a header value with a colourbar; HDBSCAN clusters as the CLI numbers them', async () => {
    await page.getByTestId('colour-by').selectOption('outlier');
    await expect.poll(() => page.getByTestId('colourbar').textContent(), SLOW).toMatch(/^outlier score/);
    await screenshot(page, 'explorer-2-outlier-colourbar');
    // The beam's position angle: a header value every sample disk carries.
    await page.getByTestId('colour-by').selectOption('header:bpa');
    await expect.poll(() => page.getByTestId('colourbar').textContent(), SLOW).toMatch(/^bpa\s+-?\d/);
    await page.getByTestId('colour-by').selectOption('cluster');
    await page.getByTestId('cluster-method').selectOption('density');
    await page.getByTestId('cluster-min-size').fill('5');
    await page.getByTestId('cluster-min-size').press('Enter');
    await expect.poll(() => page.getByTestId('map-legend').textContent(), SLOW).toMatch(/cluster 0 \(\d+\)/);
    const legend = (await page.getByTestId('map-legend').textContent())!;
    // The CLI reads the same stored clustering (the project is open in serve: read-only for the CLI).
    const view = JSON.parse(cli(['clusters', 'survey', '--method', 'density', '--min-cluster-size', '5', '--json'], dir)) as { reused: boolean; clusters: { label: number; size: number }[] };
    expect(view.reused).toBe(true);
    for (const c of view.clusters) expect(legend).toContain(c.label === -1 ? `noise (${c.size})` : `cluster ${c.label} (${c.size})`);
    await screenshot(page, 'explorer-3-hdbscan');
    await page.getByTestId('cluster-method').selectOption('kmeans');
  }, 180_000);

  it('a lasso selects in the dataset grid too; ctrl- and shift-click change it there; many are tagged at once', async () => {
    await lassoAround(0.25);
    const count = Number(((await page.getByTestId('selection-count').textContent()) ?? '').split(' ')[0]);
    expect(count).toBeGreaterThan(2);
    expect(count).toBeLessThan(60);
    await expect.poll(hash, SLOW).toMatch(/sel=\d+(,\d+)+/);
    await page.getByRole('tab', { name: 'Dataset' }).click();
    await expect.poll(() => page.getByTestId('grid-selection-count').textContent(), SLOW).toBe(`${count} items selected`);
    // Ctrl-click adds an unselected cell; then a plain click and shift-click select a range of 4.
    const unselected = page.locator('[data-item][aria-pressed=false]').first();
    await unselected.click({ modifiers: ['Control'] });
    await expect.poll(() => page.getByTestId('grid-selection-count').textContent(), SLOW).toBe(`${count + 1} items selected`);
    await page.locator('[data-item]').nth(0).click();
    await page.locator('[data-item]').nth(3).click({ modifiers: ['Shift'] });
    await expect.poll(() => page.locator('[data-item][aria-pressed=true]').count(), SLOW).toBe(4);
    await page.getByTestId('grid-tag').fill('batch');
    await page.getByTestId('grid-tag-selection').click();
    await expect.poll(() => page.locator('aside .tags').textContent(), SLOW).toContain('batch 4');
    await screenshot(page, 'explorer-4-grid-multiselect');
    // Back returns to the map with the same selection of 4.
    await page.goBack();
    await expect.poll(() => page.getByRole('tab', { name: 'Map' }).getAttribute('aria-selected'), SLOW).toBe('true');
    // Back restores that step's address: the lasso's selection, which the map shows again.
    await expect.poll(() => page.getByTestId('selection-count').textContent(), { timeout: 60_000 }).toBe(`${count} selected`);
  }, 180_000);

  it('sorts the grid by outlier score and by cluster', async () => {
    await page.getByRole('tab', { name: 'Anomalies' }).click();
    await page.getByTestId('anomaly-row').first().waitFor(SLOW);
    const strangest = await page.getByTestId('anomaly-row').first().getAttribute('data-item-id');
    await page.getByRole('tab', { name: 'Dataset' }).click();
    await page.getByTestId('sort').selectOption('outlier');
    await page.getByRole('button', { name: 'reverse the order' }).click();
    await expect.poll(() => page.locator('[data-item]').first().getAttribute('data-item'), SLOW).toBe(strangest);
    await page.getByTestId('sort').selectOption('cluster');
    await page.getByRole('button', { name: 'reverse the order' }).click();
    await page.getByTestId('sort').selectOption('path');
  }, 180_000);

  it('ranks anomalies with thumbnails and scores, and re-ranks them from interesting / not-interesting marks', async () => {
    await page.getByRole('tab', { name: 'Anomalies' }).click();
    await expect.poll(() => page.getByTestId('anomaly-row').count(), SLOW).toBeGreaterThan(20);
    await expect.poll(() => page.locator('[data-testid=anomaly-row] img').evaluateAll((imgs) => imgs.filter((i) => (i as HTMLImageElement).naturalWidth > 0).length), SLOW).toBeGreaterThan(5);
    const scores = (await page.locator('[data-testid=anomaly-row] .score').allTextContents()).map(Number);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    const ids = async () => page.getByTestId('anomaly-row').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.itemId));
    const before = await ids();
    // The strangest is an artefact; the fifth is what we are after.
    await page.getByTestId('anomaly-row').first().getByTestId('mark-dull').click();
    await expect.poll(() => page.getByTestId('anomaly-marked').textContent(), SLOW).toBe('0 interesting · 1 not interesting');
    const fifth = before[4];
    await page.locator(`[data-testid=anomaly-row][data-item-id="${fifth}"]`).getByTestId('mark-interesting').click();
    await expect.poll(async () => (await ids())[0], SLOW).toBe(fifth);
    const after = await ids();
    expect(after.slice(0, 40)).not.toContain(before[0]);
    await page.locator('.anomalies').evaluate((el) => el.scrollTo(0, 0));
    await screenshot(page, 'explorer-5-anomalies-feedback');
    // The marks are tags in the project: the CLI ranks the same.
    const fb = JSON.parse(cli(['outliers', 'survey', '--feedback', '--top', '3', '--json'], dir)) as { ranked: { itemId: number }[] };
    expect(String(fb.ranked[0].itemId)).toBe(fifth);
    const download = page.waitForEvent('download');
    await page.getByTestId('anomaly-export').selectOption('csv');
    const file = await download;
    const text = readFileSync((await file.path())!, 'utf8');
    expect(text.split('\n')[0]).toMatch(/^file,hdu,object,.*,tags,emb_0,/);
    expect(text.split('\n')[1]).toMatch(/[,;]interesting[,;]/);
  }, 180_000);

  it('exports the lasso selection with the CLI table\'s columns, a figure and a FITS table', async () => {
    await page.getByRole('tab', { name: 'Map' }).click();
    await page.getByTestId('scatter').waitFor({ timeout: 60_000 });
    await expect.poll(() => page.getByTestId('selection-count').textContent(), SLOW).toMatch(/selected/);
    let download = page.waitForEvent('download');
    await page.getByTestId('export-selection').click();
    const csv = readFileSync((await (await download).path())!, 'utf8').trim().split('\n');
    const header = csv[0].split(',');
    expect(header.slice(0, 3)).toEqual(['file', 'hdu', 'object']);
    for (const col of ['pca_x', 'pca_y', 'cluster', 'outlier_score', 'tags', 'emb_0', 'emb_7']) expect(header).toContain(col);
    download = page.waitForEvent('download');
    await page.getByTestId('map-export').selectOption('figure:pdf');
    const pdf = await download;
    expect(pdf.suggestedFilename()).toBe('survey-map.pdf');
    expect(readFileSync((await pdf.path())!).subarray(0, 5).toString()).toBe('%PDF-');
    download = page.waitForEvent('download', { timeout: 60_000 });
    await page.getByTestId('map-export').selectOption('sheet:pdf');
    const sheet = await download;
    expect(sheet.suggestedFilename()).toBe('survey-sheet.pdf');
    expect(readFileSync((await sheet.path())!).subarray(0, 5).toString()).toBe('%PDF-');
    download = page.waitForEvent('download');
    await page.getByTestId('map-export').selectOption('run:fits');
    const fits = await download;
    expect(fits.suggestedFilename()).toMatch(/\.fits$/);
    expect(readFileSync((await fits.path())!).subarray(0, 30).toString()).toBe('SIMPLE  =                    T');
  }, 180_000);

  it('a second window on the same project is read-only and still maps and finds similar items in memory', async () => {
    const second = await serve(projectFile);
    const other = await browser.newPage();
    try {
      await other.goto(second.url);
      await other.getByTestId('read-only').waitFor(SLOW);
      await other.getByRole('tab', { name: 'Map' }).click();
      await other.getByTestId('map-method').selectOption('umap');
      await other.getByTestId('map-neighbors').fill('9');
      await other.getByTestId('map-neighbors').press('Enter');
      await expect.poll(() => other.getByTestId('map-caption').textContent(), { timeout: 90_000 }).toMatch(/UMAP · run 1 · 9 neighbours.*not stored/);
      expect(await canvasForeground(other, '[data-testid=scatter]')).toBeGreaterThan(500);
      await screenshot(other, 'explorer-6-read-only-map');
      await other.getByRole('tab', { name: 'Similar' }).click();
      expect(await other.getByTestId('error').count()).toBe(0);
    } finally {
      await other.close();
      await second.stop();
    }
  }, 180_000);

  it('raised no uncaught page errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
