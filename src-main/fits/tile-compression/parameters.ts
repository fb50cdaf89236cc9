// The Z-keywords of a tile-compressed image, read and checked the way CFITSIO's
// imcomp_get_compressed_image_par reads them.

import { FitsError } from '../errors.ts';
import type { HeaderLookup } from './binary-table.ts';
import type { Quantization } from './dequantize.ts';

export type Algorithm = 'rice' | 'gzip1' | 'gzip2' | 'hcompress' | 'plio' | 'none';

export interface CompressionParameters {
  readonly bitpix: 8 | 16 | 32 | 64 | -32 | -64;
  /** ZNAXISn, FITS order */
  readonly shape: number[];
  /** ZTILEn, FITS order */
  readonly tile: number[];
  readonly algorithm: Algorithm;
  readonly blockSize: number;
  readonly bytePix: 1 | 2 | 4;
  readonly quantization: Quantization;
  readonly ditherSeed: number;
  readonly pixels: number;
  /** HCOMPRESS_1: smooth the coefficients while inverting (ZNAME2 = 'SMOOTH', ZVAL2 != 0) */
  readonly smooth: boolean;
}

/** An HCOMPRESS tile is decoded in float64 (8 bytes a pixel, and 4 more for its values): at most this many pixels. */
export const MAX_HCOMPRESS_TILE_PIXELS = 2 ** 26;

/** Largest decompressed image accepted, in bytes; beyond it we refuse rather than try to allocate. */
export const MAX_IMAGE_BYTES = 2 ** 32;

const UNSUPPORTED = new Set(['BZIP2_1']);

