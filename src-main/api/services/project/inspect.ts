// `inspect`: every HDU of one file with its structure and pixel statistics, like astropy's fitsinfo
// plus a data summary. Cubes are read one 2-D plane at a time so memory stays bounded by a plane.
import { FitsError, HduList, MAX_NAXIS } from '../../../fits/index.ts';
import type { FileInspection, FitsIssueSummary, HduSummary, PixelStats } from '../../contract/reports.ts';

/** Throws FitsError when the file cannot be opened at all; damage inside one HDU is reported in that HDU's `error`. */
export function inspectFile(path: string): FileInspection {
  const list = HduList.open(path);
  try {
    const hdus: HduSummary[] = [];
    for (let i = 0; i < list.length; i++) hdus.push(summarise(list, i));
    const issues: FitsIssueSummary[] = list.issues.map((issue) => ({
      code: issue.code,
      hdu: issue.hdu,
      keyword: issue.keyword ?? null,
      fixable: issue.fixable,
      message: issue.message,
    }));
    return { path, hdus, issues };
  } finally {
    list.close();
  }
}

function summarise(list: HduList, index: number): HduSummary {
  let hdu;
  try {
    hdu = list.hdu(index);
  } catch (err) {
    return { index, name: '', kind: 'corrupt', bitpix: null, shape: [], compressed: false, stats: null, error: messageOf(err) };
  }
  if (hdu.kind === 'image') {
    const summary: HduSummary = {
      index,
      name: hdu.name || (index === 0 ? 'PRIMARY' : ''),
      kind: 'image',
      bitpix: hdu.bitpix,
      shape: [...hdu.shape],
      compressed: hdu.compressed,
      stats: null,
      error: null,
    };
    if (hdu.shape.length > 0 && hdu.shape.every((n) => n > 0)) {
      try {
        summary.stats = pixelStats(hdu);
      } catch (err) {
        summary.error = messageOf(err);
      }
    }
    return summary;
  }
  // Tables and corrupt HDUs: whatever structure their header states, when NAXIS is one the standard allows
  // (a corrupt HDU's NAXIS may be 1000000000; its error names the card).
  const header = hdu.header;
  const naxis = header.get('NAXIS');
  const shape: number[] = [];
  if (typeof naxis === 'number' && Number.isInteger(naxis) && naxis >= 0 && naxis <= MAX_NAXIS) {
    for (let axis = 1; axis <= naxis; axis++) {
      const n = header.get(`NAXIS${axis}`);
      shape.push(typeof n === 'number' ? n : typeof n === 'bigint' ? Number(n) : 0);
    }
  }
  const bitpix = header.get('BITPIX');
  return {
    index,
    name: hdu.name || (index === 0 ? 'PRIMARY' : ''),
    kind: hdu.kind,
    bitpix: typeof bitpix === 'number' ? bitpix : null,
    shape,
    compressed: false,
    stats: null,
    error: hdu.kind === 'corrupt' ? hdu.error.message : null,
  };
}

interface PlaneSource {
  shape: number[];
  nPlanes: number;
  readPlane(plane: number): Float32Array;
  read(): Float64Array;
}

/** Streams the HDU plane by plane; a 1-D image is small enough to read whole. */
export function pixelStats(hdu: PlaneSource): PixelStats {
  const acc = { finite: 0, nan: 0, infinite: 0, min: Infinity, max: -Infinity, sum: 0 };
  if (hdu.shape.length < 2) {
    accumulate(acc, hdu.read());
  } else {
    for (let p = 0; p < hdu.nPlanes; p++) accumulate(acc, hdu.readPlane(p));
  }
  const any = acc.finite > 0;
  return {
    finite: acc.finite,
    nan: acc.nan,
    infinite: acc.infinite,
    min: any ? acc.min : null,
    max: any ? acc.max : null,
    mean: any ? acc.sum / acc.finite : null,
  };
}

function accumulate(
  acc: { finite: number; nan: number; infinite: number; min: number; max: number; sum: number },
  values: ArrayLike<number>,
): void {
  let { finite, nan, infinite, min, max, sum } = acc;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v !== v) nan++;
    else if (v === Infinity || v === -Infinity) infinite++;
    else {
      finite++;
      sum += v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  Object.assign(acc, { finite, nan, infinite, min, max, sum });
}

function messageOf(err: unknown): string {
  if (err instanceof FitsError || err instanceof Error) return err.message;
  return String(err);
}
