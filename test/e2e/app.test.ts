// The served UI end to end: a real `astromorph serve` on a project made from the sample data, driven
// in Chromium through every view, with a screenshot of each (test-results/screenshots/).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { canvasForeground, ensureRendererBuilt, launchChromium, sampleProject, screenshot, serve } from './served-app.ts';
import type { Served } from './served-app.ts';

let server: Served;
let browser: BrowserContext;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  ensureRendererBuilt();
  const { project } = sampleProject();
  server = await serve(project);
  browser = await launchChromium();
  page = browser.pages()[0] ?? (await browser.newPage());
  page.on('pageerror', (e) => pageErrors.push(e.message));
}, 180_000);

afterAll(async () => {
  await browser?.close();
  const code = await server?.stop();
  expect(code).toBe(0);
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
    // 64 items in the sample data; only the visible rows are in the DOM.
    await expect.poll(() => page.locator('.bar .num').first().textContent()).toBe('64');
    const loaded = () => page.locator('[data-item] img').evaluateAll((imgs) => imgs.filter((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0).length);
    await expect.poll(loaded).toBeGreaterThan(5);
    await screenshot(page, '0-dataset-grid');
  });

  it('filters by text and sorts', async () => {
    await page.getByTestId('search').fill('spiral');
    await expect.poll(() => page.locator('.bar .num').first().textContent()).toBe('11');
    await page.getByTestId('search').fill('');
    await expect.poll(() => page.locator('.bar .num').first().textContent()).toBe('64');
  });

  it('opens a cube in the viewer with scales, channels, readout and header', async () => {
    await page.getByTestId('search').fill('cube');
    await expect.poll(() => page.locator('.bar .num').first().textContent()).toBe('1');
    await page.locator('[data-item]').first().dblclick();
    await page.getByTestId('image-canvas').waitFor();
    await expect.poll(() => canvasForeground(page, '[data-testid=image-canvas]')).toBeGreaterThan(2000);
    await page.getByTestId('channel-slider').waitFor();
    await page.getByTestId('stretch').selectOption('log');
    await page.getByTestId('limits').selectOption('zscale');
    await page.getByTestId('colormap').selectOption('magma');
    const box = (await page.getByTestId('image-canvas').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await expect.poll(() => page.getByTestId('readout').textContent()).toMatch(/value .*\d/);
    // The sample cube has a celestial WCS: the readout shows RA and Dec.
    expect(await page.getByTestId('readout').textContent()).toMatch(/\d\d:\d\d:\d\d\.\d+ [+-]\d\d:\d\d:/);
    expect(await page.getByTestId('header-table').textContent()).toContain('NAXIS3');
    const shot = await screenshot(page, '1-dataset-viewer');
    expect(statSync(shot).size).toBeGreaterThan(20_000);
    await page.getByTestId('search').fill('');
  });

  it('raised no uncaught page errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