export function readParameters(header: HeaderLookup, file: string, hdu: number): CompressionParameters {
  const fail = (code: 'bad-header' | 'bad-bitpix' | 'bad-naxis' | 'unsupported' | 'too-large', problem: string): never => {
    throw new FitsError(code, file, problem, hdu);
  };
  const text = (key: string): string | undefined => {
    const v = header.get(key);
    return typeof v === 'string' ? v.trim().toUpperCase() : undefined;
  };
  const integer = (key: string): number | undefined => {
    const raw = header.get(key);
    if (raw === undefined) return undefined;
    const v = typeof raw === 'bigint' ? Number(raw) : raw;
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) return fail('bad-header', `${key} = ${String(raw)} is not an integer`);
    return v;
  };

  const cmptype = text('ZCMPTYPE');
  if (cmptype === undefined) return fail('bad-header', 'ZCMPTYPE is missing from the compressed image header');
  if (UNSUPPORTED.has(cmptype)) return fail('unsupported', `${cmptype} tile compression is not supported`);
  const algorithm: Algorithm | undefined =
    cmptype === 'RICE_1' || cmptype === 'RICE_ONE' ? 'rice'
    : cmptype === 'GZIP_1' ? 'gzip1'
    : cmptype === 'GZIP_2' ? 'gzip2'
    : cmptype === 'HCOMPRESS_1' ? 'hcompress'
    : cmptype === 'PLIO_1' ? 'plio'
    : cmptype === 'NOCOMPRESS' ? 'none'
    : undefined;
  if (algorithm === undefined) return fail('unsupported', `unknown tile compression ZCMPTYPE = '${cmptype}'`);

  const bitpix = integer('ZBITPIX');
  if (bitpix !== 8 && bitpix !== 16 && bitpix !== 32 && bitpix !== 64 && bitpix !== -32 && bitpix !== -64) {
    return fail('bad-bitpix', `ZBITPIX = ${String(bitpix)} is not one of 8, 16, 32, 64, -32, -64`);
  }
  const naxis = integer('ZNAXIS');
  if (naxis === undefined || naxis < 1 || naxis > 999) return fail('bad-naxis', `ZNAXIS = ${String(naxis)} is not 1 to 999`);
  const shape: number[] = [];
  const tile: number[] = [];
  let pixels = 1;
  for (let k = 1; k <= naxis; k++) {
    const n = integer(`ZNAXIS${k}`);
    if (n === undefined || n < 1) return fail('bad-naxis', `ZNAXIS${k} = ${String(n)} is not a positive integer`);
    const t = integer(`ZTILE${k}`) ?? (k === 1 ? n : 1);
    if (t < 1) return fail('bad-header', `ZTILE${k} = ${t} is not a positive integer`);
    shape.push(n);
    tile.push(t);
    pixels *= n;
  }
  const bytes = pixels * (Math.abs(bitpix) / 8);
  if (bytes > MAX_IMAGE_BYTES) {
    return fail('too-large', `ZNAXISn describe a ${shape.join('x')} image of ${bytes} bytes, more than the ${MAX_IMAGE_BYTES}-byte limit`);
  }

  // Rice parameters: found by ZNAMEn, or positionally (ZVAL1 = BLOCKSIZE, ZVAL2 = BYTEPIX) as CFITSIO reads them.
  let blockSize = 32;
  let bytePix = 4;
  if (algorithm === 'rice') {
    const named = new Map<string, number>();
    for (let k = 1; k <= 999; k++) {
      const name = text(`ZNAME${k}`);
      if (name === undefined) break;
      const value = integer(`ZVAL${k}`);
      if (value !== undefined) named.set(name, value);
    }
    // a ZVALn whose ZNAMEn says something else is not taken positionally
    blockSize = named.get('BLOCKSIZE') ?? (text('ZNAME1') === undefined ? integer('ZVAL1') : undefined) ?? 32;
    bytePix = named.get('BYTEPIX') ?? (text('ZNAME2') === undefined ? integer('ZVAL2') : undefined) ?? 4;
    if (blockSize < 16 && bytePix > 8) [blockSize, bytePix] = [bytePix, blockSize]; // CFITSIO: values written reversed
    if (blockSize < 1 || blockSize > 65536) return fail('bad-header', `RICE_1 BLOCKSIZE = ${blockSize} is not 1 to 65536`);
    if (bytePix === 8) return fail('unsupported', 'RICE_1 with 8-byte pixels is not supported');
    if (bytePix !== 1 && bytePix !== 2 && bytePix !== 4) return fail('bad-header', `RICE_1 BYTEPIX = ${bytePix} is not 1, 2 or 4`);
  }

  // HCOMPRESS parameters (SCALE travels in each tile's stream; SMOOTH only here), as CFITSIO reads them.
  let smooth = false;
  if (algorithm === 'hcompress') {
    if (bitpix === 64) return fail('unsupported', 'HCOMPRESS_1 of 64-bit integer images is not supported (CFITSIO does not write it)');
    if (shape.length < 2 || tile.slice(2).some((t) => t !== 1)) {
      return fail('bad-header', `HCOMPRESS_1 needs 2-D tiles, not ZTILEn = ${tile.join(', ')}`);
    }
    const tilePixels = Math.min(tile[0]!, shape[0]!) * Math.min(tile[1]!, shape[1]!);
    if (tilePixels > MAX_HCOMPRESS_TILE_PIXELS) {
      return fail('unsupported', `HCOMPRESS_1 tiles of ${tilePixels} pixels are larger than the ${MAX_HCOMPRESS_TILE_PIXELS} this reader decodes`);
    }
    for (let k = 1; k <= 2; k++) {
      if (text(`ZNAME${k}`) === 'SMOOTH') smooth = (integer(`ZVAL${k}`) ?? 0) !== 0;
    }
  }
  if (algorithm === 'plio' && bitpix === 64) return fail('unsupported', 'PLIO_1 of 64-bit integer images is not supported');

  const zquantiz = text('ZQUANTIZ');
  const quantization: Quantization =
    zquantiz === 'NONE' ? 'none'
    : zquantiz === 'SUBTRACTIVE_DITHER_1' ? 'subtractive-dither-1'
    : zquantiz === 'SUBTRACTIVE_DITHER_2' ? 'subtractive-dither-2'
    : 'no-dither'; // NO_DITHER, or files from before 2009 without ZQUANTIZ
  const ditherSeed = integer('ZDITHER0') ?? 1;

  return { bitpix, shape, tile, algorithm, blockSize, bytePix: bytePix as 1 | 2 | 4, quantization, ditherSeed, pixels, smooth };
}
