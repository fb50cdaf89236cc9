// Reading embeddings made elsewhere: our own exports round-trip, numpy's .npy with a pandas-style
// CSV works, and bad tables are refused with the file, row and column.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { haveNumpy } from '../../support/reference-tools.ts';
import { emptyMetadata } from '../../../src-main/dataset/index.ts';
import { ImportError, readEmbeddingsFile, writeEmbeddingsCsv, writeEmbeddingsNpy } from '../../../src-main/export/index.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'am-import-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const items = [0, 1, 2].map((i) => ({ file: `data/f,${i}.fits`, hdu: i === 1 ? 1 : null, shape: [8, 8], bitpix: 16, metadata: emptyMetadata(),
  vector: Float32Array.from([i, -(i + 1) / 3, 1e-7 * i]) }));

const numpy = haveNumpy();

describe('readEmbeddingsFile', () => {
  it('reads back our CSV and our .npy + CSV exactly', async () => {
    const csv = path.join(dir, 'ours-table.csv');
    await writeEmbeddingsCsv(csv, 3, items);
    const npy = path.join(dir, 'ours.npy');
    await writeEmbeddingsNpy(npy, items, 3);
    for (const f of [csv, npy]) {
      const t = readEmbeddingsFile(f);
      expect(t.files).toEqual(items.map((i) => i.file));
      expect(t.hdus).toEqual([null, 1, null]);
      expect(t.dim).toBe(3);
      expect(Array.from(t.vectors)).toEqual(items.flatMap((i) => Array.from(i.vector)));
    }
  });

  it.skipIf(!numpy)('takes a numpy .npy (float64) with a CSV of file names, and a CSV with plain numeric columns', () => {
    const npy = path.join(dir, 'np.npy');
    const r = spawnSync('/usr/bin/python3', ['-c', 'import sys, numpy as np; np.save(sys.argv[1], np.arange(6, dtype=float).reshape(3, 2) / 8)', npy]);
    expect(r.status).toBe(0);
    fs.writeFileSync(path.join(dir, 'names.csv'), 'file\na.fits\nb.fits\nc.fits\n');
    const t = readEmbeddingsFile(npy, { filesCsv: path.join(dir, 'names.csv') });
    expect(t.files).toEqual(['a.fits', 'b.fits', 'c.fits']);
    expect(Array.from(t.vectors)).toEqual([0, 1, 2, 3, 4, 5].map((v) => v / 8));
    const plain = path.join(dir, 'plain.csv');
    fs.writeFileSync(plain, 'file,object,z0,z1\na.fits,M31,0.5,1\nb.fits,M33,2,-3\n');
    expect(readEmbeddingsFile(plain)).toMatchObject({ dim: 2, files: ['a.fits', 'b.fits'] });
  });

  it('refuses a table without file names, with a non-number, or a .npy without its CSV', () => {
    const f = path.join(dir, 'bad.csv');
    fs.writeFileSync(f, 'name,emb_0\na,1\n');
    expect(() => readEmbeddingsFile(f)).toThrow(/no 'file' \(or astromorph's 'filename'\) column/);
    fs.writeFileSync(f, 'file,emb_0,emb_1\na,1,2\nb,3,x\n');
    expect(() => readEmbeddingsFile(f)).toThrow(new ImportError(f, 'row 3, column emb_1: "x" is not a finite number'));
    fs.writeFileSync(path.join(dir, 'lonely.npy'), fs.readFileSync(path.join(dir, 'np.npy')));
    expect(() => readEmbeddingsFile(path.join(dir, 'lonely.npy'))).toThrow(/needs a CSV with a 'file' column/);
    fs.writeFileSync(path.join(dir, 'np.csv'), 'file\na.fits\n');
    expect(() => readEmbeddingsFile(path.join(dir, 'np.npy'))).toThrow(/1 rows, but np.npy has 3/);
  });

  it("reads astromorph's export as pandas writes it: ';'-separated, index column, quoted fields, emb_dim_ columns", () => {
    // pipeline_02_inference.py: pd.concat([metadata, embeddings], axis=1).to_csv(path, sep=';'), index included.
    const f = path.join(dir, 'improved_net_e_10_20240101_1200.csv');
    fs.writeFileSync(f, [
      ';cluster;object;right ascension;declination;rest freq;filepath;emb_dim_0;emb_dim_1;emb_dim_2',
      '0;3;HD 163296;269.08865;-21.95606;230538000000.0;/home/astro/disks/hd163296.fits;0.125;-1.5;2.5e-05',
      '1;0;"IRAS 16293; A";248.09;-24.47;;/home/astro/disks/iras16293.fits;-0.25;0.5;3.0',
      '',
    ].join('\n'));
    const t = readEmbeddingsFile(f);
    expect(t.files).toEqual(['/home/astro/disks/hd163296.fits', '/home/astro/disks/iras16293.fits']);
    expect(t.dim).toBe(3);
    expect(Array.from(t.vectors)).toEqual([0.125, -1.5, Math.fround(2.5e-5), -0.25, 0.5, 3]);
    expect(t.clusters).toEqual([3, 0]);
    // The column named 'filename', as the description of the format has it, is taken too.
    const g = path.join(dir, 'astromorph-filename.csv');
    fs.writeFileSync(g, ';filename;emb_dim_1;emb_dim_0\n0;a.fits;1;2\n');
    expect(readEmbeddingsFile(g)).toMatchObject({ files: ['a.fits'], dim: 2, vectors: Float32Array.from([2, 1]), clusters: null });
    fs.writeFileSync(g, ';filename;emb_dim_0;emb_dim_2\n0;a.fits;1;2\n');
    expect(() => readEmbeddingsFile(g)).toThrow(/embedding columns must run emb_0 … emb_1 without gaps/);
  });
});
