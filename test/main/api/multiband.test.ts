// Multi-band objects end to end on a real project file and real FITS files: synthetic clouds in four
// bands of different resolution and pixel grid, grouped, trained on with the bands as channels, embedded,
// and shown as RGB thumbnails.
import { copyFileSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProjectSession } from '../../../src-main/api/services/project/project-session.ts';
import { applyGrouping, previewGrouping, refreshBandThumbnails, storedGrouping } from '../../../src-main/api/services/project/bands.ts';
import { embedItems } from '../../../src-main/api/services/training/embedding.ts';
import { embedShard, mergeShards } from '../../../src-main/api/services/sharding/shards.ts';
import { embeddingCoverage } from '../../../src-main/api/services/exploration/embedding-run.ts';
import { channelsFromData, train } from '../../../src-main/api/services/training/training.ts';
import { decodeCheckpoint } from '../../../src-main/model/serialization.ts';
import { writeCloudDataset, writeSyntheticDataset } from '../../../src-main/synthetic/index.ts';

const TINY = {
  encoder: 'small-cnn', width: 4, depth: 2, image_size: 16, coordinates: 'cartesian', embed_profile: false, batch_size: 4, projection_size: 8,
  projection_hidden_size: 16, backend: 'wasm', core_limit: 2, epochs: 1, embed_rotations: 1, framing: 'field',
} as const;

let dir: string;
let session: ProjectSession;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'astromorph-multiband-'));
  writeCloudDataset(join(dir, 'clouds'), { perClass: 1, seed: 5 });
  // Images that are no band of anything: left out of a multi-band training, with the reason.
  writeSyntheticDataset(join(dir, 'extra'), { n: 2, seed: 6 });
  session = ProjectSession.create(join(dir, 'p'));
  await session.addFolders([join(dir, 'clouds'), join(dir, 'extra')]);
});

afterAll(() => {
  session?.close();
  rmSync(dir, { recursive: true, force: true });
});

function vectors(): Map<number, Float32Array> {
  const set = session.project.embeddings.all(session.project.runs.list().at(-1)!.id);
  return new Map(set.itemIds.map((id, i) => [id, set.vectors.slice(i * set.dim, (i + 1) * set.dim)]));
}

