import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { PNG } from 'pngjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addFolders, DatasetError, rescanFolders, thumbnailPixels } from '../../../src-main/dataset/index.ts';
import type { ScanProgress } from '../../../src-main/dataset/index.ts';
import { HduList, writeImageFits } from '../../../src-main/fits/index.ts';
import { Project } from '../../../src-main/project/index.ts';
import { cli, cliAsNobody, type CliResult } from '../cli/run-cli.ts';
import { gaussianImage, makeDataFolder } from './fixtures.ts';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amscan-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function newProject(): Project {
  fs.mkdirSync(path.join(dir, 'proj'));
  return Project.create(path.join(dir, 'proj', 'survey.amproj'));
}

const sha256 = (f: string): string => createHash('sha256').update(fs.readFileSync(f)).digest('hex');

describe('addFolders', () => {
  it('records every FITS file with its HDU, shape, metadata, hash and thumbnail, and the failures with reasons', async () => {
    const data = makeDataFolder(path.join(dir, 'data'));
    const p = newProject();
    try {
      const events: ScanProgress[] = [];
      const summary = await addFolders(p, [data.root], { onProgress: (e) => events.push(e) });
      expect(summary).toMatchObject({
        added: data.good.length, updated: 0, unchanged: 0, missing: 0, failed: data.bad.length, cancelled: false,
      });
      expect(summary.failures.map((f) => f.path).sort()).toEqual(data.bad);
      const reason = (name: string): string => summary.failures.find((f) => f.path.endsWith(name))!.error;
      expect(reason('noise.fits')).toMatch(/not a FITS file/);
      expect(reason('noise.fits')).toContain(path.join(data.root, 'bad/noise.fits'));
      expect(reason('truncated_data.fits')).toMatch(/declared|truncated/);
      expect(reason('gzip_corrupt.fits.gz')).toMatch(/gzip/);
      expect(reason('astropy_header_with_time.fits')).toMatch(/no image HDU/);
      expect(events.some((e) => e.phase === 'walk')).toBe(true);
      expect(events.at(-1)).toMatchObject({ phase: 'read', done: data.good.length + data.bad.length, total: data.good.length + data.bad.length });

      const items = p.items.list();
      expect(items.map((i) => i.absolutePath).sort()).toEqual([...data.good, ...data.bad].sort());
      expect(items.every((i) => i.path.startsWith('../data/'))).toBe(true);

      const m31 = p.items.byPath('../data/sky/m31.fits')!;
      expect(m31).toMatchObject({
        status: 'ok', error: null, hdu: 0, shape: [64, 48], axisKinds: ['spatial', 'spatial'], bitpix: -32,
        contentHash: sha256(path.join(data.root, 'sky/m31.fits')), size: fs.statSync(path.join(data.root, 'sky/m31.fits')).size,
      });
      expect(m31.metadata).toEqual({
        object: 'M 31', ra: 10.6847, dec: 41.269, restfrq: 1.420405752e9, bunit: 'Jy/beam',
        bmaj: 0.0125, bmin: 0.01, bpa: 33.5, telescope: 'VLA', instrument: 'WIDAR',
      });
      expect(m31.header).toMatchObject({ CTYPE1: 'RA---SIN', CRVAL2: 41.269, NAXIS1: 64, 'DATE-OBS': '2020-01-02' });

      const ngc = p.items.byPath('../data/sky/deep/ngc253.FITS')!;
      expect(ngc.bitpix).toBe(16);
      expect(ngc.metadata.ra).toBeCloseTo((0 + 47 / 60 + 33.1 / 3600) * 15, 9); // sexagesimal hours
      expect(ngc.metadata.dec).toBeCloseTo(-(25 + 17 / 60 + 18 / 3600), 9);

      const cube = p.items.byPath('../data/cubes/cube.fit')!;
      expect(cube).toMatchObject({ shape: [32, 32, 5], axisKinds: ['spatial', 'spatial', 'spectral'] });
      expect(cube.metadata).toMatchObject({ ra: 201.365, dec: -43.019, restfrq: 115271202000 });

      const alma = p.items.byPath('../data/corpus/alma_4d_float32.fits')!;
      expect(alma).toMatchObject({ shape: [128, 128, 1, 1], axisKinds: ['spatial', 'spatial', 'spectral', 'stokes'] });
      expect(alma.metadata).toMatchObject({ object: 'SYNTH-ALMA', telescope: 'ALMA', bunit: 'Jy/beam', restfrq: 230538000000 });
      expect(p.items.byPath('../data/sky/packed.fits.gz')).toMatchObject({ status: 'ok', shape: [40, 40] });
      // Tile-compressed: the image is the BINTABLE extension, HDU 1.
      expect(p.items.byPath('../data/corpus/fpack_rice_int32.fits.fz')).toMatchObject({ status: 'ok', hdu: 1, shape: [96, 80], bitpix: 32 });
      // FITS verify problems are kept on the item (this DSS header has an unparseable SKEW card).
      const dss = p.items.byPath('../data/corpus/astropy_dss.14.29.56-62.41.05.fits.gz')!;
      expect(dss.issues.some((i) => i.keyword === 'SKEW' && i.hdu === 0)).toBe(true);
      expect(m31.issues).toEqual([]);

      const bad = p.items.byPath('../data/bad/noise.fits')!;
      expect(bad).toMatchObject({ status: 'failed', shape: null, hdu: null, contentHash: null });
      expect(bad.error).toMatch(/not a FITS file/);
      expect(p.thumbnails.get(bad.id)).toBeNull();
      expect(p.items.list({ status: 'failed' }).map((i) => i.absolutePath).sort()).toEqual(data.bad);

      // Thumbnails: real PNGs, at most 128 px on the long side, aspect kept, no upscaling.
      const size = (rel: string): [number, number] => {
        const t = p.thumbnails.get(p.items.byPath(rel)!.id)!;
        const png = PNG.sync.read(Buffer.from(t.png));
        expect([png.width, png.height]).toEqual([t.width, t.height]);
        return [png.width, png.height];
      };
      expect(size('../data/sky/m31.fits')).toEqual([64, 48]);
      expect(size('../data/sky/deep/ngc253.FITS')).toEqual([128, 64]);
      expect(size('../data/cubes/cube.fit')).toEqual([32, 32]);
      expect(size('../data/corpus/cube_vrad_64x64x16.fits')).toEqual([64, 64]);
      expect(size('../data/corpus/astropy_dss.14.29.56-62.41.05.fits.gz')).toEqual([100, 100]);
      expect(p.thumbnails.get(p.items.byPath('../data/cubes/spectrum.fts')!.id)).toBeNull();

      // The m31 thumbnail: the blob is brightest, the NaN corner transparent, and FITS row 0 at the bottom.
      const png = PNG.sync.read(Buffer.from(p.thumbnails.get(m31.id)!.png));
      const at = (x: number, yFits: number): number[] => {
        const o = ((47 - yFits) * 64 + x) * 4;
        return [...png.data.subarray(o, o + 4)];
      };
      expect(at(0, 0)[3]).toBe(0);
      expect(at(40, 30)).toEqual([255, 255, 255, 255]);
      expect(at(5, 40)[0]).toBeLessThan(20);
    } finally {
      p.close();
    }
  });

  it('averages a cube over its channels for the thumbnail, first Stokes only', () => {
    // [x, y, freq, stokes]: Stokes I planes hold the blob, Stokes Q planes a huge constant that must not leak in.
    const nx = 16, ny = 12, nf = 3, ns = 2;
    const data = new Float32Array(nx * ny * nf * ns);
    for (let s = 0; s < ns; s++) {
      for (let f = 0; f < nf; f++) {
        const plane = s === 0 ? gaussianImage(nx, ny, 4 + f, 6, 2) : new Float32Array(nx * ny).fill(1e6);
        data.set(plane, (s * nf + f) * nx * ny);
      }
    }
    const file = path.join(dir, 'iquv.fits');
    writeImageFits(file, data, [nx, ny, nf, ns], { cards: { CTYPE1: 'RA---SIN', CTYPE2: 'DEC--SIN', CTYPE3: 'FREQ', CTYPE4: 'STOKES' } });
    const list = HduList.open(file);
    try {
      const { width, height, values } = thumbnailPixels(list.primaryImage(), ['spatial', 'spatial', 'spectral', 'stokes']);
      expect([width, height]).toEqual([nx, ny]);
      for (let i = 0; i < nx * ny; i++) {
        const mean = (gaussianImage(nx, ny, 4, 6, 2)[i] + gaussianImage(nx, ny, 5, 6, 2)[i] + gaussianImage(nx, ny, 6, 6, 2)[i]) / 3;
        expect(values[i]).toBeCloseTo(mean, 4);
      }
    } finally {
      list.close();
    }
  });

  it('re-adds incrementally: unchanged files are skipped, changed ones re-read, vanished ones marked missing and brought back', async () => {
    const data = makeDataFolder(path.join(dir, 'data'));
    const p = newProject();
    try {
      await addFolders(p, [data.root], { workers: 1 });
      const good = data.good.length;
      // Readable files are skipped; failed ones are read again (and fail again).
      expect(await addFolders(p, [data.root], { workers: 1 })).toMatchObject({ added: 0, updated: 0, unchanged: good, failed: data.bad.length, missing: 0 });

      // touch: same bytes, new mtime -> read again
      const m31 = path.join(data.root, 'sky/m31.fits');
      const later = new Date(fs.statSync(m31).mtimeMs + 10_000);
      fs.utimesSync(m31, later, later);
      expect(await addFolders(p, [data.root])).toMatchObject({ updated: 1, unchanged: good - 1 });
      expect(p.items.byPath('../data/sky/m31.fits')!.mtimeMs).toBe(fs.statSync(m31).mtimeMs);

      // modify: new content and hash; a bad file that became good is ok now
      const ngc = path.join(data.root, 'sky/deep/ngc253.FITS');
      writeImageFits(ngc, gaussianImage(30, 20, 10, 10, 3), [30, 20], { cards: { OBJECT: 'NGC 253 (new)' } });
      const noise = path.join(data.root, 'bad/noise.fits');
      writeImageFits(noise, gaussianImage(8, 8, 4, 4, 2), [8, 8]);
      expect(await addFolders(p, [data.root])).toMatchObject({ added: 0, updated: 2, unchanged: good - 1, failed: data.bad.length - 1 });
      expect(p.items.byPath('../data/sky/deep/ngc253.FITS')).toMatchObject({ shape: [30, 20], contentHash: sha256(ngc), metadata: { object: 'NGC 253 (new)' } });
      expect(p.items.byPath('../data/bad/noise.fits')).toMatchObject({ status: 'ok', error: null, shape: [8, 8] });

      // delete: missing, never removed; a second scan does not count it again
      const cube = path.join(data.root, 'cubes/cube.fit');
      const saved = fs.readFileSync(cube);
      const id = p.items.byPath('../data/cubes/cube.fit')!.id;
      fs.rmSync(cube);
      expect(await addFolders(p, [data.root])).toMatchObject({ missing: 1, unchanged: good, updated: 0 });
      expect(p.items.get(id)).toMatchObject({ status: 'missing', shape: [32, 32, 5] });
      expect(await addFolders(p, [data.root])).toMatchObject({ missing: 0, unchanged: good });

      // reappear: same row, ok again
      fs.writeFileSync(cube, saved);
      expect(await addFolders(p, [data.root])).toMatchObject({ updated: 1, missing: 0, unchanged: good });
      expect(p.items.get(id)).toMatchObject({ status: 'ok', shape: [32, 32, 5] });

      // a new file
      writeImageFits(path.join(data.root, 'sky/new.fts'), gaussianImage(8, 8, 4, 4, 2), [8, 8]);
      expect(await addFolders(p, [path.join(data.root, 'sky')])).toMatchObject({ added: 1, unchanged: 3, missing: 0 });
      expect(p.datasets.list().map((d) => d.root)).toEqual(['../data', '../data/sky']);
      expect(p.items.countByStatus()).toEqual({ ok: data.good.length + 2, failed: data.bad.length - 1, missing: 0 });
    } finally {
      p.close();
    }
  });

  it('cancels mid-scan, commits what was read, leaves a sound file, and a later add completes', async () => {
    const root = path.join(dir, 'many');
    const n = 1000;
    for (let i = 0; i < n; i++) {
      const sub = path.join(root, `d${i % 10}`);
      if (i < 10) fs.mkdirSync(sub, { recursive: true });
      writeImageFits(path.join(sub, `f${String(i).padStart(4, '0')}.fits`), gaussianImage(16, 16, i % 16, 8, 2), [16, 16]);
    }
    const p = newProject();
    const controller = new AbortController();
    const summary = await addFolders(p, [root], {
      signal: controller.signal,
      onProgress: (e) => {
        if (e.phase === 'read' && e.done >= 50) controller.abort();
      },
    });
    expect(summary.cancelled).toBe(true);
    const readBefore = p.items.countByStatus().ok;
    expect(summary.added).toBe(readBefore);
    expect(readBefore).toBeGreaterThanOrEqual(50);
    expect(readBefore).toBeLessThan(n);
    p.close();

    const db = new Database(p.path, { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();

    const q = Project.open(p.path);
    try {
      expect(q.items.countByStatus()).toEqual({ ok: readBefore, failed: 0, missing: 0 });
      const again = await addFolders(q, [root]);
      expect(again).toMatchObject({ cancelled: false, added: n - readBefore, unchanged: readBefore, failed: 0 });
      expect(q.items.countByStatus()).toEqual({ ok: n, failed: 0, missing: 0 });
      expect(q.integrityCheck()).toEqual(['ok']);
    } finally {
      q.close();
    }
  });

  it('does not mark files missing when the walk was cancelled, and stops at once on an aborted signal', async () => {
    const data = makeDataFolder(path.join(dir, 'data'));
    const p = newProject();
    try {
      await addFolders(p, [data.root]);
      fs.rmSync(path.join(data.root, 'sky/m31.fits'));
      const controller = new AbortController();
      const s = await addFolders(p, [data.root], {
        signal: controller.signal,
        onProgress: (e) => {
          if (e.phase === 'walk') controller.abort();
        },
      });
      expect(s).toMatchObject({ cancelled: true, missing: 0, added: 0, updated: 0 });
      expect(p.items.byPath('../data/sky/m31.fits')!.status).toBe('ok');

      writeImageFits(path.join(data.root, 'sky/late.fits'), gaussianImage(8, 8, 4, 4, 2), [8, 8]);
      const aborted = await addFolders(p, [data.root], { signal: AbortSignal.abort() });
      expect(aborted).toMatchObject({ cancelled: true, added: 0, missing: 0 });
      expect(p.items.byPath('../data/sky/late.fits')).toBeUndefined();
    } finally {
      p.close();
    }
  });

  it('reports unreadable entries and goes on', async () => {
    const root = path.join(dir, 'data');
    fs.mkdirSync(path.join(root, 'ok'), { recursive: true });
    writeImageFits(path.join(root, 'ok/a.fits'), gaussianImage(8, 8, 4, 4, 2), [8, 8]);
    fs.symlinkSync('loop-b.fits', path.join(root, 'loop-a.fits'));
    fs.symlinkSync('loop-a.fits', path.join(root, 'loop-b.fits'));
    fs.symlinkSync(path.join(root, 'ok'), path.join(root, 'ok-again')); // a folder reached twice is walked once
    const p = Project.create(path.join(dir, 'p.amproj'));
    try {
      const s = await addFolders(p, [root]);
      expect(s.added).toBe(1);
      expect(s.failures.map((f) => path.basename(f.path)).sort()).toEqual(['loop-a.fits', 'loop-b.fits']);
      expect(s.failures[0].error).toMatch(/ELOOP|too many/i);
      expect(s.failed).toBe(2);
    } finally {
      p.close();
    }
  });

  // Root reads any folder, so as root (CI) the real CLI runs as `nobody` through setpriv.
  it('reports a folder it may not read; its items say so (failed, with the reason) and keep their data', () => {
    fs.chmodSync(dir, 0o755);
    const root = path.join(dir, 'data');
    const projDir = path.join(dir, 'proj');
    fs.mkdirSync(path.join(root, 'locked'), { recursive: true });
    fs.mkdirSync(projDir, { mode: 0o777 });
    fs.chmodSync(projDir, 0o777);
    writeImageFits(path.join(root, 'locked/a.fits'), gaussianImage(8, 8, 4, 4, 2), [8, 8]);
    writeImageFits(path.join(root, 'b.fits'), gaussianImage(8, 8, 4, 4, 2), [8, 8]);
    const project = path.join(projDir, 'p.amproj');
    const asUser = (args: string[]): CliResult => (process.getuid?.() === 0 ? cliAsNobody(args, projDir, path.join(projDir, 'config')) : cli(args, projDir));
    expect(asUser(['init', project]).status).toBe(0);
    const first = asUser(['add', project, root, '--json', '--no-progress']);
    expect(first.status, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ added: 2 });
    fs.chmodSync(path.join(root, 'locked'), 0o000);
    try {
      const again = asUser(['add', project, root, '--json', '--no-progress']);
      expect(again.status, again.stderr).toBe(0);
      const s = JSON.parse(again.stdout);
      expect(s).toMatchObject({ unchanged: 1, missing: 0, failed: 1 });
      expect(s.failures[0].path).toBe(path.join(root, 'locked'));
      expect(s.failures[0].error).toMatch(/EACCES|permission/i);
      type Row = { path: string; status: string; error: string | null; shape: number[] | null };
      const items = JSON.parse(asUser(['ls', project, '--json']).stdout) as Row[];
      const locked = items.find((i) => i.path.endsWith('locked/a.fits'))!;
      expect(locked.status).toBe('failed');
      expect(locked.error).toMatch(new RegExp(`^cannot read folder ${path.join(root, 'locked')}: .*(EACCES|permission denied).*; `
        + 'the item is kept as it was scanned: add the folder again once it can be read$'));
      // nothing deleted: what the earlier scan learnt stays, and the other file is untouched
      expect(locked.shape).toEqual([8, 8]);
      expect(items.find((i) => i.path.endsWith('/b.fits'))).toMatchObject({ status: 'ok', error: null });
    } finally {
      fs.chmodSync(path.join(root, 'locked'), 0o755);
    }
    // readable again: the next add reads it again and it is ok
    const back = asUser(['add', project, root, '--json', '--no-progress']);
    expect(JSON.parse(back.stdout)).toMatchObject({ updated: 1, unchanged: 1, failed: 0 });
    const after = JSON.parse(asUser(['ls', project, '--json']).stdout) as Array<{ path: string; status: string; error: string | null }>;
    expect(after.find((i) => i.path.endsWith('locked/a.fits'))).toMatchObject({ status: 'ok', error: null });
  });

  it('a whole data folder that became unreadable marks all its items failed, keeping what was scanned', () => {
    fs.chmodSync(dir, 0o755);
    const root = path.join(dir, 'data');
    const projDir = path.join(dir, 'proj');
    fs.mkdirSync(path.join(root, 'sub'), { recursive: true });
    fs.mkdirSync(projDir, { mode: 0o777 });
    fs.chmodSync(projDir, 0o777);
    writeImageFits(path.join(root, 'a.fits'), gaussianImage(8, 8, 4, 4, 2), [8, 8]);
    writeImageFits(path.join(root, 'sub/b.fits'), gaussianImage(8, 8, 4, 4, 2), [8, 8]);
    const project = path.join(projDir, 'p.amproj');
    const asUser = (args: string[]): CliResult => (process.getuid?.() === 0 ? cliAsNobody(args, projDir, path.join(projDir, 'config')) : cli(args, projDir));
    expect(asUser(['init', project]).status).toBe(0);
    expect(JSON.parse(asUser(['add', project, root, '--json', '--no-progress']).stdout)).toMatchObject({ added: 2 });
    fs.chmodSync(root, 0o000);
    try {
      const again = asUser(['add', project, root, '--json', '--no-progress']);
      expect(again.status, again.stderr).toBe(0);
      expect(JSON.parse(again.stdout)).toMatchObject({ added: 0, missing: 0, failed: 1, noFitsFiles: [] });
      const items = JSON.parse(asUser(['ls', project, '--json']).stdout) as Array<{ status: string; error: string | null; shape: number[] | null }>;
      expect(items).toHaveLength(2);
      for (const item of items) {
        expect(item.status).toBe('failed');
        expect(item.error).toMatch(new RegExp(`^cannot read folder ${root}: `));
        expect(item.shape).toEqual([8, 8]);
      }
    } finally {
      fs.chmodSync(root, 0o755);
    }
  });

  it('rescans every data folder; a folder that vanished has its items marked missing', async () => {
    const a = path.join(dir, 'a');
    const b = path.join(dir, 'b');
    for (const [d, n] of [[a, 3], [b, 2]] as const) {
      fs.mkdirSync(d);
      for (let i = 0; i < n; i++) writeImageFits(path.join(d, `${i}.fits`), gaussianImage(8, 8, 4, 4, 2), [8, 8]);
    }
    const p = Project.create(path.join(dir, 'p.amproj'));
    try {
      await addFolders(p, [a]);
      await addFolders(p, [b]);
      writeImageFits(path.join(a, 'new.fits'), gaussianImage(8, 8, 4, 4, 2), [8, 8]);
      fs.rmSync(b, { recursive: true });
      const s = await rescanFolders(p);
      expect(s).toMatchObject({ added: 1, unchanged: 3, missing: 2, failed: 1, cancelled: false });
      expect(s.failures[0].path).toBe(b);
      expect(p.items.list({ status: 'missing' }).map((i) => i.path)).toEqual(['b/0.fits', 'b/1.fits']);
      expect(await rescanFolders(p)).toMatchObject({ unchanged: 4, missing: 0 });
    } finally {
      p.close();
    }
  });

  it('adding the project folder itself leaves items of folders outside it alone', async () => {
    const data = path.join(dir, 'data');
    fs.mkdirSync(data);
    writeImageFits(path.join(data, 'out.fits'), gaussianImage(8, 8, 4, 4, 2), [8, 8]);
    const p = newProject();
    try {
      writeImageFits(path.join(p.folder, 'in.fits'), gaussianImage(8, 8, 4, 4, 2), [8, 8]);
      await addFolders(p, [data]);
      expect(await addFolders(p, [p.folder])).toMatchObject({ added: 1, missing: 0 });
      expect(p.items.list().map((i) => [i.path, i.status])).toEqual([['../data/out.fits', 'ok'], ['in.fits', 'ok']]);
      expect(p.datasets.list().map((d) => d.root)).toEqual(['../data', '.']);
    } finally {
      p.close();
    }
  });

  it('fails the files, without hanging, when its worker threads cannot start', async () => {
    const root = path.join(dir, 'data');
    fs.mkdirSync(root);
    for (let i = 0; i < 5; i++) writeImageFits(path.join(root, `${i}.fits`), gaussianImage(8, 8, 4, 4, 2), [8, 8]);
    const p = Project.create(path.join(dir, 'p.amproj'));
    try {
      const s = await addFolders(p, [root], { workers: 1, workerUrl: new URL('file:///nonexistent/scan-worker.ts') });
      expect(s).toMatchObject({ added: 0, failed: 5, cancelled: false });
      for (const f of s.failures) expect(f.error).toMatch(/reader/);
      expect(p.items.countByStatus()).toEqual({ ok: 0, failed: 5, missing: 0 });
      // Failed files are retried: with a working reader the next add reads them, unchanged as they are.
      expect(await addFolders(p, [root], { workers: 0 })).toMatchObject({ updated: 5, failed: 0 });
      expect(p.items.countByStatus()).toEqual({ ok: 5, failed: 0, missing: 0 });
    } finally {
      p.close();
    }
  });

  it('rejects, without an unhandled error, when the project is closed under a running scan', async () => {
    const root = path.join(dir, 'data');
    fs.mkdirSync(root);
    for (let i = 0; i < 300; i++) writeImageFits(path.join(root, `${i}.fits`), gaussianImage(8, 8, 4, 4, 2), [8, 8]);
    const p = Project.create(path.join(dir, 'p.amproj'));
    const scan = addFolders(p, [root], {
      workers: 1,
      onProgress: (e) => {
        if (e.phase === 'read' && e.done >= 10) p.close();
      },
    });
    await expect(scan).rejects.toThrow(/not open/);
    const q = Project.open(p.path);
    expect(q.integrityCheck()).toEqual(['ok']);
    q.close();
  });

  it('refuses a folder that does not exist, naming it', async () => {
    const p = Project.create(path.join(dir, 'p.amproj'));
    try {
      const missing = path.join(dir, 'nope');
      await expect(addFolders(p, [missing])).rejects.toThrow(DatasetError);
      await expect(addFolders(p, [missing])).rejects.toThrow(missing);
      expect(p.datasets.list()).toEqual([]);
    } finally {
      p.close();
    }
  });
});
