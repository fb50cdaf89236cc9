// Symbolic links must not carry a read past the trust check: an item is read only when its real
// file lies under the project's folder or a folder the user chose, and a scan stays inside the
// chosen folder's real tree unless asked to follow links (--follow-links). Real files, real links.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { emptyMetadata } from '../../../src-main/dataset/index.ts';
import { Project, ProjectError } from '../../../src-main/project/index.ts';
import { readImageInfo, readImagePlane } from '../../../src-main/api/services/project/image-planes.ts';
import { trainingSource } from '../../../src-main/api/services/training/training.ts';
import { writeSyntheticDataset } from '../../../src-main/synthetic/index.ts';
import { cli } from '../cli/run-cli.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'am-links-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let base = '';
let config = '';
beforeEach(() => {
  base = fs.mkdtempSync(path.join(dir, 'b-'));
  config = fs.mkdtempSync(path.join(dir, 'config-'));
  process.env.ASTROMORPH_CONFIG_DIR = config;
});

const PREPROCESS: Parameters<typeof trainingSource>[1] = { size: 8, channels: 1, normalisation: 'minmax', clipPercentiles: [1, 99], cube: 'bin' };

/** A small real FITS image (8 x 8 float32). */
function writeFits(file: string, seed: number): void {
  const cards = ['SIMPLE  =                    T', 'BITPIX  =                  -32', 'NAXIS   =                    2',
    'NAXIS1  =                    8', 'NAXIS2  =                    8', 'END'];
  const header = Buffer.from(cards.map((c) => c.padEnd(80)).join('').padEnd(2880), 'latin1');
  const data = Buffer.alloc(2880);
  for (let i = 0; i < 64; i++) data.writeFloatBE(Math.sin(i * seed) + i / 64, 4 * i);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, Buffer.concat([header, data]));
}

/** A project whose items lie under `dataDir`, recorded straight into the file, as a crafted file arrives. */
function projectWithItems(file: string, dataDir: string, names: string[]): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const p = Project.create(file);
  const datasetId = p.datasets.add(dataDir);
  for (const name of names) {
    p.items.save({
      path: path.relative(path.dirname(file), path.join(dataDir, name)).split(path.sep).join('/'), datasetId, size: 5760, mtimeMs: 1,
      contentHash: null, hdu: 0, shape: [8, 8], axisKinds: ['spatial', 'spatial'], bitpix: -32, status: 'ok', error: null,
      metadata: emptyMetadata(), header: {}, issues: [],
    });
  }
  p.close();
}

function refused(file: string, read: (p: Project) => unknown): ProjectError {
  const p = Project.open(file);
  try {
    read(p);
  } catch (e) {
    if (e instanceof ProjectError) return e;
    throw e;
  } finally {
    p.close();
  }
  throw new Error('the read was not refused');
}

const byName = (p: Project, name: string) => p.items.list().find((i) => i.path.endsWith(name))!;

