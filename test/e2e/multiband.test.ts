// Multi-band objects in the served app, in Chromium: the sample clouds (four bands each) grouped from the
// dataset browser, previewed before anything is stored, and shown as RGB thumbnails once grouped.
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { cli, ensureRendererBuilt, openPage, closeAll, ROOT, screenshot, serve } from './served-app.ts';
import type { Served } from './served-app.ts';

const SLOW = { timeout: 30_000 };

let server: Served;
let browser: BrowserContext;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  ensureRendererBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'astromorph-e2e-clouds-'));
  cpSync(join(ROOT, 'resources/sample-clouds'), join(dir, 'clouds'), { recursive: true });
  cli(['init', 'clouds'], dir);
  cli(['add', 'clouds', 'clouds'], dir);
  server = await serve(join(dir, 'clouds.amproj'));
  ({ browser, page } = await openPage(pageErrors));
  await page.goto(server.url);
  await page.getByTestId('grid').waitFor();
}, 180_000);

afterAll(async () => {
  expect(await closeAll(browser, server)).toBe(0);
});

/** Share of opaque pixels of the first visible thumbnail whose red and blue differ (0 for a gray image). */
async function colourfulness(): Promise<number> {
  return page.locator('[data-item] img').first().evaluate((el) => {
    const img = el as HTMLImageElement;
    const c = document.createElement('canvas');
    c.width = img.naturalWidth;
    c.height = img.naturalHeight;
    const g = c.getContext('2d')!;
    g.drawImage(img, 0, 0);
    const d = g.getImageData(0, 0, c.width, c.height).data;
    let opaque = 0, colour = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (d[i + 3] === 0) continue;
      opaque++;
      if (Math.abs(d[i] - d[i + 2]) > 30) colour++;
    }
    return opaque > 0 ? colour / opaque : 0;
  });
}

describe('multi-band objects in the browser', () => {
  it('previews the grouping, stores it, and shows each object as an RGB thumbnail', async () => {
    await page.getByTestId('search').fill('_8um');
    await expect.poll(() => page.locator('.bar .num').first().textContent(), SLOW).toBe('12');
    await page.locator('[data-item] img').first().waitFor();
    expect(await colourfulness()).toBeLessThan(0.01); // the scan's gray thumbnail

    await page.getByTestId('group-rule').fill('stem');
    await page.getByTestId('group-preview').click();
    await expect.poll(() => page.getByTestId('grouping').textContent(), SLOW).toMatch(/preview: 12 objects by stem; channels 8um, 70um, 250um, 500um/);
    expect(await colourfulness()).toBeLessThan(0.01); // a preview changes nothing

    await page.getByTestId('group-apply').click();
    await expect.poll(() => page.getByTestId('grouping').textContent(), SLOW).toMatch(/stored: 12 objects by stem/);
    await expect.poll(colourfulness, SLOW).toBeGreaterThan(0.1);
    await screenshot(page, 'multiband-grouped');

    // The viewer shows the object in colour (R 500um, G 70um, B 8um), or the band itself with RGB off.
    await page.locator('[data-item]').first().dblclick();
    await page.getByTestId('band-composite').waitFor(SLOW);
    expect(await page.getByTestId('band-composite-bar').textContent()).toMatch(/cloud000.*R 500um · G 70um · B 8um/);
    const viewerColour = await page.getByTestId('band-composite').evaluate(async (el) => {
      const img = el as HTMLImageElement;
      await img.decode();
      const c = document.createElement('canvas');
      c.width = img.naturalWidth;
      c.height = img.naturalHeight;
      const g = c.getContext('2d')!;
      g.drawImage(img, 0, 0);
      const d = g.getImageData(0, 0, c.width, c.height).data;
      let colour = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0 && Math.abs(d[i] - d[i + 2]) > 30) colour++;
      return { colour: colour / (c.width * c.height), width: c.width };
    });
    expect(viewerColour.width).toBe(120); // the 8um grid, at full resolution
    expect(viewerColour.colour).toBeGreaterThan(0.1);
    await screenshot(page, 'multiband-viewer');
    await page.getByTestId('band-rgb').uncheck();
    await page.locator('[data-testid="image-viewer"] canvas').first().waitFor(SLOW);
    expect(await page.getByTestId('band-composite').count()).toBe(0);

    await page.getByTestId('group-rule').fill('colour');
    await page.getByTestId('group-preview').click();
    await expect.poll(() => page.locator('body').textContent(), SLOW).toContain('unknown grouping rule');
    expect(pageErrors).toEqual([]);
  });
});
