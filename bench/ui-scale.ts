// The UI at survey scale: 100,000 (or 1,000,000) items and a map of as many points. Builds a project
// with that many item rows and 16-d embeddings (no files: the grid and map need rows, not pixels), then
// measures the service (paging, sorting, PCA map) in Node and the served UI in Chromium: DOM cells while
// scrolling the grid, frame times while scrolling, time to draw the map, and frame times while zooming,
// panning (arrow keys) and hovering it. --map-only skips the grid (its paging is the same at any size);
// --2d hides WebGL from the page, so the map draws its points on the 2-D canvas (the fallback) instead;
// --webgl hides the WebGL renderer's name, so a software one (SwiftShader, which the map leaves to the
// 2-D path for dense maps) draws them anyway: to time WebGL on a machine without a GPU.
//   node bench/ui-scale.ts [items] [--map-only] [--2d | --webgl]
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Project } from '../src-main/project/index.ts';
import { createDispatch } from '../src-main/api/transport/dispatch.ts';
import { DesktopService } from '../src-main/api/services/desktop-service.ts';
import { EventHub } from '../src-main/api/contract/index.ts';
import { emptyMetadata } from '../src-main/dataset/index.ts';
import { ensureRendererBuilt, launchChromium, serve } from '../test/e2e/served-app.ts';

const N = Number(process.argv.slice(2).find((a) => !a.startsWith('--')) ?? 100_000);
const MAP_ONLY = process.argv.includes('--map-only');
const FLAT = process.argv.includes('--2d');
const FORCE_GL = process.argv.includes('--webgl');
const D = 16;
const dir = mkdtempSync(join(tmpdir(), 'astromorph-ui-bench-'));
mkdirSync(join(dir, 'survey-data'));
const file = join(dir, 'big.amproj');

let t = performance.now();
const project = Project.create(file);
const datasetId = project.datasets.add(join(dir, 'survey-data'));
const classes = ['ring', 'spiral', 'smooth', 'binary', 'asymmetric', 'multi-ring'];
let seed = 12345;
const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
project.transaction(() => {
  for (let i = 0; i < N; i++) {
    const metadata = { ...emptyMetadata(), object: `src-${classes[i % 6]}-${i}`, ra: random() * 360, dec: random() * 180 - 90, bunit: 'Jy/beam' };
    project.items.save({
      path: `survey-data/${String(i).padStart(6, '0')}.fits`, datasetId, size: 20160, mtimeMs: 0, contentHash: null, hdu: 0,
      shape: [64, 64], axisKinds: ['spatial', 'spatial'], bitpix: -32, status: i % 97 === 0 ? 'failed' : 'ok',
      error: i % 97 === 0 ? 'synthetic failure' : null, metadata, header: {}, issues: [],
    });
  }
});
const run = project.runs.create({ config: { epochs: 1 }, backend: 'wasm', seed: 0 });
const rows: { itemId: number; vector: Float32Array }[] = [];
for (let i = 1; i <= N; i++) {
  const v = new Float32Array(D);
  const c = i % 6;
  for (let k = 0; k < D; k++) v[k] = (k === c ? 3 : 0) + random() - 0.5;
  rows.push({ itemId: i, vector: v });
}
project.embeddings.putMany(run.id, rows);
project.runs.setStatus(run.id, 'done');
project.close();
console.log(`project with ${N.toLocaleString()} items and ${D}-d embeddings built in ${((performance.now() - t) / 1000).toFixed(1)} s`);

// The service in Node.
const service = new DesktopService({ events: new EventHub(), host: 'browser' });
const dispatch = createDispatch(service);
service.openPath(file);
t = performance.now();
await dispatch('queryItems', { offset: 0, limit: 300 });
console.log(`queryItems, first page (loads every row): ${(performance.now() - t).toFixed(0)} ms`);
t = performance.now();
await dispatch('queryItems', { offset: 50_000, limit: 300 });
console.log(`queryItems, another page of the same order: ${(performance.now() - t).toFixed(1)} ms`);
t = performance.now();
await dispatch('queryItems', { sort: 'ra', descending: true, search: 'spiral', offset: 0, limit: 300 });
console.log(`queryItems, search + sort by RA: ${(performance.now() - t).toFixed(0)} ms`);
t = performance.now();
await dispatch('computeMap', { runId: run.id, method: 'pca' });
console.log(`computeMap PCA of ${N.toLocaleString()} points: ${(performance.now() - t).toFixed(0)} ms`);
await service.close();

