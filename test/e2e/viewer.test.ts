// The image viewer as an astronomer uses DS9, in Chromium at 1024 x 700: FITS pixel readout with the
// frame, GHz/km/s channels, typed and locked limits, contrast/bias by right-drag, invert, DS9
// colormaps, overlays, Save PNG, the keyboard, and failures as docked notices in words.
import { readFileSync, statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { ensureRendererBuilt, openPage, closeAll, sampleProject, screenshot, serve } from './served-app.ts';
import type { Served } from './served-app.ts';

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
  await page.setViewportSize({ width: 1024, height: 700 });
}, 180_000);

afterAll(async () => {
  expect(await closeAll(browser, server)).toBe(0);
});

/** A hash of the canvas pixels: changes whenever anything drawn changes. */
const canvasHash = () => page.getByTestId('image-canvas').evaluate((el) => {
  const c = el as HTMLCanvasElement;
  const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
  let h = 0;
  for (let i = 0; i < d.length; i += 4) h = (h * 31 + d[i] * 3 + d[i + 1] * 5 + d[i + 2] * 7) >>> 0;
  return h;
});
const text = async (id: string) => (await page.getByTestId(id).textContent()) ?? '';

/** Page position of the centre of FITS pixel (i, j) of a w x h image fitted in the canvas (fitPlacement). */
async function pixelCentre(i: number, j: number, w: number, h: number): Promise<[number, number]> {
  const box = (await page.getByTestId('image-canvas').boundingBox())!;
  let scale = Math.min(box.width / w, box.height / h);
  if (scale > 1) scale = Math.floor(scale);
  const x0 = box.x + (box.width - w * scale) / 2;
  const y0 = box.y + (box.height - h * scale) / 2;
  return [x0 + (i - 0.5) * scale, y0 + (h - (j - 0.5)) * scale];
}

