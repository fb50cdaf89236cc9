import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_AUGMENTATIONS, DEFAULT_PREPROCESS, openSampleSource, SampleCache, ViewPairLoader, type Batch, type SampleSourceSpec,
} from '../../../../src-main/model/data/index.ts';
import { writeSyntheticDataset } from '../../../../src-main/synthetic/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'loader-'));
let files: SampleSourceSpec;
const N = 24;

beforeAll(() => {
  const { items } = writeSyntheticDataset(dir, { n: N, seed: 4, formats: ['float32', 'int16-bscale', '4d-alma', 'gz'] });
  files = { kind: 'files', items: items.map((it) => ({ path: join(dir, it.file), hdu: 0 })), preprocess: { ...DEFAULT_PREPROCESS, size: 24 } };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const opts = (workers: number) => ({ batchSize: 8, augmentations: DEFAULT_AUGMENTATIONS, seed: 17, workers });

async function collect(loader: ViewPairLoader, positions: [number, number][]): Promise<Batch[]> {
  const out: Batch[] = [];
  for (const [e, s] of positions) out.push(await loader.batch(e, s));
  return out;
}

describe('ViewPairLoader', () => {
  const positions: [number, number][] = [[0, 0], [0, 1], [0, 2], [1, 0], [1, 1], [1, 2]];

  it('gives the same batches with 0, 1 or 2 workers, and after a restart at (epoch, step)', async () => {
    const runs: Batch[][] = [];
    for (const workers of [0, 1, 2]) {
      const loader = new ViewPairLoader(files, opts(workers));
      try {
        expect(loader.stepsPerEpoch).toBe(3);
        runs.push(await collect(loader, positions));
      } finally {
        await loader.close();
      }
    }
    for (const run of runs.slice(1)) {
      run.forEach((b, i) => {
        expect(b.indices).toEqual(runs[0]![i]!.indices);
        expect(b.view1).toEqual(runs[0]![i]!.view1);
        expect(b.view2).toEqual(runs[0]![i]!.view2);
      });
    }
    // A resumed run starts at (1, 1) in a fresh loader, with prefetching from there on.
    const resumed = new ViewPairLoader(files, opts(2));
    try {
      const again = await collect(resumed, [[1, 1], [1, 2]]);
      expect(again[0]!.view1).toEqual(runs[0]![4]!.view1);
      expect(again[1]!.view2).toEqual(runs[0]![5]!.view2);
    } finally {
      await resumed.close();
    }
  });

  it('visits every item once per epoch in a new order each epoch, with two different views', async () => {
    const loader = new ViewPairLoader(files, opts(0));
    try {
      const [a0, a1, a2, b0] = await collect(loader, [[0, 0], [0, 1], [0, 2], [1, 0]]);
      const epoch0 = [...a0!.indices, ...a1!.indices, ...a2!.indices];
      expect([...epoch0].sort((x, y) => x - y)).toEqual(Array.from({ length: N }, (_, i) => i));
      expect(b0!.indices).not.toEqual(a0!.indices);
      expect(a0!.view1).not.toEqual(a0!.view2);
      expect(a0!.view1.length).toBe(8 * 24 * 24 * 1);
      expect([a0!.batchSize, a0!.size, a0!.channels]).toEqual([8, 24, 1]);
      expect(a0!.view1.every(Number.isFinite)).toBe(true);
      expect(loader.waitMs).toBeGreaterThan(0);
    } finally {
      await loader.close();
    }
  });

  it('serves synthetic sources (images and cubes) built from the serialisable spec', async () => {
    const loader = new ViewPairLoader({ kind: 'synthetic', n: 6, seed: 2, size: 16, channels: 3 }, { ...opts(1), batchSize: 4 });
    try {
      const b = await loader.batch(0, 0);
      expect([b.batchSize, b.size, b.channels]).toEqual([4, 16, 3]);
      expect(loader.stepsPerEpoch).toBe(1);
    } finally {
      await loader.close();
    }
  });

  it('reports a bad file as an error naming it, from the calling thread or a worker', async () => {
    const bad = join(dir, 'broken.fits');
    writeFileSync(bad, 'SIMPLE  =                    T / not really'.padEnd(80) + 'garbage');
    const spec: SampleSourceSpec = { kind: 'files', items: [{ path: bad, hdu: 0 }], preprocess: DEFAULT_PREPROCESS };
    for (const workers of [0, 1]) {
      const loader = new ViewPairLoader(spec, { ...opts(workers), batchSize: 2 });
      try {
        await expect(loader.batch(0, 0)).rejects.toThrow(/broken\.fits/);
      } finally {
        await loader.close();
      }
    }
  });

  it('rejects bad options and specs with messages naming the problem', async () => {
    expect(() => new ViewPairLoader(files, { ...opts(0), augmentations: [{ name: 'colour-jitter' }] })).toThrow(/colour-jitter/);
    expect(() => new ViewPairLoader({ kind: 'synthetic', n: 0, seed: 1, size: 32 }, opts(0))).toThrow(/n/);
    expect(() => new ViewPairLoader({ kind: 'synthetic', n: 5, seed: 1, size: 32, classes: ['donut'] }, opts(0))).toThrow(/donut/);
    expect(() => new ViewPairLoader(files, { ...opts(0), batchSize: 0 })).toThrow(/batchSize/);
    const loader = new ViewPairLoader(files, opts(0));
    await expect(loader.batch(0, 3)).rejects.toThrow(/step 3/);
    await loader.close();
    await expect(loader.batch(0, 0)).rejects.toThrow(/closed/);
  });

  it('caches preprocessed samples up to a byte bound, least recently used first out', () => {
    const source = openSampleSource(files);
    const s = source.get(0);
    const bytes = s.data.byteLength + s.mask.byteLength + 64;
    const cache = new SampleCache(3 * bytes);
    for (let i = 0; i < 3; i++) cache.set(i, source.get(i));
    cache.get(0); // 0 is now the most recent
    cache.set(3, source.get(3));
    expect(cache.size).toBe(3);
    expect(cache.get(1)).toBeUndefined();
    expect(cache.get(0)).toBeDefined();
    for (let i = 4; i < N; i++) cache.set(i, source.get(i));
    expect(cache.size).toBe(3);
    expect(cache.bytes).toBeLessThanOrEqual(3 * bytes);
    expect(source.get(5).data).toEqual(openSampleSource(files, { cacheBytes: 0 }).get(5).data);
  });
});
