// Figure 2's noise mask: the threshold fitted on synthetic images of known noise (mean, sigma) with a
// compact source, whatever the units; masked thumbnails are transparent exactly below it; and the
// paper-style map renders from the CLI with overlapping, noise-masked thumbnails, brighter on top.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../src-main/base/random.ts';
import { addFolders, percentileLimits, renderRgba } from '../../../src-main/dataset/index.ts';
import { buildMapFigure, fitNoise, recolourStored, thumbnailFromFits } from '../../../src-main/export/index.ts';
import type { FigureThumb } from '../../../src-main/export/index.ts';
import { writeImageFits } from '../../../src-main/fits/index.ts';
import { Project } from '../../../src-main/project/index.ts';
import { EventHub } from '../../../src-main/api/contract/index.ts';
import { DesktopService } from '../../../src-main/api/services/desktop-service.ts';
import { cli } from '../cli/run-cli.ts';
import { pngSize, svgTexts } from './figure-check.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'am-noise-mask-'));
afterAll(() => { if (!process.env.KEEP) fs.rmSync(dir, { recursive: true, force: true }); });

/** n x n: Gaussian noise (mean, sigma) plus a compact Gaussian source of peak `peak` sigma at the centre. */
function image(n: number, mean: number, sigma: number, peak: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  const v = new Float32Array(n * n);
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      const r2 = (x - n / 2) ** 2 + (y - n / 2) ** 2;
      v[y * n + x] = mean + sigma * (rng.normal() + peak * Math.exp(-r2 / (2 * 4 ** 2)));
    }
  }
  return v;
}

describe('the noise threshold', () => {
  for (const [mean, sigma] of [[0, 1], [0.2, 0.7], [-3, 0.01], [1e-3, 2e-5], [100, 5]] as const) {
    it(`finds mean ${mean} and sigma ${sigma} within 2% of sigma, and the threshold mean + 3 sigma`, () => {
      const fit = fitNoise(image(128, mean, sigma, 40, 11), 3)!;
      expect(Math.abs(fit.mean - mean) / sigma).toBeLessThan(0.02);
      expect(Math.abs(fit.sigma / sigma - 1)).toBeLessThan(0.02);
      expect(Math.abs(fit.threshold - (mean + 3 * sigma)) / sigma).toBeLessThan(0.08);
      expect(fit.peakSnr).toBeGreaterThan(35);
      expect(fit.peakSnr).toBeLessThan(45);
    });
  }

  it('on pure noise, 3 sigma leaves about 0.13% of pixels above it; on 8-bit gray levels too', () => {
    const v = image(256, 5, 2, 0, 3);
    const fit = fitNoise(v, 3)!;
    const above = v.filter((x) => x >= fit.threshold).length / v.length;
    expect(above).toBeGreaterThan(0.0005);
    expect(above).toBeLessThan(0.003);
    // Gray levels, noise of 3 levels around 40: bins never split a level.
    const gray = Uint8Array.from(image(128, 0, 1, 30, 5), (x) => Math.max(0, Math.min(255, Math.round(40 + 3 * x))));
    const g = fitNoise(gray, 3, 1)!;
    expect(Math.abs(g.mean - 40)).toBeLessThan(0.15);
    expect(Math.abs(g.sigma / 3 - 1)).toBeLessThan(0.05);
  });

  it('gives none for a constant or nearly empty image', () => {
    expect(fitNoise(new Float32Array(100).fill(2))).toBeNull();
    expect(fitNoise([1, 2, Number.NaN])).toBeNull();
  });
});

