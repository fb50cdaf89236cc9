import { describe, expect, it } from 'vitest';
import { inWords } from '../../src-renderer/lib/notices.ts';

describe('failures in words', () => {
  it('rewords the argument check', () => {
    expect(inWords('similar: k: Invalid input: expected number, received null')).toBe('The number of neighbours (k) is empty: enter a number.');
    expect(inWords('similar: k: Too small: expected number to be >=1')).toBe('The number of neighbours (k) must be at least 1.');
    expect(inWords('similar: k: Too big: expected number to be <=500; runId: Invalid input: expected number, received string'))
      .toBe('The number of neighbours (k) must be at most 500. The embedding run must be a number, not a string.');
    expect(inWords('computeMap: method: Invalid option: expected one of "pca"|"tsne"|"umap"')).toBe('The map method must be one of pca, tsne, umap.');
    expect(inWords('imagePlane: weird.path: Invalid input: expected boolean, received undefined')).toBe('“weird.path” is empty: enter a boolean.');
  });

  it('leaves sentences from the services as they are', () => {
    expect(inWords('/no/such/folder is not a folder')).toBe('/no/such/folder is not a folder');
    expect(inWords('Scan: 3 file(s) could not be read')).toBe('Scan: 3 file(s) could not be read');
    expect(inWords('import: row 3: expected 8 values, received 7')).toBe('import: row 3: expected 8 values, received 7');
  });
});
