// A crafted project may record a data folder anywhere (`../../..`): its files are read only when the
// folder lies under the project file's folder or this user named it here (add / relocate).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { emptyMetadata } from '../../../src-main/dataset/index.ts';
import {
  dataFilePath, isTrustedRoot, mayReadDataFile, Project, ProjectError, trustedFolders, trustFolder, trustListPath,
} from '../../../src-main/project/index.ts';
import { readImageInfo } from '../../../src-main/api/services/project/image-planes.ts';
import { trainingSource } from '../../../src-main/api/services/training/training.ts';
import { cli } from '../cli/run-cli.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'am-trusted-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let base = '';
let config = '';
beforeEach(() => {
  base = fs.mkdtempSync(path.join(dir, 'b-'));
  config = fs.mkdtempSync(path.join(dir, 'config-'));
  process.env.ASTROMORPH_CONFIG_DIR = config;
});

/** A small real FITS image (8 x 8 float32), as the scanner and the viewer read it. */
function writeFits(file: string, seed: number): void {
  const cards = ['SIMPLE  =                    T', 'BITPIX  =                  -32', 'NAXIS   =                    2',
    'NAXIS1  =                    8', 'NAXIS2  =                    8', 'END'];
  const header = Buffer.from(cards.map((c) => c.padEnd(80)).join('').padEnd(2880), 'latin1');
  const data = Buffer.alloc(2880);
  for (let i = 0; i < 64; i++) data.writeFloatBE(Math.sin(i * seed) + i / 64, 4 * i);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, Buffer.concat([header, data]));
}

/** A project whose one item lies under `dataDir`, recorded straight into the file (no trust entry, as a crafted file arrives). */
function projectWithItemIn(file: string, dataDir: string, name: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const p = Project.create(file);
  const datasetId = p.datasets.add(dataDir);
  const rel = path.relative(path.dirname(file), path.join(dataDir, name)).split(path.sep).join('/');
  p.items.save({
    path: rel, datasetId, size: fs.statSync(path.join(dataDir, name)).size, mtimeMs: 1, contentHash: null, hdu: 0, shape: [8, 8],
    axisKinds: ['spatial', 'spatial'], bitpix: -32, status: 'ok', error: null, metadata: emptyMetadata(), header: {}, issues: [],
  });
  p.close();
}

