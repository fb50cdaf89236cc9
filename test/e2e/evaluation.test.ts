// The map view's label-quality panel in Chromium against a real `astromorph serve`: the sample disks
// with one-hot embeddings imported (so the scores are known: every classifier right, precision@10 0.9,
// effective rank 5 of 8), labelled once by "class:" tags and once by the sample labels.csv.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { Project } from '../../src-main/project/index.ts';
import { cli, ensureRendererBuilt, openPage, closeAll, sampleProject, screenshot, serve } from './served-app.ts';
import type { Served } from './served-app.ts';

const SLOW = { timeout: 30_000 };
const CLASSES = ['asymmetric', 'binary', 'multi-ring', 'ring', 'smooth', 'spiral'];

let server: Served;
let browser: BrowserContext;
let page: Page;
let labelsCsv: string;
const pageErrors: string[] = [];

beforeAll(async () => {
  ensureRendererBuilt();
  const { dir, project } = sampleProject();
  labelsCsv = join(dir, 'sample-data', 'disks', 'labels.csv');
  const rows = readFileSync(labelsCsv, 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
  writeFileSync(join(dir, 'onehot.csv'), 'file,emb_0,emb_1,emb_2,emb_3,emb_4,emb_5,emb_6,emb_7\n'
    + rows.map((r) => `sample-data/disks/${r[0]},${Array.from({ length: 8 }, (_, j) => (j === CLASSES.indexOf(r[2]) ? 1 : 0)).join(',')}`).join('\n'));
  cli(['import', 'survey', 'onehot.csv'], dir);
  const p = Project.open(project);
  try {
    const label = new Map(rows.map((r) => [`sample-data/disks/${r[0]}`, r[2]]));
    for (const item of p.items.list()) if (label.has(item.path)) p.tags.add(item.id, `class:${label.get(item.path)}`);
  } finally {
    p.close();
  }
  server = await serve(project);
  ({ browser, page } = await openPage(pageErrors));
  await page.goto(server.url);
  await page.getByTestId('tab-map').click();
  await page.getByTestId('scatter').waitFor({ timeout: 60_000 });
}, 180_000);

afterAll(async () => {
  expect(await closeAll(browser, server)).toBe(0);
});

async function scores(): Promise<string> {
  return (await page.getByTestId('evaluation-scores').textContent()) ?? '';
}

describe('label quality in the map view', () => {
  it('evaluates the run against "class:" tags: the numbers and a 6 x 6 confusion matrix', async () => {
    await expect.poll(() => page.getByTestId('evaluation-prefix').inputValue(), SLOW).toBe('class:');
    await page.getByTestId('evaluate').click();
    await expect.poll(scores, SLOW).toMatch(/labelled \(tags\)\s*60 of 60\s*classes\s*6/);
    const text = await scores();
    expect(text).toMatch(/kNN \(k=10\)\s*100\.0%/);
    expect(text).toMatch(/linear probe\s*100\.0%/);
    expect(text).toMatch(/precision@10\s*90\.0%/);
    expect(text).toMatch(/effective rank\s*5\.0 of 8/);
    const matrix = page.getByTestId('confusion');
    expect(await matrix.locator('tbody tr').count()).toBe(6);
    expect(await matrix.locator('tbody tr').first().locator('td').allTextContents()).toEqual(['10', '0', '0', '0', '0', '0']);
    expect(await matrix.locator('tbody th').first().textContent()).toBe('1 asymmetric');
    await screenshot(page, 'evaluation-tags');
  });

  it('evaluates against a CSV the person picks, matched by file name', async () => {
    await page.getByTestId('evaluation-origin').selectOption('csv');
    await page.getByTestId('evaluation-csv').setInputFiles(labelsCsv);
    await page.getByTestId('evaluate').click();
    await expect.poll(scores, SLOW).toMatch(/labelled \(CSV\)\s*60 of 60\s*classes\s*6/);
    expect(await scores()).toMatch(/linear probe\s*100\.0%/);
    expect(pageErrors).toEqual([]);
  });
});
