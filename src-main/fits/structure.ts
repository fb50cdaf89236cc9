// The fast structural pass (astropy _BasicHeader): only SIMPLE/XTENSION/BITPIX/NAXISn/PCOUNT/GCOUNT/GROUPS are parsed,
// so HDUs are sized and skipped without reading their data. Every size is checked against the file size before
// anyone allocates for it. A .gz is asked only for the bytes up to each declared end (file.available), so it is
// inflated as far as its HDUs declare and one header block beyond, not to the end of whatever follows them.

import { parseValueField } from './card.ts';
import type { CardValue } from './card.ts';
import { FitsError } from './errors.ts';
import type { FitsFile } from './fits-file.ts';
import type { FitsIssue } from './issues.ts';

export const BLOCK = 2880;
export const VALID_BITPIX = new Set([8, 16, 32, 64, -32, -64]);
/** The FITS standard's largest NAXIS (and ZNAXIS, WCSAXES): every loop over axes a header declares stops here. */
export const MAX_NAXIS = 999;
/** No real header comes near this (360,000 cards); beyond it a file is garbage after a SIMPLE card. */
export const MAX_HEADER_BLOCKS = 10_000;

export interface HduLayout {
  index: number;
  headerOffset: number;
  /** The header records before END, latin1-decoded (the full parser reads this, not the file). */
  headerText: string;
  dataOffset: number;
  /** Data bytes without the padding to 2880. */
  dataBytes: number;
  bitpix: number;
  naxis: number[];
  pcount: number;
  gcount: number;
  /** XTENSION value, or undefined for the primary HDU. */
  xtension: string | undefined;
  groups: boolean;
  simple: boolean | undefined;
  /** Set when the header is unusable as a FITS structure; the listing stops after this HDU. */
  error?: FitsError;
}

const STRUCTURAL = /^(SIMPLE|XTENSION|BITPIX|NAXIS\d{0,3}|PCOUNT|GCOUNT|GROUPS)$/;

/** Walks the file HDU by HDU. Throws FitsError when the primary HDU is unusable; later damage ends the list. */
export function readStructure(file: FitsFile, issues: FitsIssue[]): HduLayout[] {
  const layouts: HduLayout[] = [];
  if (file.available(1) === 0) throw new FitsError('not-fits', file.path, 'file is empty');
  let offset = 0;
  for (let index = 0; file.available(offset + 1) > offset; index++) {
    let layout: HduLayout | undefined;
    try {
      layout = readOne(file, offset, index, issues);
    } catch (e) {
      // A .gz damaged (or inflating past its cap) after its last whole HDU: the HDUs before it stand, the
      // damage is an issue.
      if (index === 0 || !(e instanceof FitsError) || (e.code !== 'corrupt-gzip' && e.code !== 'too-large')) throw e;
      issues.push({ code: 'corrupt-gzip', hdu: index - 1, fixable: false, message: e.message });
      break;
    }
    if (layout === undefined) break;
    layouts.push(layout);
    if (layout.error) {
      if (index === 0) throw layout.error;
      issues.push({ code: layout.error.code, hdu: index, fixable: false, message: layout.error.message });
      break;
    }
    const end = layout.dataOffset + layout.dataBytes;
    const padded = layout.dataOffset + Math.ceil(layout.dataBytes / BLOCK) * BLOCK;
    if (paddingAvailable(file, padded) < padded) {
      issues.push({ code: 'missing-padding', hdu: index, fixable: true, message: `data of HDU ${index} is not padded to a multiple of 2880 bytes at end of file` });
    }
    offset = Math.max(end, padded);
  }
  return layouts;
}

