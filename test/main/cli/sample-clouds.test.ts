// The bundled multi-band sample clouds through the real CLI: reproducible, and grouped into objects by
// each rule (the name's stem, the OBJECT card, the CSV) with the grouping printed before anything trains.
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, NODE, REPO } from './run-cli.ts';

const CLOUDS = join(REPO, 'resources', 'sample-clouds');
const digest = (dir: string) => Object.fromEntries(readdirSync(dir).sort().map((f) => [f, createHash('sha256').update(readFileSync(join(dir, f))).digest('hex')]));

describe('resources/sample-clouds', () => {
  const dir = mkdtempSync(join(tmpdir(), 'astromorph-clouds-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is what the generator writes, byte for byte', () => {
    const res = spawnSync(NODE, [join(REPO, 'scripts', 'make-sample-clouds.ts'), join(dir, 'out')], { encoding: 'utf8' });
    expect(res.status, res.stderr).toBe(0);
    expect(digest(join(dir, 'out'))).toEqual(digest(CLOUDS));
  });

  it('groups by stem with a dry run first, then by the CSV; add --group-by stores a grouping as it scans', () => {
    const p = join(dir, 'clouds');
    expect(cli(['init', p]).status).toBe(0);
    expect(cli(['add', p, CLOUDS, '--no-progress']).status).toBe(0);
    const none = cli(['group', p]);
    expect(none.stdout).toContain('no multi-band objects');
    const dry = cli(['group', p, '--by', 'stem', '--dry-run']);
    expect(dry.status, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('12 multi-band objects by stem, bands 8um, 70um, 250um, 500um (12 with every band');
    expect(dry.stdout).toMatch(/^cloud000 +cloud000_8um\.fits +cloud000_70um\.fits +cloud000_250um\.fits +cloud000_500um\.fits$/m);
    expect(dry.stdout).toContain('dry run: nothing stored');
    expect(cli(['group', p]).stdout).toContain('no multi-band objects');
    const csv = cli(['group', p, '--by', `csv:${join(CLOUDS, 'labels.csv')}`, '--json']);
    const g = JSON.parse(csv.stdout) as { bands: string[]; objects: { object: string; bands: { band: string }[] }[]; applied: boolean; thumbnails: number };
    expect(g.applied).toBe(true);
    expect(g.bands).toEqual(['8um', '70um', '250um', '500um']);
    expect(g.objects.map((o) => o.object)).toEqual(Array.from({ length: 12 }, (_, i) => `cloud${String(i).padStart(3, '0')}`));
    expect(g.thumbnails).toBe(12);
    expect(cli(['group', p]).stdout).toContain('12 multi-band objects by csv:');
    const bad = cli(['group', p, '--by', 'colour']);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain('unknown grouping rule');

    const q = join(dir, 'again');
    expect(cli(['init', q]).status).toBe(0);
    const add = cli(['add', q, CLOUDS, '--no-progress', '--group-by', 'object']);
    expect(add.status, add.stderr).toBe(0);
    expect(add.stdout).toContain('added 48');
    expect(add.stdout).toContain('12 multi-band objects by object');
    expect(add.stdout).toContain('stored: training uses these 12 objects, bands as channels; 12 RGB thumbnails made');
  });

  it('trains and embeds the objects from the CLI, and the map figure shows them in colour', () => {
    const q = join(dir, 'again');
    const toml = join(dir, 'tiny.toml');
    writeFileSync(toml, 'encoder = "small-cnn"\nwidth = 4\ndepth = 2\nimage_size = 16\nbatch_size = 4\nepochs = 1\nprojection_size = 8\n'
      + 'projection_hidden_size = 16\nbackend = "wasm"\ncoordinates = "cartesian"\nembed_profile = false\n');
    const trained = cli(['train', q, '--config', toml]);
    expect(trained.status, trained.stderr).toBe(0);
    expect(trained.stderr + trained.stdout).toContain('training run 1 on 12 multi-band objects (channels 8um, 70um, 250um, 500um, reprojected exact onto the 8um grid), 1 epoch');
    expect(cli(['embed', q]).stdout).toContain('embedded 12 items');
    expect(cli(['map', q, '--method', 'pca']).status).toBe(0);
    // Similar to an object: by its first band's item. A lone file outside the project is one band, not an object.
    const similar = cli(['similar', q, join(CLOUDS, 'cloud004_8um.fits'), '--k', '3']);
    expect(similar.status, similar.stderr).toBe(0);
    expect(similar.stdout).toMatch(/cloud\d{3}_8um\.fits/);
    const outsider = join(dir, 'outsider_8um.fits');
    writeFileSync(outsider, readFileSync(join(CLOUDS, 'cloud004_8um.fits')));
    const lone = cli(['similar', q, outsider]);
    expect(lone.status).not.toBe(0);
    expect(lone.stderr).toContain('was trained on multi-band objects (8um, 70um, 250um, 500um)');
    const svg = join(dir, 'map.svg');
    const fig = cli(['figure', q, 'map', '--out', svg, '--format', 'svg', '--thumbnails', '4']);
    expect(fig.status, fig.stderr).toBe(0);
    const images = [...readFileSync(svg, 'utf8').matchAll(/href="data:image\/png;base64,([^"]+)"/g)].map((m) => PNG.sync.read(Buffer.from(m[1]!, 'base64')));
    expect(images.length).toBeGreaterThan(0);
    for (const png of images) {
      let colour = 0;
      for (let i = 0; i < png.data.length; i += 4) if (Math.abs(png.data[i]! - png.data[i + 2]!) > 30) colour++;
      expect(colour).toBeGreaterThan(0.1 * png.width * png.height);
    }
  });
});
