// The pieces the browser tests stand on: the renderer built by electron-vite, a project made by the
// real CLI from resources/sample-data, a real `astromorph serve` process, and Debian's Chromium.
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import type { BrowserContext, Page } from 'playwright-core';

export const ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(ROOT, 'src-main/cli/main.ts');
export const SCREENSHOTS = join(ROOT, 'test-results/screenshots');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** Builds out/renderer unless it is there and newer than every renderer source (CI builds it first). */
export function ensureRendererBuilt(): void {
  const index = join(ROOT, 'out/renderer/index.html');
  if (existsSync(index) && statSync(index).mtimeMs >= newestMtime(join(ROOT, 'src-renderer'))) return;
  const r = spawnSync(join(ROOT, 'node_modules/.bin/electron-vite'), ['build'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`electron-vite build failed:\n${r.stdout}\n${r.stderr}`);
}

export function cli(args: string[], cwd: string): string {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`astromorph ${args.join(' ')} exited ${r.status}:\n${r.stderr}`);
  return r.stdout;
}

/** A fresh project in a temp folder holding a copy of the sample data. */
export function sampleProject(): { dir: string; project: string } {
  const dir = mkdtempSync(join(tmpdir(), 'astromorph-e2e-'));
  cpSync(join(ROOT, 'resources/sample-data'), join(dir, 'sample-data'), { recursive: true });
  // One file that is not FITS, so the browser has a failed item to show with its reason.
  mkdirSync(join(dir, 'sample-data', 'broken'));
  writeFileSync(join(dir, 'sample-data', 'broken', 'truncated.fits'), 'SIMPLE  =                    T / not really');
  cli(['init', 'survey'], dir);
  cli(['add', 'survey', 'sample-data'], dir);
  return { dir, project: join(dir, 'survey.amproj') };
}

export interface Served {
  url: string;
  origin: string;
  token: string;
  process: ChildProcess;
  output: () => string;
  stop: () => Promise<number | null>;
}

export async function serve(project: string, extra: string[] = []): Promise<Served> {
  const child = spawn(process.execPath, [CLI, 'serve', project, ...extra], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const url = await new Promise<string>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`serve printed no URL in 20 s:\n${out}`)), 20_000);
    const check = () => {
      const m = /http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+/.exec(out);
      if (m) {
        clearTimeout(timer);
        done(m[0]);
      }
    };
    child.stdout!.on('data', check);
    child.on('exit', (code) => fail(new Error(`serve exited ${code}:\n${out}`)));
  });
  const parsed = new URL(url);
  return {
    url,
    origin: parsed.origin,
    token: parsed.searchParams.get('token')!,
    process: child,
    output: () => out,
    stop: () => new Promise((done) => {
      if (child.exitCode !== null) return done(child.exitCode);
      child.once('exit', (code) => done(code));
      child.kill('SIGINT');
    }),
  };
}

/** Chromium with a fresh profile (playwright passes it as --user-data-dir). */
export async function launchChromium(): Promise<BrowserContext> {
  const profile = mkdtempSync(join(tmpdir(), 'astromorph-chromium-'));
  return chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1440, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--no-first-run', '--disable-sync'],
  });
}

/** Chromium's first page, its uncaught page errors collected into `pageErrors` (each suite checks none occurred). */
export async function openPage(pageErrors: string[]): Promise<{ browser: BrowserContext; page: Page }> {
  const browser = await launchChromium();
  const page = browser.pages()[0] ?? (await browser.newPage());
  page.on('pageerror', (e) => pageErrors.push(e.message));
  return { browser, page };
}

/** Closes the browser, then stops the server: its exit code (0 when it shut down cleanly). */
export async function closeAll(browser: BrowserContext | undefined, server: Served | undefined): Promise<number | null | undefined> {
  await browser?.close();
  return server?.stop();
}

/**
 * Pixels of a canvas that differ from its background colour (taken at the corner), as the user sees
 * them: for the map (data-renderer set), the canvases of its box painted in order (WebGL points under
 * the 2-D overlay).
 */
export async function canvasForeground(page: Page, selector: string): Promise<number> {
  return page.locator(selector).first().evaluate((el) => {
    const c = el as HTMLCanvasElement;
    const scratch = document.createElement('canvas');
    scratch.width = c.width;
    scratch.height = c.height;
    const ctx = scratch.getContext('2d')!;
    for (const layer of c.dataset.renderer ? c.parentElement!.querySelectorAll('canvas') : [c]) ctx.drawImage(layer, 0, 0, c.width, c.height);
    const data = ctx.getImageData(0, 0, c.width, c.height).data;
    const [r, g, b] = [data[0], data[1], data[2]];
    let n = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (Math.abs(data[i] - r) + Math.abs(data[i + 1] - g) + Math.abs(data[i + 2] - b) > 24) n++;
    }
    return n;
  });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path });
  return path;
}
