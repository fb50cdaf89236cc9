// Everything a scan learns from one FITS file: its hash, the HDU chosen for it, shape, axis kinds,
// header metadata and a thumbnail. Runs in a scan worker; plain synchronous reads.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { axisKinds, HduList } from '../fits/index.ts';
import type { ImageHdu } from '../fits/index.ts';
import { readMetadata, selectedCards } from './header-metadata.ts';
import type { AxisKind, HeaderValue, ItemIssue, ItemMetadata, Thumbnail } from './item.ts';
import { makeThumbnail, MAX_THUMBNAIL_PLANE_PIXELS } from './thumbnail.ts';

export interface Inspection {
  contentHash: string;
  hdu: number;
  shape: number[];
  axisKinds: AxisKind[];
  bitpix: number;
  metadata: ItemMetadata;
  header: Record<string, HeaderValue>;
  issues: ItemIssue[];
  thumbnail: Thumbnail | null;
}

const HASH_CHUNK = 1 << 20;
const MAX_ISSUES = 50;
let hashBuffer: Buffer | undefined; // one per thread, reused: allocating 1 MB per small file cost more than hashing it

export function hashFile(file: string): string {
  const hash = createHash('sha256');
  hashBuffer ??= Buffer.allocUnsafeSlow(HASH_CHUNK);
  const buf = hashBuffer;
  const fd = fs.openSync(file, 'r');
  try {
    for (;;) {
      const n = fs.readSync(fd, buf, 0, HASH_CHUNK, null);
      if (n === 0) break;
      hash.update(buf.subarray(0, n));
    }
  } finally {
    fs.closeSync(fd);
  }
  return hash.digest('hex');
}

/** The first image HDU with at least two axes longer than 1, else the first image HDU. */
export function chooseHdu(list: HduList): ImageHdu {
  const images = list.imageHdus();
  return images.find((h) => h.shape.filter((n) => n > 1).length >= 2) ?? list.primaryImage();
}

/** Throws (FitsError or an I/O error) when the file cannot be read; the caller records the message. */
export function inspectFile(file: string): Inspection {
  const contentHash = hashFile(file);
  const list = HduList.open(file);
  try {
    const hdu = chooseHdu(list);
    const naxis = hdu.shape.length;
    const kinds = axisKinds(hdu.header, naxis) as AxisKind[];
    return {
      contentHash,
      hdu: hdu.index,
      shape: [...hdu.shape],
      axisKinds: kinds,
      bitpix: hdu.bitpix,
      metadata: readMetadata(hdu.header, naxis),
      header: selectedCards(hdu.header, naxis),
      issues: list.issues.slice(0, MAX_ISSUES).map((i) => ({
        code: i.code, hdu: i.hdu, fixable: i.fixable, message: i.message, ...(i.keyword === undefined ? {} : { keyword: i.keyword }),
      })),
      thumbnail: naxis >= 2 && hdu.planeSize <= MAX_THUMBNAIL_PLANE_PIXELS ? makeThumbnail(hdu, kinds) : null,
    };
  } finally {
    list.close();
  }
}
