// The table exports read back with the tools astronomers use: astropy (FITS table, VOTable) and
// numpy/pandas-free csv (the .npy and its metadata CSV). /usr/bin/python3 has astropy and numpy.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { emptyMetadata } from '../../../src-main/dataset/index.ts';
import { decodeNpy, encodeNpy, readNpy, writeEmbeddingsFitsTable, writeEmbeddingsNpy, writeEmbeddingsVotable } from '../../../src-main/export/index.ts';
import type { EmbeddedItem } from '../../../src-main/export/index.ts';
import { encodeBinaryTable } from '../../../src-main/fits/index.ts';

import { haveAstropy, PYTHON as PY } from '../../support/reference-tools.ts';

const astropy = haveAstropy();
const dir = mkdtempSync(join(tmpdir(), 'am-tables-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function python(script: string, ...args: string[]): unknown {
  const r = spawnSync(PY, ['-c', script, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`python failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

const DIM = 5;
function items(n: number): EmbeddedItem[] {
  return Array.from({ length: n }, (_, i) => ({
    file: `data/disk_${i}.fits`,
    hdu: i % 3 === 0 ? null : i,
    shape: [64, 64],
    bitpix: -32,
    metadata: { ...emptyMetadata(), object: i === 1 ? 'HD 163296 "ring" <b>' : i === 2 ? null : `obj${i}`, ra: i === 2 ? null : 10.5 + i, dec: -30.25 },
    vector: Float32Array.from({ length: DIM }, (_, k) => Math.fround(Math.sin(i * 7 + k) * 3.3)),
  }));
}
const extras = (n: number) => ({
  map: { name: 'umap', x: Array.from({ length: n }, (_, i) => i * 0.5), y: Array.from({ length: n }, (_, i) => -i) },
  clusters: Array.from({ length: n }, (_, i) => (i === 0 ? -1 : i % 2)),
  outlierScores: Array.from({ length: n }, (_, i) => i / 10),
  tags: Array.from({ length: n }, (_, i) => (i === 3 ? ['merger', 'ring'] : [])),
});

describe('FITS binary table', () => {
  it.skipIf(!astropy)('astropy reads every column, the vector column as (N, D), units and nulls', () => {
    const rows = items(7);
    const file = join(dir, 'emb.fits');
    writeEmbeddingsFitsTable(file, rows, DIM, extras(7));
    const got = python(`
import sys, json, numpy as np
from astropy.table import Table
from astropy.io import fits
t = Table.read(sys.argv[1], hdu='EMBEDDINGS')
with fits.open(sys.argv[1], checksum=False) as h: h.verify('exception')
print(json.dumps({'cols': t.colnames, 'file': [str(x) for x in t['file']], 'object': [None if np.ma.is_masked(x) else str(x) for x in t['object']],
  'hdu': [None if np.ma.is_masked(x) else int(x) for x in t['hdu']], 'ra': [None if (np.ma.is_masked(x) or np.isnan(x)) else float(x) for x in t['ra']],
  'ra_unit': str(t['ra'].unit), 'emb_shape': list(t['embedding'].shape), 'emb': np.asarray(t['embedding'], dtype=float).tolist(),
  'cluster': [None if np.ma.is_masked(x) else int(x) for x in t['cluster']], 'tags': [str(x) for x in t['tags']], 'umap_x': [float(x) for x in t['umap_x']]}))
`, file) as Record<string, unknown>;
    expect(got.cols).toEqual(['file', 'hdu', 'object', 'ra', 'dec', 'restfrq', 'bunit', 'bmaj', 'bmin', 'bpa', 'telescope', 'instrument',
      'shape', 'bitpix', 'umap_x', 'umap_y', 'cluster', 'outlier_score', 'tags', 'embedding']);
    expect(got.file).toEqual(rows.map((r) => r.file));
    expect(got.hdu).toEqual(rows.map((r) => r.hdu));
    expect((got.object as unknown[])[1]).toBe('HD 163296 "ring" <b>');
    expect(got.ra).toEqual(rows.map((r) => r.metadata.ra));
    expect(got.ra_unit).toBe('deg');
    expect(got.emb_shape).toEqual([7, DIM]);
    expect(got.emb).toEqual(rows.map((r) => Array.from(r.vector)));
    expect(got.cluster).toEqual([null, 1, 0, 1, 0, 1, 0]);
    expect((got.tags as string[])[3]).toBe('merger;ring');
    expect(got.umap_x).toEqual([0, 0.5, 1, 1.5, 2, 2.5, 3]);
  });

  it('refuses columns of different lengths and an integer that does not fit', () => {
    expect(() => encodeBinaryTable([{ name: 'a', type: 'float64', values: [1, 2] }, { name: 'b', type: 'int32', values: [1] }])).toThrow(/1 rows/);
    expect(() => encodeBinaryTable([{ name: 'a', type: 'int32', values: [2 ** 40] }])).toThrow(/32-bit/);
  });
});

describe.skipIf(!astropy)('VOTable', () => {
  it.each(['binary2', 'tabledata'] as const)('astropy.io.votable parses it (%s) with units, the vector field and escaped text', (encoding) => {
    const rows = items(4);
    const file = join(dir, `emb-${encoding}.vot`);
    writeEmbeddingsVotable(file, rows, DIM, extras(4), 'test', encoding);
    expect(readFileSync(file, 'utf8')).toContain(encoding === 'binary2' ? '<BINARY2>' : '<TABLEDATA>');
    const got = python(`
import sys, json, numpy as np
from astropy.io.votable import parse_single_table
t = parse_single_table(sys.argv[1], verify='exception').to_table()
print(json.dumps({'cols': t.colnames, 'object': [None if np.ma.is_masked(x) or x == '' else str(x) for x in t['object']],
  'dec_unit': str(t['dec'].unit), 'emb': np.asarray(t['embedding'], dtype=float).tolist(), 'file': [str(x) for x in t['file']],
  'hdu': [None if np.ma.is_masked(x) else int(x) for x in t['hdu']]}))
`, file) as Record<string, unknown>;
    expect((got.cols as string[]).at(-1)).toBe('embedding');
    expect(got.object).toEqual(rows.map((r) => r.metadata.object));
    expect(got.dec_unit).toBe('deg');
    expect(got.file).toEqual(rows.map((r) => r.file));
    expect(got.hdu).toEqual(rows.map((r) => r.hdu));
    expect(got.emb).toEqual(rows.map((r) => Array.from(r.vector)));
  });
});

describe('.npy', () => {
  it.skipIf(!astropy)('numpy loads the matrix; the metadata CSV lines up row for row', async () => {
    const rows = items(6);
    const file = join(dir, 'emb.npy');
    const out = await writeEmbeddingsNpy(file, rows, DIM, extras(6));
    expect(existsSync(out.csv)).toBe(true);
    const got = python(`
import sys, json, csv, numpy as np
a = np.load(sys.argv[1])
with open(sys.argv[2], newline='') as f: meta = list(csv.DictReader(f))
print(json.dumps({'dtype': str(a.dtype), 'shape': list(a.shape), 'values': a.astype(float).tolist(), 'files': [m['file'] for m in meta], 'tags': [m['tags'] for m in meta]}))
`, file, out.csv) as Record<string, unknown>;
    expect(got.dtype).toBe('float32');
    expect(got.shape).toEqual([6, DIM]);
    expect(got.values).toEqual(rows.map((r) => Array.from(r.vector)));
    expect(got.files).toEqual(rows.map((r) => r.file));
    expect((got.tags as string[])[3]).toBe('merger;ring');
  });

  it.skipIf(!astropy)('reads what numpy writes: float64, big-endian, int64 and Fortran order', () => {
    const file = join(dir, 'np.npy');
    for (const [expr, dtype] of [['np.arange(6, dtype="<f8").reshape(2, 3) / 4', Float64Array], ['np.arange(6, dtype=">f4").reshape(2, 3)', Float32Array],
      ['np.arange(6, dtype="<i8").reshape(2, 3)', Float64Array], ['np.asfortranarray(np.arange(6, dtype="<f4").reshape(2, 3))', Float32Array]] as const) {
      python(`import sys, numpy as np; np.save(sys.argv[1], ${expr}); print(1)`, file);
      const npy = readNpy(file);
      expect(npy.shape).toEqual([2, 3]);
      expect(npy.data).toBeInstanceOf(dtype);
      const scale = expr.includes('/ 4') ? 0.25 : 1;
      expect(Array.from(npy.data)).toEqual([0, 1, 2, 3, 4, 5].map((v) => v * scale));
    }
  });

  it('round-trips its own bytes and refuses damaged ones', () => {
    const bytes = encodeNpy(Float32Array.from([1.5, -2, 3]), [3]);
    expect(Array.from(decodeNpy(bytes).data)).toEqual([1.5, -2, 3]);
    expect(() => decodeNpy(bytes.subarray(0, bytes.length - 2), 'x.npy')).toThrow(/x\.npy: data is truncated/);
    expect(() => decodeNpy(new Uint8Array(20), 'y.npy')).toThrow(/bad magic/);
  });
});