describe('masked thumbnails', () => {
  it('a FITS thumbnail is transparent where the pixel is below the threshold, opaque elsewhere', () => {
    const n = 64;
    const v = image(n, 10, 0.5, 40, 9);
    const file = path.join(dir, 'one.fits');
    writeImageFits(file, v, [n, n]);
    const t = thumbnailFromFits(file, 0, ['spatial', 'spatial'], { stretch: 'asinh', colormap: 'gray', limits: 'percentile', maskNoise: 3 })!;
    const fit = fitNoise(v, 3)!;
    expect(t.brightness).toBeCloseTo(fit.peakSnr, 5);
    const png = PNG.sync.read(Buffer.from(t.png));
    let wrong = 0;
    for (let y = 0; y < n; y++) {
      for (let x = 0; x < n; x++) {
        // PNG rows run top down; FITS rows bottom up.
        const alpha = png.data[((n - 1 - y) * n + x) * 4 + 3]!;
        if ((alpha === 255) !== (v[y * n + x]! >= fit.threshold)) wrong++;
      }
    }
    expect(wrong).toBe(0);
    const opaque = png.data.filter((_, i) => i % 4 === 3 && png.data[i] === 255).length;
    expect(opaque).toBeGreaterThan(50); // the source
    expect(opaque).toBeLessThan(400);
    // Unmasked, every pixel is opaque.
    const plain = PNG.sync.read(Buffer.from(thumbnailFromFits(file, 0, ['spatial', 'spatial'], { stretch: 'asinh', colormap: 'gray', limits: 'percentile' })!.png));
    expect(plain.data.every((b, i) => i % 4 !== 3 || b === 255)).toBe(true);
  });

  it('a stored gray thumbnail (the scan\'s asinh stretch) is masked on the values its levels stand for', () => {
    const v = image(64, 0, 1, 30, 2);
    const rgba = renderRgba(v, { limits: percentileLimits(v, 0.5, 99.5), stretch: 'asinh', colormap: 'gray', width: 64, flipY: true });
    const png = new PNG({ width: 64, height: 64 });
    png.data = Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength);
    const stored: FigureThumb = { png: new Uint8Array(PNG.sync.write(png)), width: 64, height: 64 };
    const masked = recolourStored(stored, 'viridis', 3);
    const out = PNG.sync.read(Buffer.from(masked.png));
    // The same pixels as a mask made on the values themselves, but for a few at the threshold (gray levels are coarse).
    const fit = fitNoise(v, 3)!;
    let differ = 0;
    for (let y = 0; y < 64; y++) for (let x = 0; x < 64; x++) if ((out.data[((63 - y) * 64 + x) * 4 + 3] === 255) !== (v[y * 64 + x]! >= fit.threshold)) differ++;
    expect(differ).toBeLessThan(40);
    expect(masked.brightness).toBeGreaterThan(20);
  });

  it('the paper-style map draws every thumbnail, unframed, the brightest last', () => {
    const thumbs: FigureThumb[] = [5, 50, 20].map((b) => ({ png: new Uint8Array(PNG.sync.write(new PNG({ width: 4, height: 4 }))), width: 4, height: 4, brightness: b }));
    const scene = buildMapFigure({ x: [0, 1, 2], y: [0, 1, 0], axisName: 'UMAP', colouring: { kind: 'none' }, thumbnail: (i) => thumbs[i]!,
      maxThumbnails: 10, thumbnailLayout: 'every' }, 3.35);
    const images = scene.items.filter((p) => p.kind === 'image');
    expect(images.map((p) => thumbs.findIndex((t) => t.png === (p as { png: Uint8Array }).png))).toEqual([0, 2, 1]);
    const bare = buildMapFigure({ x: [0, 1, 2], y: [0, 1, 0], axisName: 'UMAP', colouring: { kind: 'none' } }, 3.35);
    const rects = (sc: typeof scene) => sc.items.filter((p) => p.kind === 'rect').length;
    expect(rects(scene)).toBe(rects(bare)); // no frames around the thumbnails
  });
});