// The served UI in Chromium.
ensureRendererBuilt();
const server = await serve(file);
const browser = await launchChromium();
const page = browser.pages()[0] ?? (await browser.newPage());
if (FLAT) {
  await page.addInitScript(() => {
    const get = HTMLCanvasElement.prototype.getContext as (this: HTMLCanvasElement, kind: string, options?: unknown) => RenderingContext | null;
    HTMLCanvasElement.prototype.getContext = function (this: HTMLCanvasElement, kind: string, options?: unknown) {
      return kind.includes('webgl') ? null : get.call(this, kind, options);
    } as typeof HTMLCanvasElement.prototype.getContext;
  });
}
if (FORCE_GL) {
  await page.addInitScript(() => {
    for (const proto of [WebGLRenderingContext.prototype, WebGL2RenderingContext.prototype]) {
      const get = proto.getExtension as (this: WebGLRenderingContext, name: string) => unknown;
      proto.getExtension = function (this: WebGLRenderingContext, name: string) {
        return name === 'WEBGL_debug_renderer_info' ? null : get.call(this, name);
      } as typeof proto.getExtension;
    }
  });
}
t = performance.now();
await page.goto(server.url);
await page.locator('[data-item]').first().waitFor({ timeout: 300_000 });
console.log(`page load to first grid cells: ${(performance.now() - t).toFixed(0)} ms`);

/** Frame intervals (ms) while `steps` scroll/zoom actions run one per animation frame. */
async function frameTimes(script: string): Promise<{ median: number; p95: number; max: number; cells: number }> {
  return page.evaluate(async (body) => {
    const act = new Function('i', body) as (i: number) => void;
    const times: number[] = [];
    let last = performance.now();
    let cells = 0;
    for (let i = 0; i < 120; i++) {
      act(i);
      await new Promise((r) => requestAnimationFrame(() => r(null)));
      const now = performance.now();
      times.push(now - last);
      last = now;
      cells = Math.max(cells, document.querySelectorAll('[data-item], .cell.placeholder').length);
    }
    times.sort((a, b) => a - b);
    return { median: times[60], p95: times[Math.floor(times.length * 0.95)], max: times[times.length - 1], cells };
  }, script);
}

if (!MAP_ONLY) {
const smooth = await frameTimes(`const g = document.querySelector('[data-testid=grid]'); g.scrollTop = 200000 + i * 40; g.dispatchEvent(new Event('scroll'));`);
console.log(`grid smooth scroll (40 px per frame, mid-survey): frame median ${smooth.median.toFixed(1)} ms, p95 ${smooth.p95.toFixed(1)} ms, max ${smooth.max.toFixed(1)} ms; at most ${smooth.cells} cells in the DOM`);
const grid = await frameTimes(`const g = document.querySelector('[data-testid=grid]'); g.scrollTop = (i / 120) * (g.scrollHeight - g.clientHeight); g.dispatchEvent(new Event('scroll'));`);
console.log(`grid jumps through ${N.toLocaleString()} items: frame median ${grid.median.toFixed(1)} ms, p95 ${grid.p95.toFixed(1)} ms, max ${grid.max.toFixed(1)} ms; at most ${grid.cells} cells in the DOM`);
}

