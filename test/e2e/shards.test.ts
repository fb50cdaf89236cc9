// A sharded embedding seen from the served UI: the map view shows the job's progress from the shard
// files beside the project (one of two done, then both) and merges them with its Merge button.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { canvasForeground, cli, ensureRendererBuilt, openPage, closeAll, sampleProject, screenshot, serve } from './served-app.ts';
import type { Served } from './served-app.ts';

const SLOW = { timeout: 30_000 };

let server: Served;
let browser: BrowserContext;
let page: Page;
let dir: string;
const pageErrors: string[] = [];

beforeAll(async () => {
  ensureRendererBuilt();
  ({ dir } = sampleProject());
  writeFileSync(join(dir, 'tiny.toml'), 'encoder = "small-cnn"\nwidth = 4\ndepth = 2\nimage_size = 16\ncoordinates = "cartesian"\n'
    + 'embed_profile = false\nbatch_size = 16\nprojection_size = 8\nprojection_hidden_size = 16\nbackend = "wasm"\nepochs = 1\n');
  cli(['train', 'survey', '--config', 'tiny.toml', '--no-progress'], dir);
  cli(['merge', 'survey'], dir); // the project's id, which the shards carry
  cli(['embed', 'survey', '--shard', '1/2', '--no-progress'], dir);
  server = await serve(join(dir, 'survey.amproj'));
  ({ browser, page } = await openPage(pageErrors));
}, 180_000);

afterAll(async () => {
  expect(await closeAll(browser, server)).toBe(0);
});

describe('a sharded job in the map view', () => {
  it('shows the shards done, picks up a task that finishes, and merges them', async () => {
    await page.goto(server.url);
    await page.getByTestId('tab-map').click();
    await expect.poll(() => page.getByTestId('shard-job').textContent(), SLOW).toMatch(/sharded embed of run 1: 1\/2 shards done/);
    expect(await page.getByTestId('merge-shards').count()).toBe(0);
    // The other task runs while the app has the project open (tasks only read it).
    cli(['embed', 'survey', '--shard', '0/2', '--no-progress'], dir);
    await expect.poll(() => page.getByTestId('shard-job').textContent(), SLOW).toMatch(/2\/2 shards done,\s*64 items written/);
    await page.getByTestId('merge-shards').click();
    await expect.poll(() => page.getByTestId('shard-merged').textContent(), SLOW).toMatch(/merged 64 vectors/);
    await expect.poll(() => page.getByTestId('map-run').textContent(), SLOW).toMatch(/run 1 · 64 × 8/);
    // The merged run is mapped as after an embed.
    await expect.poll(() => canvasForeground(page, '[data-testid=scatter]'), SLOW).toBeGreaterThan(20);
    await screenshot(page, 'shards-merged');
    expect(pageErrors).toEqual([]);
  }, 120_000);
});