describe('reading through a link', () => {
  it('refuses an item whose file or folder links out of the project folder, for imageInfo, imagePlane and training', () => {
    const outside = path.join(base, 'home', '.ssh');
    writeFits(path.join(outside, 'id_rsa.fits'), 1);
    const proj = path.join(base, 'shared', 'survey.amproj');
    writeFits(path.join(base, 'shared', 'data', 'fine.fits'), 2);
    fs.symlinkSync(path.join(outside, 'id_rsa.fits'), path.join(base, 'shared', 'data', 'secret.fits'));
    fs.symlinkSync(outside, path.join(base, 'shared', 'data', 'more'));
    projectWithItems(proj, path.join(base, 'shared', 'data'), ['fine.fits', 'secret.fits', 'more/id_rsa.fits']);

    for (const name of ['secret.fits', 'more/id_rsa.fits']) {
      for (const read of [(p: Project) => readImageInfo(p, byName(p, name)), (p: Project) => readImagePlane(p, byName(p, name), 0, 64)]) {
        const e = refused(proj, read);
        expect(e.code).toBe('untrusted-link');
        expect(e.message).toContain(`leads to ${path.join(outside, 'id_rsa.fits')}, outside the project's folder`);
      }
    }
    const p = Project.open(proj);
    try {
      expect(readImageInfo(p, byName(p, 'fine.fits')).shape).toEqual([8, 8]);
      // Training leaves the linked items out, saying why, and keeps the one it may read.
      const source = trainingSource(p, PREPROCESS);
      expect(source.itemIds).toEqual([byName(p, 'fine.fits').id]);
      expect(source.skipped.map((s) => s.path).sort()).toEqual(['data/more/id_rsa.fits', 'data/secret.fits']);
      expect(source.skipped[0]!.reason).toMatch(/outside the project's folder/);
    } finally {
      p.close();
    }
  });

  it('reads through a link whose target is a folder the user chose', () => {
    const archive = path.join(base, 'archive');
    writeFits(path.join(archive, 'm31.fits'), 3);
    const proj = path.join(base, 'p', 'survey.amproj');
    fs.mkdirSync(path.join(base, 'p', 'data'), { recursive: true });
    fs.symlinkSync(path.join(archive, 'm31.fits'), path.join(base, 'p', 'data', 'm31.fits'));
    projectWithItems(proj, path.join(base, 'p', 'data'), ['m31.fits']);
    expect(refused(proj, (p) => readImageInfo(p, byName(p, 'm31.fits'))).code).toBe('untrusted-link');
    const add = cli(['add', '--no-progress', proj, archive], undefined, { ASTROMORPH_CONFIG_DIR: config });
    expect(add.status, add.stderr).toBe(0);
    const p = Project.open(proj);
    try {
      expect(readImageInfo(p, byName(p, 'data/m31.fits')).shape).toEqual([8, 8]);
    } finally {
      p.close();
    }
  });
});

describe('scanning a folder with links', () => {
  it('stays inside the chosen folder unless --follow-links is given', () => {
    const outside = path.join(base, 'elsewhere');
    writeFits(path.join(outside, 'deep', 'a.fits'), 4);
    writeFits(path.join(outside, 'b.fits'), 5);
    const data = path.join(base, 'data');
    writeFits(path.join(data, 'own.fits'), 6);
    writeFits(path.join(data, 'sub', 'inner.fits'), 7);
    fs.symlinkSync(outside, path.join(data, 'ext'));
    fs.symlinkSync(path.join(outside, 'b.fits'), path.join(data, 'b.fits'));
    fs.symlinkSync(path.join(data, 'sub'), path.join(data, 'also-sub')); // inside: followed, read once
    const env = { ASTROMORPH_CONFIG_DIR: config };
    expect(cli(['init', path.join(base, 'survey')], undefined, env).status).toBe(0);

    const res = cli(['add', path.join(base, 'survey'), data, '--json', '--no-progress'], undefined, env);
    expect(res.status, res.stderr).toBe(0);
    const report = JSON.parse(res.stdout);
    expect(report).toMatchObject({ added: 2, failed: 0 });
    expect(report.linksNotFollowed.sort()).toEqual([path.join(data, 'b.fits'), path.join(data, 'ext')]);
    const plain = cli(['add', path.join(base, 'survey'), data, '--no-progress'], undefined, env);
    expect(plain.stdout).toMatch(/2 links lead outside the folders scanned and were not followed .*--follow-links/);
    const listed = JSON.parse(cli(['ls', path.join(base, 'survey'), '--json'], undefined, env).stdout).map((r: { path: string }) => r.path);
    expect(listed.sort()).toEqual([path.join(data, 'own.fits'), path.join(data, 'sub', 'inner.fits')]);

    const follow = cli(['add', path.join(base, 'survey'), data, '--follow-links', '--json', '--no-progress'], undefined, env);
    expect(follow.status, follow.stderr).toBe(0);
    expect(JSON.parse(follow.stdout)).toMatchObject({ added: 3, linksNotFollowed: [] }); // ext/deep/a.fits, ext/b.fits, b.fits
    const p = Project.open(path.join(base, 'survey.amproj'));
    try {
      // Following was the user's choice: the files behind the links may now be read.
      expect(readImageInfo(p, byName(p, 'ext/deep/a.fits')).shape).toEqual([8, 8]);
      expect(readImageInfo(p, byName(p, 'data/b.fits')).shape).toEqual([8, 8]);
    } finally {
      p.close();
    }
  });
});

describe('embedding through a link', () => {
  let proj = '';
  let disks = '';
  beforeAll(() => {
    const root = fs.mkdtempSync(path.join(dir, 'embed-'));
    const env = { ASTROMORPH_CONFIG_DIR: path.join(root, 'config') };
    disks = path.join(root, 'disks');
    writeSyntheticDataset(disks, { n: 8, seed: 9 });
    fs.writeFileSync(path.join(root, 'tiny.toml'), 'encoder = "small-cnn"\nwidth = 4\ndepth = 2\nimage_size = 16\nbatch_size = 4\n'
      + 'projection_size = 8\nprojection_hidden_size = 16\nbackend = "wasm"\ncore_limit = 1\nepochs = 1\n');
    proj = path.join(root, 'survey.amproj');
    for (const args of [['init', proj], ['add', proj, disks, '--no-progress'], ['train', proj, '--config', path.join(root, 'tiny.toml'), '--no-progress'],
      ['embed', proj, '--no-progress']]) {
      const r = cli(args, root, env);
      expect(r.status, `${args[0]}: ${r.stderr}`).toBe(0);
    }
    process.env.ASTROMORPH_CONFIG_DIR = env.ASTROMORPH_CONFIG_DIR;
  }, 120_000);

  it('an item replaced by a link out of the trusted folders is not read: reported, old vector kept stale', () => {
    const victim = fs.readdirSync(disks).filter((f) => f.endsWith('.fits')).sort()[0]!;
    const outside = path.join(dir, `stolen-${process.pid}.fits`);
    fs.copyFileSync(path.join(disks, victim), outside);
    fs.rmSync(path.join(disks, victim));
    fs.symlinkSync(outside, path.join(disks, victim));
    const res = cli(['embed', proj, '--json', '--no-progress'], undefined, { ASTROMORPH_CONFIG_DIR: process.env.ASTROMORPH_CONFIG_DIR! });
    expect(res.status, res.stderr).toBe(0);
    const report = JSON.parse(res.stdout);
    expect(report.skipped).toEqual([{ path: path.join(disks, victim), reason: expect.stringMatching(/leads to .*stolen.*outside the project's folder/), keptStale: true }]);
    expect(report).toMatchObject({ items: 7, stale: 1 });
  });
});