describe('multi-band objects', () => {
  it('previews a grouping without storing it, then stores it with an RGB thumbnail per object', () => {
    const preview = previewGrouping(session, 'object');
    expect(preview.bands).toEqual(['8um', '70um', '250um', '500um']);
    expect(preview.objects.map((o) => o.object)).toEqual(['cloud000', 'cloud001', 'cloud002', 'cloud003']);
    expect(preview.objects.every((o) => o.bands.map((b) => b.band).join() === '8um,70um,250um,500um')).toBe(true);
    // The extra folder's disks are one image per object.
    const extra = preview.ungrouped.filter((u) => u.path.startsWith('extra/'));
    expect(extra).toHaveLength(2);
    for (const u of extra) expect(u.reason).toMatch(/^the only band \(\w+\) of object synthetic \w+$/);
    expect(session.project.bands.size).toBe(0);
    expect(storedGrouping(session)).toBeNull();

    const byCsv = previewGrouping(session, `csv:${join(dir, 'clouds', 'labels.csv')}`);
    expect(byCsv.objects.map((o) => o.bands.map((b) => b.path))).toEqual(preview.objects.map((o) => o.bands.map((b) => b.path)));

    const report = applyGrouping(session, 'stem');
    expect(report.objects.map((o) => o.object)).toEqual(['cloud000', 'cloud001', 'cloud002', 'cloud003']);
    expect(storedGrouping(session)!.objects.every((o) => o.bands.length === 4)).toBe(true);
    applyGrouping(session, `csv:${join(dir, 'clouds', 'labels.csv')}`);
    expect(storedGrouping(session)!.objects).toHaveLength(4);
    const lead = storedGrouping(session)!.objects[0]!.bands[0]!;
    expect(lead.band).toBe('8um');
    const png = PNG.sync.read(Buffer.from(session.project.thumbnails.get(lead.itemId)!.png));
    expect(png.colorType).toBe(6);
    // A colour image: red (500 µm) and blue (8 µm, the cloud in absorption) differ.
    let differ = 0;
    for (let i = 0; i < png.data.length; i += 4) if (Math.abs(png.data[i]! - png.data[i + 2]!) > 30) differ++;
    expect(differ).toBeGreaterThan(png.width * png.height * 0.1);
  });

  it('a rescan that reads an object\'s first band again gives it back its RGB thumbnail', async () => {
    const lead = storedGrouping(session)!.objects[1]!.bands[0]!;
    const file = join(dir, lead.path);
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    const report = await session.addFolders([join(dir, 'clouds')]);
    expect(report.updated).toBe(1);
    expect(session.project.thumbnails.get(lead.itemId)!.png[25]).toBe(4); // the scan's gray one
    expect(refreshBandThumbnails(session)).toBe(1);
    expect(session.project.thumbnails.get(lead.itemId)!.png[25]).toBe(6);
    expect(refreshBandThumbnails(session)).toBe(0);
  });

  it('trains on every band as a channel, and the embedding follows each band', async () => {
    expect(channelsFromData(session.project)).toBe(4);
    const starts: { items: number; skipped: { path: string; reason: string }[] }[] = [];
    const report = await train(session, { settings: { ...TINY }, onStart: (s) => starts.push(s) });
    expect(report.status).toBe('done');
    expect(starts[0]!.items).toBe(4);
    expect(starts[0]!.skipped.map((s) => s.reason)).toContain('not a band of any multi-band object (the project trains on its objects; see astromorph group)');
    const run = session.project.runs.list().at(-1)!;
    expect(run.config.channels).toBe(4);
    // The encoder's first convolution takes 4 input channels.
    const ck = decodeCheckpoint(session.project.checkpoints.latest(run.id)!.weights, 'weights');
    const kernels = ck.manifest.tensors.filter((t) => t.name.startsWith('online/encoder/') && t.shape.length === 4);
    expect(kernels.length).toBeGreaterThan(0);
    expect(kernels[0]!.shape[2]).toBe(4);

    await embedItems(session);
    const before = vectors();
    // The objects' bands count as covered by the objects' vectors; the two disks (in no object) do not.
    const coverage = embeddingCoverage(session.project, run.id);
    expect([coverage.vectors, coverage.withoutVector]).toEqual([4, 2]);
    const leads = storedGrouping(session)!.objects.map((o) => o.bands[0]!.itemId);
    expect([...before.keys()].sort()).toEqual([...leads].sort());
    // Change one band of object 0 at a time (its file replaced by another cloud's in that band): its
    // embedding moves, the other objects' stay exactly as they were.
    for (const band of ['70um', '500um']) {
      const target = join(dir, 'clouds', `cloud000_${band}.fits`);
      const saved = join(dir, `saved_${band}.fits`);
      copyFileSync(target, saved);
      copyFileSync(join(dir, 'clouds', `cloud002_${band}.fits`), target);
      try {
        await embedItems(session);
        const after = vectors();
        const moved = (id: number) => Math.max(...before.get(id)!.map((v, k) => Math.abs(v - after.get(id)![k]!)));
        expect(moved(leads[0]!), band).toBeGreaterThan(1e-4);
        for (const id of leads.slice(1)) expect(moved(id), band).toBeLessThan(1e-6);
      } finally {
        copyFileSync(saved, target);
      }
    }
  });

  it('a sharded embed gives each object the vector a single embed gives, on its first band, and merges whole', async () => {
    const run = session.project.runs.list().at(-1)!;
    await embedItems(session);
    const single = vectors();
    const leads = storedGrouping(session)!.objects.map((o) => o.bands[0]!.itemId);
    const file = session.project.path;
    mergeShards(session, []); // gives the project the id that shard files name
    session.close();
    const reports = [];
    try {
      for (let index = 0; index < 3; index++) {
        const s = ProjectSession.open(file, { readOnly: true });
        try {
          reports.push(await embedShard(s, { shard: { index, count: 3 }, runId: run.id }));
        } finally {
          s.close();
        }
      }
    } finally {
      session = ProjectSession.open(file);
    }
    // Each object in exactly one shard; the two disks in no object are skipped, with the reason.
    expect(reports.reduce((a, r) => a + r.written, 0)).toBe(4);
    expect(reports.flatMap((r) => r.skipped.map((x) => x.reason))).toEqual([
      'not a band of any multi-band object (the project trains on its objects; see astromorph group)',
      'not a band of any multi-band object (the project trains on its objects; see astromorph group)',
    ]);
    session.project.embeddings.deleteRun(run.id);
    const merged = mergeShards(session, reports.map((r) => r.file!));
    expect(merged).toMatchObject({ complete: true, written: 4, skipped: 2, missingItems: 0 });
    const after = vectors();
    expect([...after.keys()].sort()).toEqual([...leads].sort());
    for (const id of leads) expect(after.get(id)).toEqual(single.get(id));
  });

  it('refuses settings whose channels do not match the bands, naming both', async () => {
    await expect(train(session, { settings: { ...TINY, channels: 3 } })).rejects.toThrow(/4 bands \(8um, 70um, 250um, 500um\).*3 channels/);
    await expect(train(session, { settings: { ...TINY, band_grid: '24um' } })).rejects.toThrow(/band_grid = '24um' is not one of/);
  });

  it('a bad grouping CSV names the file and line', () => {
    const csv = join(dir, 'bad.csv');
    writeFileSync(csv, 'clouds/cloud000_8um.fits,cloud000\n');
    expect(() => previewGrouping(session, `csv:${csv}`)).toThrow(/bad\.csv.*line 1: expected file,object,band/);
    expect(() => previewGrouping(session, 'wavelength')).toThrow(/unknown grouping rule/);
  });
});