// Where the first draw's time goes: each API call the map tab makes (server + transfer), and the rest.
const calls: { method: string; start: number; end: number }[] = [];
const started = new Map<object, number>();
page.on('request', (r) => { if (r.url().includes('/api/')) started.set(r, performance.now()); });
page.on('requestfinished', (r) => {
  const s0 = started.get(r);
  if (s0 !== undefined) calls.push({ method: r.url().split('/api/')[1], start: s0, end: performance.now() });
});
await page.getByTestId('tab-map').click();
t = performance.now();
await page.getByTestId('scatter').waitFor({ timeout: 600_000 });
await page.waitForFunction(() => {
  const c = document.querySelector('[data-testid=scatter]') as HTMLCanvasElement | null;
  if (!c || c.width === 0 || !c.dataset.renderer) return false;
  // As seen: the WebGL points (if any) under the 2-D overlay.
  const scratch = document.createElement('canvas');
  scratch.width = c.width;
  scratch.height = c.height;
  const ctx = scratch.getContext('2d')!;
  for (const layer of c.parentElement!.querySelectorAll('canvas')) ctx.drawImage(layer, 0, 0);
  const d = ctx.getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 0; i < d.length; i += 64) if (d[i] + d[i + 1] + d[i + 2] > 120) n++;
  return n > 100;
}, null, { timeout: 600_000 });
console.log(`map tab to ${N.toLocaleString()} points drawn (PCA + clusters over HTTP): ${(performance.now() - t).toFixed(0)} ms; renderer ${await page.getByTestId('scatter').getAttribute('data-renderer')}`);
{
  const mapCalls = calls.filter((c) => c.start >= t);
  const lastEnd = Math.max(t, ...mapCalls.map((c) => c.end));
  console.log(`  API calls: ${mapCalls.map((c) => `${c.method} ${(c.end - c.start).toFixed(0)} ms`).join(', ')}; last answer to points drawn: ${(performance.now() - lastEnd).toFixed(0)} ms`);
}
{
  // Memory with the map drawn: the `serve` process (now and at its peak) and Chromium's processes by type.
  const status = readFileSync(`/proc/${server.process.pid}/status`, 'utf8');
  const kib = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
  const byType = new Map<string, number>();
  for (const line of execFileSync('ps', ['-eo', 'rss=,args='], { encoding: 'utf8' }).split('\n')) {
    const m = /^\s*(\d+)\s+(\S*chrom\S*)(.*)$/.exec(line);
    if (!m) continue;
    const type = /--type=(\S+)/.exec(m[3]!)?.[1] ?? 'browser';
    byType.set(type, (byType.get(type) ?? 0) + Number(m[1]) / 1024);
  }
  console.log(`memory with the map drawn: serve RSS ${(kib('VmRSS') / 1024).toFixed(0)} MiB (peak ${(kib('VmHWM') / 1024).toFixed(0)}); ` +
    `Chromium RSS by process type ${[...byType].map(([k, v]) => `${k} ${v.toFixed(0)} MiB`).join(', ')}`);
}
const zoom = await frameTimes(`const c = document.querySelector('[data-testid=scatter]'); const r = c.getBoundingClientRect(); c.dispatchEvent(new WheelEvent('wheel', { deltaY: i < 60 ? -40 : 40, clientX: r.left + r.width / 2, clientY: r.top + r.height / 2, bubbles: true, cancelable: true }));`);
console.log(`map wheel zoom: frame median ${zoom.median.toFixed(1)} ms, p95 ${zoom.p95.toFixed(1)} ms, max ${zoom.max.toFixed(1)} ms`);
const pan = await frameTimes(`const c = document.querySelector('[data-testid=scatter]'); c.dispatchEvent(new KeyboardEvent('keydown', { key: i % 40 < 20 ? 'ArrowLeft' : 'ArrowRight', bubbles: true, cancelable: true }));`);
console.log(`map pan (arrow keys, 40 px a frame): frame median ${pan.median.toFixed(1)} ms, p95 ${pan.p95.toFixed(1)} ms, max ${pan.max.toFixed(1)} ms`);
const hover = await frameTimes(`const c = document.querySelector('[data-testid=scatter]'); const r = c.getBoundingClientRect(); c.dispatchEvent(new PointerEvent('pointermove', { clientX: r.left + (i / 120) * r.width, clientY: r.top + r.height / 2, bubbles: true }));`);
console.log(`map hover sweep: frame median ${hover.median.toFixed(1)} ms, p95 ${hover.p95.toFixed(1)} ms, max ${hover.max.toFixed(1)} ms`);
await browser.close();
await server.stop();