function readOne(file: FitsFile, headerOffset: number, index: number, issues: FitsIssue[]): HduLayout | undefined {
  const fail = (code: ConstructorParameters<typeof FitsError>[0], problem: string) => new FitsError(code, file.path, problem, index);
  const found = new Map<string, string>();
  let text = '';
  let endAt = -1;
  let offset = headerOffset;
  while (endAt < 0) {
    if (offset - headerOffset >= MAX_HEADER_BLOCKS * BLOCK) {
      return broken(index, headerOffset, '', fail('bad-header', `no END card in the first ${MAX_HEADER_BLOCKS * BLOCK} bytes of the header`));
    }
    const block = file.read(offset, BLOCK);
    if (block.length === 0) break;
    const s = Buffer.from(block.buffer, block.byteOffset, block.length).toString('latin1');
    if (offset === headerOffset) {
      const first = s.slice(0, 8).toUpperCase();
      if (index === 0 && !(first === 'SIMPLE  ' && s.slice(8, 10) === '= ')) {
        throw fail('not-fits', 'not a FITS file: it does not start with a SIMPLE card');
      }
      if (index > 0 && !(first === 'XTENSION' && s.slice(8, 10) === '= ')) {
        // A .gz is not inflated to its end to count them: what follows may be gigabytes of zeros.
        const size = file.knownSize;
        const message = size === undefined
          ? `what follows the last HDU (from byte ${headerOffset} of the inflated data) is not a FITS extension (ignored)`
          : `${size - headerOffset} bytes after the last HDU are not a FITS extension (ignored)`;
        issues.push({ code: 'trailing-bytes', hdu: index - 1, fixable: true, message });
        return undefined;
      }
    }
    if (offset > headerOffset && !looksLikeHeader(s)) {
      // No END yet, and this block is binary (data, zeros of a gzip bomb): the header ran into it. Stopping here
      // spares reading and keeping MAX_HEADER_BLOCKS blocks of garbage for the same verdict.
      return broken(index, headerOffset, text, fail('bad-header', `header has no END card before binary data at byte ${offset}`));
    }
    for (let i = 0; i + 80 <= s.length; i += 80) {
      const key = s.slice(i, i + 8).toUpperCase().trimEnd();
      if (key === 'END' && s.slice(i + 8, i + 80).trim() === '') {
        endAt = text.length + i;
        break;
      }
      if (STRUCTURAL.test(key) && !found.has(key) && s.slice(i + 8, i + 10) === '= ') found.set(key, s.slice(i + 10, i + 80));
    }
    text += s;
    if (endAt < 0 && block.length < BLOCK) break;
    if (endAt >= 0 && block.length < BLOCK) {
      return broken(index, headerOffset, text.slice(0, endAt), fail('bad-header', `header is not padded to a multiple of 2880 bytes (file ends ${block.length} bytes into a header block)`));
    }
    offset += block.length;
  }
  if (endAt < 0) {
    const cut = text.length % 80 !== 0 ? ' (file ends in the middle of a card)' : '';
    return broken(index, headerOffset, text.slice(0, text.length - (text.length % 80)), fail('truncated', `header has no END card before end of file${cut}`));
  }
  const headerText = text.slice(0, endAt);
  const dataOffset = headerOffset + Math.ceil((endAt + 80) / BLOCK) * BLOCK;
  const value = (key: string): CardValue | undefined => {
    const field = found.get(key);
    return field === undefined ? undefined : parseValueField(field).value;
  };
  const layout: HduLayout = {
    index, headerOffset, headerText, dataOffset, dataBytes: 0, bitpix: 0, naxis: [], pcount: 0, gcount: 1,
    xtension: undefined, groups: false, simple: undefined,
  };
  const stop = (code: ConstructorParameters<typeof FitsError>[0], problem: string) => {
    layout.error = fail(code, problem);
    return layout;
  };

  if (index === 0) {
    const simple = value('SIMPLE');
    if (simple !== true && simple !== false) return stop('not-fits', `SIMPLE is ${JSON.stringify(String(simple))}, not T or F`);
    layout.simple = simple;
    if (simple === false) issues.push({ code: 'nonstandard', hdu: 0, keyword: 'SIMPLE', fixable: false, message: 'SIMPLE = F: the file says it does not conform to the FITS standard' });
  } else {
    const x = value('XTENSION');
    if (typeof x !== 'string' || x.trim() === '') return stop('bad-header', 'XTENSION has no string value');
    layout.xtension = x.trim().toUpperCase();
  }

  const bitpix = value('BITPIX');
  if (bitpix === undefined) return stop('bad-header', 'BITPIX is missing');
  if (typeof bitpix !== 'number' || !VALID_BITPIX.has(bitpix)) return stop('bad-bitpix', `BITPIX = ${String(bitpix)} is not one of 8, 16, 32, 64, -32, -64`);
  layout.bitpix = bitpix;

  const naxis = value('NAXIS');
  if (naxis === undefined) return stop('bad-header', 'NAXIS is missing');
  if (typeof naxis !== 'number' || !Number.isInteger(naxis) || naxis < 0 || naxis > MAX_NAXIS) {
    return stop('bad-naxis', `NAXIS = ${String(naxis)} is not an integer from 0 to ${MAX_NAXIS}`);
  }
  const sizes: bigint[] = [];
  for (let n = 1; n <= naxis; n++) {
    const v = value(`NAXIS${n}`);
    if (v === undefined) return stop('bad-naxis', `NAXIS${n} is missing (NAXIS = ${naxis})`);
    if (!(typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v))) || v < 0) {
      return stop('bad-naxis', `NAXIS${n} = ${String(v)} is not a non-negative integer`);
    }
    sizes.push(BigInt(v));
  }

  const counts = (key: string, fallback: number): number | undefined => {
    const v = value(key);
    if (v === undefined) return fallback;
    if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 2 ** 31) return v;
    return undefined;
  };
  layout.groups = index === 0 && value('GROUPS') === true && naxis >= 1 && sizes[0] === 0n;
  const extensionLike = index > 0 || layout.groups;
  const pcount = extensionLike ? counts('PCOUNT', 0) : 0;
  const gcount = extensionLike ? counts('GCOUNT', 1) : 1;
  if (pcount === undefined) return stop('bad-header', `PCOUNT = ${String(value('PCOUNT'))} is not a non-negative integer`);
  if (gcount === undefined) return stop('bad-header', `GCOUNT = ${String(value('GCOUNT'))} is not a non-negative integer`);
  layout.pcount = pcount;
  layout.gcount = gcount;
  if (index > 0 && (!found.has('PCOUNT') || !found.has('GCOUNT'))) {
    issues.push({ code: 'missing-keyword', hdu: index, keyword: found.has('PCOUNT') ? 'GCOUNT' : 'PCOUNT', fixable: true, message: 'extension lacks PCOUNT or GCOUNT (assumed 0 and 1)' });
  }

  let product = naxis === 0 ? 0n : 1n;
  for (let n = layout.groups ? 1 : 0; n < sizes.length; n++) product *= sizes[n];
  const declared = BigInt(Math.abs(bitpix) / 8) * BigInt(gcount) * (BigInt(pcount) + product);
  if (declared > BigInt(Number.MAX_SAFE_INTEGER)) {
    return stop('too-large', `declared data size (${declared} bytes from NAXISn = ${sizes.join(' x ')}) is absurd`);
  }
  layout.naxis = sizes.map(Number);
  layout.dataBytes = Number(declared);
  const end = dataOffset + layout.dataBytes;
  let available: number;
  try {
    available = file.available(end);
  } catch (e) {
    // a .gz whose data would inflate past the cap, or is damaged before its declared end
    if (!(e instanceof FitsError) || (e.code !== 'too-large' && e.code !== 'corrupt-gzip')) throw e;
    const problem = e.message.startsWith(`${file.path}: `) ? e.message.slice(file.path.length + 2) : e.message;
    return stop(e.code, `data declared as ${layout.dataBytes} bytes: ${problem}`);
  }
  if (available < end) {
    const have = Math.max(0, available - dataOffset);
    return stop('truncated', `data declared as ${layout.dataBytes} bytes but the file holds only ${have} bytes after the header`);
  }
  return layout;
}

/** Whether a header block (after the first) holds at least one record with a plausible keyword: letters, digits,
 * '-', '_' or blanks in columns 1-8 (astropy tolerates lowercase too). A block of binary data has none. */
function looksLikeHeader(block: string): boolean {
  for (let i = 0; i + 80 <= block.length; i += 80) {
    if (/^[A-Za-z0-9_ -]{8}$/.test(block.slice(i, i + 8))) return true;
  }
  return false;
}

/** file.available for the padding warning; where a .gz cannot say (damaged, past its cap) the next header's read
 * reports that, so no warning here. */
function paddingAvailable(file: FitsFile, end: number): number {
  try {
    return file.available(end);
  } catch (e) {
    if (e instanceof FitsError) return end;
    throw e;
  }
}

function broken(index: number, headerOffset: number, headerText: string, error: FitsError): HduLayout {
  return {
    index, headerOffset, headerText, dataOffset: headerOffset, dataBytes: 0, bitpix: 0, naxis: [], pcount: 0, gcount: 1,
    xtension: undefined, groups: false, simple: undefined, error,
  };
}
