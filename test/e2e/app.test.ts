// The served UI end to end: a real `astromorph serve` on a project made from the sample data, driven
// in Chromium through every view, with a screenshot of each (test-results/screenshots/).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { canvasForeground, ensureRendererBuilt, openPage, closeAll, sampleProject, screenshot, serve } from './served-app.ts';
import type { Served } from './served-app.ts';

// Polls wait long: CI runs this beside every other suite on two cores.
const SLOW = { timeout: 20_000 };

let server: Served;
let browser: BrowserContext;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  ensureRendererBuilt();
  const { project } = sampleProject();
  server = await serve(project);
  ({ browser, page } = await openPage(pageErrors));
}, 180_000);

afterAll(async () => {
  expect(await closeAll(browser, server)).toBe(0);
});

describe('astromorph serve in Chromium', () => {
  it('opens the project and shows the thumbnail grid', async () => {
    await page.goto(server.url);
    // The token in the URL was traded for a cookie and left the address bar.
    expect(page.url()).not.toContain('token=');
    await page.getByTestId('grid').waitFor();
    await page.locator('[data-item] img').first().waitFor();
    const cells = await page.locator('[data-item]').count();
    expect(cells).toBeGreaterThan(10);
    // 64 sample files and one broken one; only the visible rows are in the DOM.
    await expect.poll(() => page.locator('.bar .num').first().textContent(), SLOW).toBe('65');
    const loaded = () => page.locator('[data-item] img').evaluateAll((imgs) => imgs.filter((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0).length);
    await expect.poll(loaded, SLOW).toBeGreaterThan(5);
    await screenshot(page, '0-dataset-grid');
  });

  it('filters by text and sorts', async () => {
    await page.getByTestId('search').fill('spiral');
    await expect.poll(() => page.locator('.bar .num').first().textContent(), SLOW).toBe('11');
    await page.getByTestId('search').fill('');
    await expect.poll(() => page.locator('.bar .num').first().textContent(), SLOW).toBe('65');
    await page.getByTestId('sort').selectOption('object');
    await expect.poll(() => page.locator('[data-item] .sub').first().textContent(), SLOW).toMatch(/^synthetic asymmetric/);
    await page.getByTestId('sort').selectOption('path');
  });

  it('shows a failed file with its reason, by status filter', async () => {
    await page.getByLabel('failed').check();
    await expect.poll(() => page.locator('.bar .num').first().textContent(), SLOW).toBe('1');
    const cell = page.locator('[data-item]').first();
    expect(await cell.locator('.badge').textContent()).toBe('failed');
    expect(await cell.getAttribute('title')).toMatch(/truncated\.fits\nfailed: .+/);
    await page.getByLabel('failed').uncheck();
    await expect.poll(() => page.locator('.bar .num').first().textContent(), SLOW).toBe('65');
  });

  it('opens a cube in the viewer with scales, channels, readout and header', async () => {
    await page.getByTestId('search').fill('cube');
    await expect.poll(() => page.locator('.bar .num').first().textContent(), SLOW).toBe('1');
    await page.locator('[data-item]').first().dblclick();
    await page.getByTestId('image-canvas').waitFor();
    await expect.poll(() => canvasForeground(page, '[data-testid=image-canvas]'), SLOW).toBeGreaterThan(2000);
    await page.getByTestId('channel-slider').waitFor();
    const pixels = () => page.getByTestId('image-canvas').evaluate((el) => {
      const c = el as HTMLCanvasElement;
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let h = 0;
      for (let i = 0; i < d.length; i += 4) h = (h * 31 + d[i] * 3 + d[i + 1] * 5 + d[i + 2] * 7) >>> 0;
      return h;
    });
    const before = await pixels();
    await page.getByTestId('stretch').selectOption('log');
    await page.getByTestId('limits').selectOption('zscale');
    await expect.poll(pixels, SLOW).not.toBe(before);
    const gray = await pixels();
    await page.getByTestId('colormap').selectOption('inferno');
    await expect.poll(pixels, SLOW).not.toBe(gray);
    // A calmer setting for the screenshot: sqrt between the 99.5 % limits.
    await page.getByTestId('stretch').selectOption('sqrt');
    await page.getByTestId('limits').selectOption('99.5');
    const box = (await page.getByTestId('image-canvas').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await expect.poll(() => page.getByTestId('readout').textContent(), SLOW).toMatch(/value .*\d/);
    // The sample cube has a celestial WCS: the readout shows RA and Dec.
    expect(await page.getByTestId('readout').textContent()).toMatch(/\d\d:\d\d:\d\d\.\d+ [+-]\d\d:\d\d:/);
    expect(await page.getByTestId('header-table').textContent()).toContain('NAXIS3');
    const shot = await screenshot(page, '1-dataset-viewer');
    expect(statSync(shot).size).toBeGreaterThan(20_000);
    await page.getByTestId('search').fill('');
  });

  it('validates training settings, trains a short run and shows live progress', async () => {
    await page.getByTestId('tab-training').click();
    await page.getByTestId('settings-form').waitFor();
    // The main side checks the form with the TOML schema: a batch of 1 is refused, naming the key.
    await page.getByTestId('field-batch_size').fill('1');
    await expect.poll(() => page.locator('.err').first().textContent(), SLOW).toMatch(/^batch_size: /);
    expect(await page.getByTestId('start-training').isDisabled()).toBe(true);
    const small: Record<string, string> = { epochs: '3', batch_size: '16', image_size: '32', width: '8', depth: '2', projection_size: '32', projection_hidden_size: '64' };
    for (const [key, value] of Object.entries(small)) await page.getByTestId(`field-${key}`).fill(value);
    await expect.poll(() => page.getByTestId('start-training').isDisabled(), SLOW).toBe(false);
    await page.getByTestId('start-training').click();
    // Progress events arrive: the step counter moves and the curve gets points.
    await expect.poll(() => page.getByTestId('training-stats').textContent(), { timeout: 60_000 }).toMatch(/step\s*\d+\/12/);
    await expect.poll(() => page.getByTestId('training-status').textContent(), { timeout: 120_000 }).toMatch(/run 1 done/);
    const lossPath = await page.locator('[data-testid=loss-chart] path.raw').getAttribute('d');
    expect((lossPath ?? '').split('L').length).toBeGreaterThanOrEqual(10);
    await expect.poll(() => page.getByTestId('runs').textContent(), SLOW).toMatch(/done\s*small-cnn\s*32 px\s*3\/3/);
    await screenshot(page, '2-training');
    // The finished run kept only its encoder: the status bar's size says what takes the file, and Compact runs.
    await expect.poll(() => page.getByTestId('project-size').getAttribute('title'), SLOW).toMatch(/training state \(resumable\): 0\.0 kB/);
    await page.getByTestId('compact-project').click();
    await expect.poll(() => page.getByTestId('project-size').getAttribute('title'), SLOW).toMatch(/free pages: 0\.0 kB/);
  });

  it('embeds the run and maps it; a lasso selects points that can be tagged and exported', async () => {
    await page.getByTestId('embed-1').click();
    // A finished embedding switches to the map, which computes PCA for the newest run.
    await page.getByTestId('scatter').waitFor({ timeout: 60_000 });
    await expect.poll(() => canvasForeground(page, '[data-testid=scatter]'), { timeout: 30_000 }).toBeGreaterThan(200);
    // Figure 2's thumbnails: the noise masked, then back.
    await page.getByTestId('mask-noise').click();
    await expect.poll(() => page.getByTestId('mask-noise').getAttribute('class'), SLOW).toMatch(/\bon\b/);
    await expect.poll(() => canvasForeground(page, '[data-testid=scatter]'), { timeout: 30_000 }).toBeGreaterThan(200);
    await page.getByTestId('mask-noise').click();
    await page.getByTestId('lasso-tool').click();
    const box = (await page.getByTestId('scatter').boundingBox())!;
    // A big loop around the centre of the map: the fitted points spread over the whole canvas.
    const cx = box.x + box.width / 2, cy = box.y + box.height / 2, r = Math.min(box.width, box.height) * 0.3;
    await page.mouse.move(cx + r, cy);
    await page.mouse.down();
    for (let a = 0; a <= 2 * Math.PI + 0.01; a += Math.PI / 24) await page.mouse.move(cx + r * Math.cos(a), cy + r * Math.sin(a));
    await page.mouse.up();
    const count = Number(((await page.getByTestId('selection-count').textContent()) ?? '').split(' ')[0]);
    expect(count).toBeGreaterThan(0);
    expect(count).toBeLessThan(64);
    await page.getByTestId('selection-tag').fill('core');
    await page.getByTestId('tag-selection').click();
    await expect.poll(() => page.locator('[data-testid=colour-by]').count(), SLOW).toBe(1);
    const download = page.waitForEvent('download');
    await page.getByTestId('export-selection').click();
    const file = await download;
    expect(file.suggestedFilename()).toBe(`survey-selection-${count}.csv`);
    await screenshot(page, '3-map-lasso');
    // Tagged items show the tag in the dataset browser.
    await page.getByTestId('tab-dataset').click();
    await expect.poll(() => page.locator('aside .tags').textContent(), SLOW).toContain(`core ${count}`);
  });

  it('finds similar images from the map and follows a match', async () => {
    await page.getByTestId('tab-map').click();
    await page.getByTestId('scatter').waitFor();
    await expect.poll(() => canvasForeground(page, '[data-testid=scatter]'), { timeout: 30_000 }).toBeGreaterThan(200);
    // Sweep the cursor until it hovers a point (the side panel shows the item), then click there.
    const box = (await page.getByTestId('scatter').boundingBox())!;
    let found = false;
    for (let y = box.y + 20; y < box.y + box.height - 20 && !found; y += 12) {
      for (let x = box.x + 20; x < box.x + box.width - 20 && !found; x += 12) {
        await page.mouse.move(x, y);
        if (await page.getByTestId('map-item').count()) {
          found = true;
          await page.mouse.down();
          await page.mouse.up();
        }
      }
    }
    expect(found).toBe(true);
    await page.getByTestId('map-similar').click();
    await page.getByTestId('similar-results').waitFor();
    await expect.poll(() => page.getByTestId('match').count(), SLOW).toBe(24);
    // Ranked by cosine; each shows its cosine about the run's mean.
    const cosines = (await page.locator('[data-testid=match]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-cosine')))));
    expect([...cosines].sort((a, b) => b - a)).toEqual(cosines);
    const scores = (await page.locator('[data-testid=match] .score').allTextContents()).map(Number);
    expect(scores.every((v) => v >= -1 && v <= 1)).toBe(true);
    // Spread out, not crowded near 1 as the raw cosines of a collapsed embedding were (0.995-0.997).
    expect(Math.max(...scores) - Math.min(...scores)).toBeGreaterThan(0.3);
    expect(await page.getByTestId('similar-legend').textContent()).toContain("subtracting the run's mean");
    // An emptied k waits for a number, saying so in place, instead of a failed call ("k: Invalid input").
    await page.getByTestId('similar-k').fill('');
    await expect.poll(() => page.getByTestId('k-problem').count(), SLOW).toBe(1);
    expect(await page.getByTestId('error').count()).toBe(0);
    await page.getByTestId('similar-k').fill('24');
    await expect.poll(() => page.getByTestId('k-problem').count(), SLOW).toBe(0);
    const first = await page.getByTestId('similar-query').textContent();
    const next = (await page.locator('[data-testid=match] .nm').first().textContent())!;
    await page.getByTestId('match').first().click();
    await expect.poll(() => page.getByTestId('similar-query').textContent(), SLOW).toContain(next);
    expect(await page.getByTestId('similar-query').textContent()).not.toBe(first);
    await page.locator('[data-testid=match] img').first().waitFor();
    await screenshot(page, '4-similar');
  });

  it('recomputes the map with t-SNE and colours it by outlier score', async () => {
    await page.getByTestId('tab-map').click();
    // Choosing the method redraws; no Compute needed.
    await page.getByTestId('map-method').selectOption('tsne');
    await expect.poll(() => page.getByTestId('map-caption').textContent(), { timeout: 60_000 }).toMatch(/^t-SNE · run 1 · perplexity [\d.]+ · 64 points/);
    await page.getByTestId('colour-by').selectOption('outlier');
    await expect.poll(() => page.getByTestId('colourbar').textContent(), { timeout: 60_000 }).toMatch(/^outlier score/);
    expect(await canvasForeground(page, '[data-testid=scatter]')).toBeGreaterThan(200);
    await screenshot(page, '6-map-tsne-outliers');
  });

  it('pauses, resumes and cancels a run from the monitor', async () => {
    await page.getByTestId('tab-training').click();
    await page.getByTestId('field-epochs').fill('500');
    await expect.poll(() => page.getByTestId('start-training').isDisabled(), SLOW).toBe(false);
    await page.getByTestId('start-training').click();
    // The form kept its values while other tabs were shown.
    expect(await page.getByTestId('field-image_size').inputValue()).toBe('32');
    await expect.poll(() => page.getByTestId('training-stats').textContent(), { timeout: 60_000 }).toMatch(/run\s*2\s*epoch\s*1\/500/);
    await page.getByRole('button', { name: 'Pause' }).click();
    await expect.poll(() => page.getByTestId('runs').textContent(), { timeout: 60_000 }).toMatch(/paused/);
    expect(await page.getByTestId('training-status').textContent()).toMatch(/run 2 paused/);
    await page.getByRole('button', { name: 'Resume run 2' }).click();
    await expect.poll(() => page.getByTestId('training-status').textContent(), { timeout: 60_000 }).toMatch(/run 2 resumed/);
    await page.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => page.getByTestId('training-status').textContent(), { timeout: 60_000 }).toMatch(/run 2 cancelled/);
    await expect.poll(() => page.getByTestId('runs').textContent(), SLOW).toMatch(/cancelled/);
    await screenshot(page, '5-training-cancelled');
  });

  it('lists encoder, size and final loss; overlays runs on the loss chart; keeps the form across a reload', async () => {
    const runs = (await page.getByTestId('runs').textContent())!;
    expect(runs).toContain('small-cnn');
    expect(runs).toContain('32 px');
    // Run 1: 3 of 3 epochs, 12 steps, then its final (mean) loss with 4 decimals.
    expect(runs).toMatch(/3\/3\s*12\s*-?\d+\.\d{4}/);
    await page.getByTestId('overlay-1').check();
    await expect.poll(() => page.getByTestId('overlay-curve').count(), SLOW).toBe(1);
    expect((await page.getByTestId('overlay-curve').getAttribute('d'))!.split('L').length).toBeGreaterThanOrEqual(10);
    await page.getByTestId('field-framing').selectOption('field');
    await page.getByTestId('field-normalisation').selectOption('minmax');
    await page.getByTestId('aug-flip').check();
    await expect.poll(() => page.getByTestId('start-training').isDisabled(), SLOW).toBe(false);
    await screenshot(page, '7-training-overlay');
    await page.reload();
    await page.getByTestId('settings-form').waitFor(SLOW);
    expect(await page.getByTestId('field-framing').inputValue()).toBe('field');
    expect(await page.getByTestId('field-normalisation').inputValue()).toBe('minmax');
    expect(await page.getByTestId('aug-flip').isChecked()).toBe(true);
    expect(await page.getByTestId('aug-noise').isChecked()).toBe(true); // the default, kept beside the ticked flip
    expect(await page.getByTestId('aug-rotation').isChecked()).toBe(false);
    expect(await page.getByTestId('field-epochs').inputValue()).toBe('500');
  });

  it('shows a failed call as a readable message, not a blank screen', async () => {
    await page.getByTestId('tab-dataset').click();
    await page.getByPlaceholder('/path/to/fits').fill('/no/such/folder');
    await page.getByRole('button', { name: 'Add' }).click();
    await expect.poll(() => page.getByTestId('error').first().textContent(), SLOW).toContain('/no/such/folder is not a folder');
    expect(await page.getByTestId('grid').isVisible()).toBe(true);
  });

  it('raised no uncaught page errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
