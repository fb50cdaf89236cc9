// Writes a single-HDU FITS image: standard header, big-endian data, both padded to 2880 bytes; gzip on request.

import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import { formatCard, formatLongString } from './card.ts';
import { nativeToBigEndian } from './endian.ts';
import { headerBlock } from './header-block.ts';
import type { RawArray } from './endian.ts';

export type WritableArray = Float32Array | Float64Array | Int16Array | Int32Array | Uint8Array;

export interface WriteImageOptions {
  /** Stored type; defaults to the array's own type (Float32Array -> -32, Int16Array -> 16 ...). */
  bitpix?: 8 | 16 | 32 | -32 | -64;
  /** Extra cards, written after the structural ones in insertion order (COMMENT/HISTORY allowed). */
  cards?: Record<string, string | number | boolean>;
  gzip?: boolean;
}

const STRUCTURAL = new Set(['SIMPLE', 'BITPIX', 'NAXIS', 'EXTEND', 'END']);

export function writeImageFits(path: string, data: WritableArray, shape: number[], opts: WriteImageOptions = {}): void {
  fs.writeFileSync(path, encodeImageFits(data, shape, opts));
}

/** The bytes writeImageFits writes. */
export function encodeImageFits(data: WritableArray, shape: number[], opts: WriteImageOptions = {}): Uint8Array {
  const bitpix = opts.bitpix ?? bitpixOf(data);
  const count = shape.reduce((a, b) => a * b, 1);
  if (shape.some((n) => !Number.isInteger(n) || n < 0)) throw new RangeError(`bad shape [${shape.join(', ')}]`);
  if (count !== data.length) throw new RangeError(`shape [${shape.join(', ')}] holds ${count} values, data has ${data.length}`);

  const cards: string[] = [
    formatCard('SIMPLE', true, 'conforms to FITS standard'),
    formatCard('BITPIX', bitpix, 'array data type'),
    formatCard('NAXIS', shape.length, 'number of array dimensions'),
    ...shape.map((n, i) => formatCard(`NAXIS${i + 1}`, n)),
  ];
  for (const [key, value] of Object.entries(opts.cards ?? {})) {
    const k = key.toUpperCase();
    if (STRUCTURAL.has(k) || /^NAXIS\d+$/.test(k)) throw new RangeError(`card ${key} is written by writeImageFits itself`);
    if ((k === 'COMMENT' || k === 'HISTORY') && typeof value === 'string') {
      for (let i = 0; i < Math.max(1, value.length); i += 72) cards.push(formatCard(k, value.slice(i, i + 72)));
    } else if (typeof value === 'string') cards.push(...formatLongString(k, value));
    else cards.push(formatCard(k, value));
  }
  cards.push('END');
  const header = headerBlock(cards);
  const payload = nativeToBigEndian(convert(data, bitpix));
  const out = new Uint8Array(header.length + Math.ceil(payload.length / 2880) * 2880);
  out.set(header, 0);
  out.set(payload, header.length);
  return opts.gzip ? zlib.gzipSync(out) : out;
}

function bitpixOf(data: WritableArray): 8 | 16 | 32 | -32 | -64 {
  if (data instanceof Uint8Array) return 8;
  if (data instanceof Int16Array) return 16;
  if (data instanceof Int32Array) return 32;
  if (data instanceof Float32Array) return -32;
  return -64;
}

function convert(data: WritableArray, bitpix: number): RawArray {
  switch (bitpix) {
    case 8:
      return data instanceof Uint8Array ? data : checkedInts(Uint8Array.from(data), data);
    case 16:
      return data instanceof Int16Array ? data : checkedInts(Int16Array.from(data), data);
    case 32:
      return data instanceof Int32Array ? data : checkedInts(Int32Array.from(data), data);
    case -32:
      return data instanceof Float32Array ? data : Float32Array.from(data);
    case -64:
      return data instanceof Float64Array ? data : Float64Array.from(data);
    default:
      throw new RangeError(`BITPIX ${bitpix} cannot be written`);
  }
}

/** Integer output must hold every value exactly; silent wrap-around would corrupt a test fixture. */
function checkedInts<T extends Uint8Array | Int16Array | Int32Array>(out: T, data: WritableArray): T {
  for (let i = 0; i < out.length; i++) {
    if (out[i] !== data[i]) throw new RangeError(`value ${data[i]} at ${i} does not fit BITPIX ${out.BYTES_PER_ELEMENT * 8}`);
  }
  return out;
}