describe('astromorph figure map --style paper', () => {
  const file = path.join(dir, 'survey.amproj');
  beforeAll(async () => {
    fs.mkdirSync(path.join(dir, 'data'));
    for (let i = 0; i < 12; i++) writeImageFits(path.join(dir, 'data', `s${String(i).padStart(2, '0')}.fits`), image(32, 0, 1, 5 + 5 * i, 20 + i), [32, 32]);
    const p = Project.create(file);
    await addFolders(p, [path.join(dir, 'data')], { workers: 1 });
    const ids = p.items.list().map((i) => i.id);
    const run = p.runs.create({ config: {}, backend: 'cpu', seed: 1 });
    p.embeddings.putMany(run.id, ids.map((id, i) => ({ itemId: id, vector: Float32Array.from([Math.cos(i), Math.sin(i)]) })));
    p.maps.save({ runId: run.id, method: 'umap', params: {}, itemIds: ids, coords: Float32Array.from(ids.flatMap((_, i) => [Math.cos(i), Math.sin(i)])) });
    p.close();
  });

  it('renders every thumbnail noise-masked, as SVG and PNG; --no-mask-noise keeps the noise', () => {
    const svg = path.join(dir, 'figure2.svg');
    const r = cli(['figure', file, 'map', '--style', 'paper', '--format', 'svg', '--out', svg, '--json']);
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.settings).toMatchObject({ style: 'paper', noiseSigmas: 3 });
    const text = fs.readFileSync(svg, 'utf8');
    expect(svgTexts(text)).toContain('UMAP 1 (arbitrary units)');
    const pngs = [...text.matchAll(/data:image\/png;base64,([A-Za-z0-9+/=]+)/g)].map((m) => PNG.sync.read(Buffer.from(m[1]!, 'base64')));
    const thumbs = pngs.filter((p) => p.width === 32);
    expect(thumbs).toHaveLength(12);
    // Mostly transparent: the noise is masked, the source kept.
    for (const t of thumbs) {
      const transparent = t.data.filter((b, i) => i % 4 === 3 && b === 0).length / (32 * 32);
      expect(transparent).toBeGreaterThan(0.5);
      expect(transparent).toBeLessThan(1);
    }
    const png = path.join(dir, 'figure2.png');
    const p = cli(['figure', file, 'map', '--format', 'png', '--dpi', '150', '--out', png]); // the stored paper settings again
    expect(p.status, p.stderr).toBe(0);
    expect(pngSize(fs.readFileSync(png))).toEqual({ width: Math.round(3.35 * 150), height: expect.any(Number) });
    const plain = path.join(dir, 'plain.svg');
    expect(cli(['figure', file, 'map', '--no-mask-noise', '--format', 'svg', '--out', plain]).status).toBe(0);
    const opaque = [...fs.readFileSync(plain, 'utf8').matchAll(/data:image\/png;base64,([A-Za-z0-9+/=]+)/g)]
      .map((m) => PNG.sync.read(Buffer.from(m[1]!, 'base64'))).filter((t) => t.width === 32);
    expect(opaque).toHaveLength(12);
    for (const t of opaque) expect(t.data.every((b, i) => i % 4 !== 3 || b === 255)).toBe(true);
  });

  it("the app's map view asks for masked thumbnails: transparent noise and a brightness per item", async () => {
    const service = new DesktopService({ events: new EventHub(), host: 'browser' });
    try {
      service.openPath(file);
      const ids = (await service.queryItems({ sort: 'path', descending: false, offset: 0, limit: 100 })).items.map((c) => c.id);
      const plain = await service.thumbnails({ ids, maskNoise: false });
      const masked = await service.thumbnails({ ids, maskNoise: true });
      expect(plain.every((t) => t.brightness === undefined)).toBe(true);
      const b = masked.map((t) => t.brightness!);
      // s00 … s11 have peaks of 5 … 60 sigma: the brightness rises with them (clipping at the top blurs the order a little).
      expect(b[11]!).toBeGreaterThan(b[0]! * 5);
      for (const t of masked) {
        const png = PNG.sync.read(Buffer.from(t.png!));
        expect(png.data.some((v, i) => i % 4 === 3 && v === 0)).toBe(true);
      }
    } finally {
      await service.close();
    }
  });
});
