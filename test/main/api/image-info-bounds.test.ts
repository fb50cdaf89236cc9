// The viewer's image info lists one label per plane: a header's plane count must not size that list unbounded
// (a tile-compressed header may claim 2^28 planes of one pixel within the reader's pixel limit).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_PLANE_LABELS, readImageInfo } from '../../../src-main/api/services/project/image-planes.ts';
import { addFolders } from '../../../src-main/dataset/index.ts';
import { writeImageFits } from '../../../src-main/fits/index.ts';
import { Project } from '../../../src-main/project/index.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'am-image-info-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('image info of a cube with very many planes', () => {
  it(`labels the first ${MAX_PLANE_LABELS} planes and counts them all`, async () => {
    const planes = MAX_PLANE_LABELS + 4465;
    fs.mkdirSync(path.join(dir, 'data'));
    writeImageFits(path.join(dir, 'data', 'tall.fits'), new Float32Array(2 * 2 * planes), [2, 2, planes], {
      cards: { CTYPE3: 'FREQ', CRVAL3: 1e9, CDELT3: 1e3, CRPIX3: 1, CUNIT3: 'Hz' },
    });
    const p = Project.create(path.join(dir, 'p.amproj'));
    try {
      await addFolders(p, [path.join(dir, 'data')], { workers: 0 });
      const info = readImageInfo(p, p.items.list()[0]!);
      expect(info.planes).toBe(planes);
      expect(info.planeLabels).toHaveLength(MAX_PLANE_LABELS);
      expect(info.planeLabels[1]).toBe('1.000001 GHz');
    } finally {
      p.close();
    }
  });
});
