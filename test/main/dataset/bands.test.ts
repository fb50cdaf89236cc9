// Grouping items into multi-band objects: each rule, band order, and every reason an item stays out.
import { describe, expect, it } from 'vitest';
import { bandOrder, bandWavelength, emptyMetadata, groupItems, groupingTable, stemAndBand } from '../../../src-main/dataset/index.ts';
import type { DatasetItem } from '../../../src-main/dataset/index.ts';

let nextId = 1;
function item(path: string, fields: { object?: string; filter?: string; status?: DatasetItem['status']; hdu?: number | null } = {}): DatasetItem {
  return {
    id: nextId++, datasetId: 1, path, absolutePath: `/p/${path}`, size: 1, mtimeMs: 0, contentHash: null,
    hdu: fields.hdu === undefined ? 0 : fields.hdu, shape: [10, 10], axisKinds: ['spatial', 'spatial'], bitpix: -32,
    status: fields.status ?? 'ok', error: null, metadata: { ...emptyMetadata(), object: fields.object ?? null },
    header: fields.filter ? { FILTER: fields.filter } : {}, issues: [], scannedAt: 0,
  };
}

describe('band names', () => {
  it('reads wavelengths in any unit and orders bands by them, else by name', () => {
    expect(bandWavelength('8um')).toBe(8);
    expect(bandWavelength('IRAC 8.0 µm')).toBe(8);
    expect(bandWavelength('1.1mm')).toBe(1100);
    expect(bandWavelength('PLW')).toBeNull();
    expect(bandOrder(['500um', '1.1mm', '8um', '70um'])).toEqual(['8um', '70um', '500um', '1.1mm']);
    expect(bandOrder(['PSW', 'PLW', 'PMW'])).toEqual(['PLW', 'PMW', 'PSW']);
    expect(stemAndBand('a/G28.3_8um.fits.gz')).toEqual(['G28.3', '8um']);
    expect(stemAndBand('m17-h250.fits')).toEqual(['m17', 'h250']);
    expect(stemAndBand('plain.fits')).toBeNull();
  });
});

describe('groupItems', () => {
  it('by stem: one object per name, told apart by folder only when two folders share it', () => {
    const items = [
      item('a/c1_8um.fits'), item('a/c1_250um.fits'), item('a/c2_8um.fits'), item('a/c2_250um.fits'),
      item('b/c1_8um.fits'), item('b/c1_250um.fits'), item('a/lonely_8um.fits'), item('a/plain.fits'),
      item('a/broken_8um.fits', { status: 'failed' }), item('a/broken_250um.fits'),
    ];
    const g = groupItems(items, { by: 'stem' }, '/p');
    expect(g.bands).toEqual(['8um', '250um']);
    expect(g.objects.map((o) => o.object)).toEqual(['a/c1', 'b/c1', 'c2']);
    expect(g.objects[0]!.bands.map((b) => b.path)).toEqual(['a/c1_8um.fits', 'a/c1_250um.fits']);
    expect(Object.fromEntries(g.ungrouped.map((u) => [u.path, u.reason]))).toEqual({
      'a/lonely_8um.fits': 'the only band (8um) of object lonely',
      'a/plain.fits': 'no band suffix in the name (NAME_BAND.fits or NAME-BAND.fits)',
      'a/broken_8um.fits': 'status failed',
      'a/broken_250um.fits': 'the only band (250um) of object broken',
    });
    expect(groupingTable(g)).toMatch(/^a\/c1 +c1_8um\.fits +c1_250um\.fits$/m);
  });

  it('by OBJECT card: band from FILTER; two files for one band of an object both stay out, named', () => {
    const items = [
      item('x1.fits', { object: 'G28', filter: '70um' }), item('x2.fits', { object: 'G28', filter: '8um' }),
      item('x3.fits', { object: 'G11', filter: '8um' }), item('x4.fits', { object: 'G11', filter: '8um' }), item('x5.fits', { object: 'G11', filter: '70um' }),
      item('x6.fits', { filter: '8um' }), item('x7.fits', { object: 'G34' }),
    ];
    const g = groupItems(items, { by: 'object' }, '/p');
    expect(g.objects.map((o) => [o.object, o.bands.map((b) => b.band)])).toEqual([['G28', ['8um', '70um']]]);
    const reasons = Object.fromEntries(g.ungrouped.map((u) => [u.path, u.reason]));
    expect(reasons['x3.fits']).toBe('2 files are band 8um of object G11: x3.fits, x4.fits');
    expect(reasons['x5.fits']).toBe('the only band (70um) of object G11');
    expect(reasons['x6.fits']).toBe('no OBJECT card');
    expect(reasons['x7.fits']).toBe('no FILTER, BAND, WAVELEN or WAVELNTH card, and no band suffix in the name');
  });

  it('by CSV: paths relative to the CSV, an optional hdu column, a header row naming columns in any order', () => {
    const items = [item('d/a.fits'), item('d/b.fits'), item('d/mef.fits')];
    const plain = 'a.fits,cloud,8um\nb.fits,cloud,250um,0\n# a comment\nmef.fits,other,8um,1\nmef.fits,other,250um,2\nmissing.fits,cloud,500um\n';
    const g = groupItems(items, { by: 'csv', file: '/p/d/bands.csv' }, '/p', () => plain);
    expect(g.objects.map((o) => [o.object, o.bands.map((b) => `${b.path}[${b.hdu}]`)])).toEqual([
      ['cloud', ['d/a.fits[0]', 'd/b.fits[0]']], ['other', ['d/mef.fits[1]', 'd/mef.fits[2]']],
    ]);
    expect(g.ungrouped).toEqual([{ path: '/p/d/missing.fits', reason: 'bands.csv line 6: not an item of the project (add its folder first)' }]);
    const named = groupItems(items, { by: 'csv', file: '/p/d/bands.csv' }, '/p', () => 'class,band,file,object\nx,8um,a.fits,c\ny,250um,b.fits,c\n');
    expect(named.objects.map((o) => o.object)).toEqual(['c']);
    expect(() => groupItems(items, { by: 'csv', file: '/p/d/bands.csv' }, '/p', () => 'a.fits,cloud\n')).toThrow(/bands\.csv.*line 1: expected file,object,band\[,hdu\]/);
    expect(() => groupItems(items, { by: 'csv', file: '/p/d/bands.csv' }, '/p', () => 'a.fits,c,8um,one\n')).toThrow(/line 1: hdu must be a non-negative integer/);
    expect(() => groupItems(items, { by: 'csv', file: '/p/d/none.csv' }, '/p', () => { throw new Error('ENOENT'); })).toThrow(/none\.csv.*cannot read the grouping CSV: ENOENT/);
  });
});