function refusal(file: string, read: (p: Project) => unknown): ProjectError {
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

function readsImage(file: string): number[] {
  const p = Project.open(file);
  try {
    return readImageInfo(p, p.items.list()[0]!).shape;
  } finally {
    p.close();
  }
}

describe('trust list', () => {
  it('records chosen folders atomically and trusts folders under them', () => {
    expect(trustedFolders()).toEqual([]);
    trustFolder(path.join(base, 'data'));
    trustFolder(path.join(base, 'data')); // once only
    expect(trustListPath()).toBe(path.join(config, 'trusted-folders.json'));
    expect(JSON.parse(fs.readFileSync(trustListPath(), 'utf8'))).toEqual({ folders: [path.join(base, 'data')] });
    expect(fs.readdirSync(config)).toEqual(['trusted-folders.json']); // no temp file left behind
    const project = path.join(base, 'p');
    expect(isTrustedRoot(project, '../data')).toBe(true);
    expect(isTrustedRoot(project, '../data/alma')).toBe(true);
    expect(isTrustedRoot(project, '..')).toBe(false);
    expect(isTrustedRoot(project, '../database')).toBe(false);
    expect(isTrustedRoot(project, 'sub/data')).toBe(true);
    expect(isTrustedRoot(project, '.')).toBe(true);
  });

  it('trusts nothing when the list is damaged', () => {
    fs.writeFileSync(path.join(config, 'trusted-folders.json'), '{"folders": ["relative", 3');
    expect(trustedFolders()).toEqual([]);
    fs.writeFileSync(path.join(config, 'trusted-folders.json'), JSON.stringify({ folders: ['relative/x', 3, '/abs'] }));
    expect(trustedFolders()).toEqual(['/abs']);
  });
});

describe('reading item data', () => {
  it('refuses a crafted root ../../.. and reads it after the user relocates to that folder', () => {
    const secret = path.join(base, 'secret');
    writeFits(path.join(secret, 'passwd.fits'), 1);
    const deep = path.join(base, 'x', 'y', 'z', 'survey.amproj');
    projectWithItemIn(deep, base, 'secret/passwd.fits');
    const p = Project.open(deep);
    expect(p.datasets.list()[0]!.root).toBe('../../..');
    p.close();

    const e = refusal(deep, (q) => readImageInfo(q, q.items.list()[0]!));
    expect(e.code).toBe('untrusted-folder');
    expect(e.message).toBe(`${deep}: data folder ../../.. recorded in survey.amproj is outside the project's folder and was not chosen `
      + 'on this machine: run `astromorph relocate survey.amproj DIR` or `astromorph add survey.amproj DIR` to use it');
    expect(refusal(deep, (q) => trainingSource(q, { size: 8, channels: 1, normalisation: 'minmax', clipPercentiles: [1, 99], cube: 'bin' })).code)
      .toBe('untrusted-folder');
    // Stored results are still there to explore.
    const q = Project.open(deep);
    expect(q.items.list()).toHaveLength(1);
    expect(mayReadDataFile(q, q.items.list()[0]!)).toBe(false);
    q.close();

    const r = cli(['relocate', deep, secret], undefined, { ASTROMORPH_CONFIG_DIR: config });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(trustedFolders()).toEqual([secret]);
    expect(readsImage(deep)).toEqual([8, 8]);
  });

  it('reads data under the project folder without any trust entry', () => {
    const file = path.join(base, 'p', 'survey.amproj');
    writeFits(path.join(base, 'p', 'data', 'a.fits'), 2);
    projectWithItemIn(file, path.join(base, 'p', 'data'), 'a.fits');
    expect(readsImage(file)).toEqual([8, 8]);
    expect(fs.existsSync(trustListPath())).toBe(false);
  });

  it('reads data beside the project added here, but not through a moved copy whose root now points elsewhere', () => {
    writeFits(path.join(base, 'data', 'a.fits'), 3);
    const file = path.join(base, 'p', 'survey.amproj');
    fs.mkdirSync(path.dirname(file));
    expect(cli(['init', file], undefined, { ASTROMORPH_CONFIG_DIR: config }).status).toBe(0);
    const added = cli(['add', '--no-progress', file, path.join(base, 'data')], undefined, { ASTROMORPH_CONFIG_DIR: config });
    expect(added.stderr).toBe('');
    expect(added.status).toBe(0);
    const p = Project.open(file);
    expect(p.datasets.list()[0]!.root).toBe('../data');
    expect(dataFilePath(p, p.items.list()[0]!)).toBe(path.join(base, 'data', 'a.fits'));
    p.close();
    expect(trustedFolders()).toEqual([path.join(base, 'data')]);
    expect(readsImage(file)).toEqual([8, 8]);

    // The same file elsewhere: '../data' is now another folder nobody chose.
    writeFits(path.join(base, 'elsewhere', 'data', 'a.fits'), 3);
    const moved = path.join(base, 'elsewhere', 'q', 'survey.amproj');
    fs.mkdirSync(path.dirname(moved), { recursive: true });
    fs.copyFileSync(file, moved);
    const e = refusal(moved, (q) => readImageInfo(q, q.items.list()[0]!));
    expect(e.code).toBe('untrusted-folder');
    expect(e.message).toContain('data folder ../data recorded in survey.amproj');
  });

  it('an add that finds no FITS file says so, records nothing and trusts nothing; the trust list grows only by a real add', async () => {
    // a folder like /etc: files, a subfolder, no FITS file anywhere
    const etc = path.join(base, 'etc');
    fs.mkdirSync(path.join(etc, 'ssh'), { recursive: true });
    fs.writeFileSync(path.join(etc, 'passwd'), 'root:x:0:0:root:/root:/bin/bash\n');
    fs.writeFileSync(path.join(etc, 'ssh', 'sshd_config'), 'PermitRootLogin no\n');
    const file = path.join(base, 'p', 'survey.amproj');
    fs.mkdirSync(path.dirname(file));
    const env = { ASTROMORPH_CONFIG_DIR: config };
    expect(cli(['init', file], undefined, env).status).toBe(0);

    const alone = cli(['add', '--no-progress', '--json', file, etc], undefined, env);
    expect(alone.status).toBe(1);
    expect(alone.stderr).toBe(`astromorph: no FITS files found in ${etc}: nothing was added from it, and it was neither recorded in survey.amproj nor trusted\n`);
    expect(JSON.parse(alone.stdout)).toMatchObject({ added: 0, failed: 0, noFitsFiles: [etc], itemsInProject: 0 });
    expect(fs.existsSync(trustListPath())).toBe(false);
    let p = Project.open(file);
    expect(p.datasets.list()).toEqual([]);
    p.close();

    // Named with a real data folder: that one is added and trusted, the empty one still is not.
    writeFits(path.join(base, 'data', 'a.fits'), 3);
    const both = cli(['add', '--no-progress', file, etc, path.join(base, 'data')], undefined, env);
    expect(both.status, both.stderr).toBe(0);
    expect(both.stderr).toContain(`no FITS files found in ${etc}`);
    expect(both.stdout).toMatch(/^added 1, /);
    expect(trustedFolders()).toEqual([path.join(base, 'data')]);
    p = Project.open(file);
    expect(p.datasets.list().map((d) => d.root)).toEqual(['../data']);
    p.close();

    // The desktop app's Add folder reports it in the same field, for the page to show.
    const { DesktopService } = await import('../../../src-main/api/services/desktop-service.ts');
    const { EventHub } = await import('../../../src-main/api/contract/events.ts');
    const service = new DesktopService({ events: new EventHub(), host: 'browser' });
    try {
      service.openPath(file);
      const report = await service.addFolders({ folders: [etc] }, { signal: new AbortController().signal });
      expect(report).toMatchObject({ added: 0, noFitsFiles: [etc] });
      expect(trustedFolders()).toEqual([path.join(base, 'data')]);
    } finally {
      await service.close();
    }
  });
});