describe('the image viewer at 1024 x 700', () => {
  it('opens the cube with nothing cut off, channels in GHz and km/s', async () => {
    await page.goto(server.url);
    await page.getByTestId('search').fill('cube');
    await expect.poll(() => page.locator('.bar .num').first().textContent(), SLOW).toBe('1');
    await page.locator('[data-item]').first().dblclick();
    await page.getByTestId('image-canvas').waitFor();
    await expect.poll(() => text('channel-label'), SLOW).toMatch(/^230\.5\d{5} GHz · -?\d+\.\d\d km\/s \(radio\)$/);
    // Channel 9 of 16 is half a channel (-677 kHz) past CRPIX3 8.5 at the rest frequency: +0.44 km/s.
    expect(await text('channel-label')).toBe('230.537662 GHz · 0.44 km/s (radio)');
    // The colorbar's maximum and every control row are inside the viewer and the window.
    const viewer = (await page.getByTestId('image-viewer').boundingBox())!;
    for (const id of ['colorbar-max', 'colorbar-min', 'limit-max', 'overlay-contours', 'save-png']) {
      const b = (await page.getByTestId(id).boundingBox())!;
      expect(b.x + b.width, id).toBeLessThanOrEqual(Math.min(viewer.x + viewer.width, 1024) + 0.5);
      expect(b.y + b.height, id).toBeLessThanOrEqual(700);
    }
    const clipped = await page.getByTestId('colorbar-max').evaluate((e) => e.scrollWidth > e.clientWidth + 1);
    expect(clipped).toBe(false);
  });

  it('reads pixels in FITS image coordinates with the frame, sexagesimal and degrees', async () => {
    const [x, y] = await pixelCentre(1, 1, 48, 48);
    await page.mouse.move(x, y);
    await expect.poll(() => text('readout'), SLOW).toMatch(/image 1\.\d 1\.\d/);
    const m = /image (\S+) (\S+)/.exec(await text('readout'))!;
    expect(Math.abs(Number(m[1]) - 1)).toBeLessThan(0.5);
    expect(Math.abs(Number(m[2]) - 1)).toBeLessThan(0.5);
    // The reference pixel (CRPIX 24.5) is the image centre: RA 16h, Dec -25° in ICRS (RADESYS).
    const [cx, cy] = await pixelCentre(24.5, 24.5, 48, 48);
    await page.mouse.move(cx, cy);
    await expect.poll(() => text('readout'), SLOW).toMatch(/image 24\.\d 24\.\d/);
    expect(await text('readout-world')).toMatch(/^ICRS (16:00:00\.0\d\d|15:59:59\.9\d\d) (-25:00:00\.\d\d|-24:59:59\.9\d)$/);
    expect(await text('readout-degrees')).toMatch(/^2(40\.000|39\.999)\d{3}° -2[45]\.\d{6}°$/);
  });

  it('takes typed limits, keeps them across channels when locked, and says what is wrong with bad ones', async () => {
    await page.getByTestId('limits').selectOption('zscale');
    await page.getByTestId('lock-limits').check();
    const max = await text('colorbar-max');
    const slider = page.getByTestId('channel-slider');
    await slider.fill('2');
    await expect.poll(() => text('channel-label'), SLOW).toMatch(/GHz/);
    expect(await text('colorbar-max')).toBe(max);
    await page.getByTestId('lock-limits').uncheck();
    await expect.poll(() => text('colorbar-max'), SLOW).not.toBe(max);
    await slider.fill('8');
    const before = await canvasHash();
    await page.getByTestId('limit-min').fill('0');
    await page.getByTestId('limit-max').fill('0.005');
    await page.getByTestId('limit-max').press('Enter');
    await expect.poll(() => page.getByTestId('limits').inputValue(), SLOW).toBe('user');
    expect(await text('colorbar-min')).toBe('0.000');
    expect(await text('colorbar-max')).toMatch(/^0\.005000? Jy\/beam$/);
    await expect.poll(canvasHash, SLOW).not.toBe(before);
    await page.getByTestId('limit-max').fill('soon');
    await page.getByTestId('limit-max').press('Enter');
    expect(await text('limit-problem')).toBe('the high limit "soon" is not a number');
    await page.getByTestId('limits').selectOption('99.5');
    await expect.poll(() => page.getByTestId('limit-problem').count(), SLOW).toBe(0);
  });

  it("offers DS9's colormaps, inverts, and sets contrast and bias by right-drag", async () => {
    const names = await page.getByTestId('colormap').locator('option').allTextContents();
    for (const n of ['heat', 'cool', 'b', 'bb', 'he', 'plasma', 'cubehelix']) expect(names).toContain(n);
    let h = await canvasHash();
    await page.getByTestId('colormap').selectOption('bb');
    await expect.poll(canvasHash, SLOW).not.toBe(h);
    h = await canvasHash();
    await page.getByTestId('invert').check();
    await expect.poll(canvasHash, SLOW).not.toBe(h);
    await page.getByTestId('invert').uncheck();
    h = await canvasHash();
    expect(await text('contrast-bias')).toBe('contrast 1.00 · bias 0.50');
    const [cx, cy] = await pixelCentre(24.5, 24.5, 48, 48);
    await page.mouse.move(cx, cy);
    await page.mouse.down({ button: 'right' });
    await page.mouse.move(cx + 60, cy - 60, { steps: 4 });
    await page.mouse.up({ button: 'right' });
    await expect.poll(() => text('contrast-bias'), SLOW).not.toBe('contrast 1.00 · bias 0.50');
    const [, contrast, bias] = /contrast (\S+) · bias (\S+)/.exec(await text('contrast-bias'))!.map(Number);
    expect(contrast).toBeGreaterThan(1);
    expect(bias).toBeGreaterThan(0.5);
    await expect.poll(canvasHash, SLOW).not.toBe(h);
  });

  it('draws the beam, compass, WCS grid, scale bar and contours at n σ, and saves the view as PNG', async () => {
    await page.getByTestId('colormap').selectOption('heat');
    for (const o of ['beam', 'compass', 'grid', 'scalebar', 'contours']) {
      const h = await canvasHash();
      await page.getByTestId(`overlay-${o}`).check();
      await expect.poll(canvasHash, SLOW).not.toBe(h);
    }
    expect(await text('contour-note')).toMatch(/sky .* · σ .* · levels .*,/);
    let h = await canvasHash();
    await page.getByTestId('contour-mode').selectOption('value');
    await page.getByTestId('contour-levels').fill('1e-4 2e-4');
    await expect.poll(() => text('contour-note'), SLOW).toContain('levels 1.0000e-4, 2.0000e-4');
    await expect.poll(canvasHash, SLOW).not.toBe(h);
    await page.getByTestId('contour-levels').fill('3 lots');
    await expect.poll(() => text('contour-note'), SLOW).toBe('the contour level "lots" is not a number');
    await page.getByTestId('contour-mode').selectOption('sigma');
    h = await canvasHash();
    await page.getByTestId('contour-levels').fill('3 6');
    await expect.poll(canvasHash, SLOW).not.toBe(h);
    // The readout in the screenshot: a pixel on the emission.
    await page.mouse.move(...(await pixelCentre(20, 20, 48, 48)));
    await expect.poll(() => text('readout'), SLOW).toMatch(/image 20\.\d 20\.\d/);
    const shot = await screenshot(page, '7-viewer-1024x700');
    expect(statSync(shot).size).toBeGreaterThan(30_000);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('save-png').click()]);
    expect(download.suggestedFilename()).toBe('spiral_co21_cube-ch9.png');
    const bytes = readFileSync((await download.path())!);
    expect([...bytes.subarray(1, 4)].map((b) => String.fromCharCode(b)).join('')).toBe('PNG');
    expect(bytes.length).toBeGreaterThan(5_000);
    // The display choices outlive a reload, as DS9 keeps its preferences; the viewer reopens from the address.
    await page.reload();
    await page.getByTestId('image-viewer').waitFor(SLOW);
    await expect.poll(() => page.getByTestId('colormap').inputValue(), SLOW).toBe('heat');
    for (const o of ['beam', 'compass', 'grid', 'scalebar', 'contours']) expect(await page.getByTestId(`overlay-${o}`).isChecked(), o).toBe(true);
    expect(await page.getByTestId('contour-levels').inputValue()).toBe('3 6');
  });

  it('closes on Escape; arrow keys move through the grid and Enter opens', async () => {
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('image-viewer').count(), SLOW).toBe(0);
    await page.getByTestId('search').fill('');
    await expect.poll(() => page.locator('.bar .num').first().textContent(), SLOW).toBe('65');
    await page.locator('[data-item]').first().click();
    const first = Number(await page.locator('[data-item].selected').getAttribute('data-item'));
    await page.keyboard.press('ArrowRight');
    await expect.poll(async () => Number(await page.locator('[data-item].selected').getAttribute('data-item')), SLOW).not.toBe(first);
    const second = Number(await page.locator('[data-item].selected').getAttribute('data-item'));
    await page.keyboard.press('ArrowDown');
    await expect.poll(async () => Number(await page.locator('[data-item].selected').getAttribute('data-item')), SLOW).not.toBe(second);
    const below = await page.locator('[data-item].selected').boundingBox();
    const secondBox = await page.locator(`[data-item="${second}"]`).boundingBox();
    expect(Math.abs(below!.x - secondBox!.x)).toBeLessThan(2);
    expect(below!.y).toBeGreaterThan(secondBox!.y);
    const name = (await page.locator('[data-item].selected .name').textContent())!;
    await page.keyboard.press('Enter');
    await page.getByTestId('image-viewer').waitFor();
    await expect.poll(() => page.getByTestId('image-viewer').locator('.title').textContent(), SLOW).toBe(name);
    // With the viewer open, the arrows show the next image.
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => page.getByTestId('image-viewer').locator('.title').textContent(), SLOW).not.toBe(name);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('image-viewer').count(), SLOW).toBe(0);
  });

  it('shows failures as notices docked above the view that repeat as a count, not a pile', async () => {
    for (let i = 0; i < 3; i++) {
      await page.getByPlaceholder('/path/to/fits').fill('/no/such/folder');
      await page.getByRole('button', { name: 'Add' }).click();
      await expect.poll(async () => (await page.getByTestId('error-count').count()) > 0 ? text('error-count') : '', SLOW).toBe(i === 0 ? '' : `×${i + 1}`);
    }
    expect(await page.getByTestId('error').count()).toBe(1);
    expect(await page.getByTestId('error').textContent()).toContain('/no/such/folder is not a folder');
    const notice = (await page.getByTestId('error').boundingBox())!;
    const grid = (await page.getByTestId('grid').boundingBox())!;
    expect(notice.y + notice.height).toBeLessThanOrEqual(grid.y);
    await screenshot(page, '8-notice-1024x700');
    await page.getByRole('button', { name: 'dismiss' }).click();
    await expect.poll(() => page.getByTestId('error').count(), SLOW).toBe(0);
  });

  it('raised no uncaught page errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
