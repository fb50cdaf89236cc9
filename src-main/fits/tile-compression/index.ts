// Tile-compressed images (the FITS tiled image convention, as CFITSIO writes and reads it): a BINTABLE with
// ZIMAGE = T whose rows hold one compressed tile each. decompressImage rebuilds the whole image.

import { FitsError } from '../errors.ts';
import { BinaryTable, type Column, type HeaderLookup, type HeapSlice } from './binary-table.ts';
import { dequantize, type TileScaling } from './dequantize.ts';
import { readParameters, type CompressionParameters } from './parameters.ts';
import { decodeHcompress, hcompressShape } from './hcompress.ts';
import { decodePlio } from './plio.ts';
import { decodeRice } from './rice.ts';
import { TileGrid, type PixelArray } from './tile-grid.ts';
import { inflateTile, samplesFromBytes, samplesFromColumn, type TileSamples } from './tile-samples.ts';

export type { PixelArray } from './tile-grid.ts';
export { ditherRandoms } from './dequantize.ts';

export interface DecompressedImage {
  /** the image in ZBITPIX type, C order (ZNAXIS1 fastest), native endian; floats dequantised, nulls NaN */
  values: PixelArray;
  /** integer images only: the stored value that marks a null pixel (ZBLANK column/keyword, or BLANK) */
  blank?: number | bigint;
}

/** No valid codec expands a tile by more than this many pixels per compressed byte (gzip peaks near 1032:1). */
const MAX_PIXELS_PER_BYTE = 1100;

export function decompressImage(header: HeaderLookup, data: Uint8Array, file: string, hdu: number): DecompressedImage {
  const fail = (code: 'corrupt-data' | 'bad-header' | 'unsupported', problem: string): never => {
    throw new FitsError(code, file, problem, hdu);
  };
  const declared = readParameters(header, file, hdu);
  const table = new BinaryTable(header, data, file, hdu);
  // CFITSIO reads a float image with no ZSCALE column or keyword as losslessly stored floats, whatever ZQUANTIZ
  // says (astropy writes ZQUANTIZ = 'NO_DITHER' for its lossless GZIP float images)
  const hasZscale = table.column('ZSCALE') !== undefined || header.get('ZSCALE') !== undefined;
  const params: CompressionParameters = declared.bitpix < 0 && !hasZscale ? { ...declared, quantization: 'none' } : declared;
  const grid = new TileGrid(params.shape, params.tile);
  if (table.rows < grid.tileCount) {
    fail('corrupt-data', `the table has ${table.rows} rows but ZNAXISn/ZTILEn need ${grid.tileCount} tiles`);
  }

  const compressed = vlaColumn(table, 'COMPRESSED_DATA', true, fail)!;
  const uncompressed = vlaColumn(table, 'UNCOMPRESSED_DATA', false, fail);
  const gzipped = vlaColumn(table, 'GZIP_COMPRESSED_DATA', false, fail);
  const zscale = scalarSource(table, header, 'ZSCALE');
  const zzero = scalarSource(table, header, 'ZZERO');
  // null marker: ZBLANK column, else ZBLANK keyword, else BLANK keyword (CFITSIO's order)
  const zblank = scalarSource(table, header, 'ZBLANK') ?? scalarSource(table, header, 'BLANK');
  const floating = params.bitpix < 0;

  // First pass, before allocating the image: every tile's bytes exist and could plausibly hold its pixels.
  const sources: Array<{ slice: HeapSlice; column: Column }> = [];
  for (let t = 0; t < grid.tileCount; t++) {
    let column = compressed;
    let slice = table.heapSlice(compressed, t);
    if (slice.count === 0) {
      // not compressed normally: the tile sits in UNCOMPRESSED_DATA (before 2011) or GZIP_COMPRESSED_DATA
      const fallbacks = [uncompressed, gzipped].filter((c): c is Column => c !== undefined);
      if (fallbacks.length === 0) fail('corrupt-data', `tile ${t + 1} has no compressed bytes and no UNCOMPRESSED_DATA column`);
      const found = fallbacks.map((c) => ({ column: c, slice: table.heapSlice(c, t) })).find((f) => f.slice.count > 0);
      if (!found) fail('corrupt-data', `tile ${t + 1} has no data in any column`);
      ({ column, slice } = found!);
    }
    const { pixels, size } = grid.extent(t);
    if (column === compressed && params.algorithm === 'hcompress') {
      // A constant tile is 26 bytes whatever its size: the stream's own dimensions are checked instead.
      const shape = hcompressShape(table.bytes(slice));
      if (typeof shape === 'string') fail('corrupt-data', `tile ${t + 1}: ${shape}`);
      const { rows, columns } = shape as { rows: number; columns: number };
      if (columns !== size[0] || rows * columns !== pixels) {
        fail('corrupt-data', `tile ${t + 1}: the HCOMPRESS stream says ${rows} rows of ${columns} pixels, the tile is ${size.join(' x ')}`);
      }
    } else if (column === compressed && params.algorithm === 'plio') {
      // a line-list word covers at most 4095 pixels
      if (pixels > 2048 * slice.byteLength + 4096) fail('corrupt-data', `tile ${t + 1} claims ${pixels} pixels from only ${slice.byteLength} bytes`);
    } else if (pixels > MAX_PIXELS_PER_BYTE * slice.byteLength + 1024) {
      fail('corrupt-data', `tile ${t + 1} claims ${pixels} pixels from only ${slice.byteLength} bytes`);
    }
    sources.push({ slice, column });
  }

  const values = allocate(params.bitpix, params.pixels);
  const tileValues = allocate(params.bitpix, grid.maxTilePixels);
  const riceOut = params.algorithm === 'rice' || params.algorithm === 'plio' ? new Int32Array(grid.maxTilePixels) : undefined;
  let integerBlank: number | undefined;

  for (let t = 0; t < grid.tileCount; t++) {
    const n = grid.extent(t).pixels;
    const { slice, column } = sources[t];
    const bytes = table.bytes(slice);
    let samples: TileSamples | string;
    let quantised = true;
    if (column === compressed) {
      samples = decodeTile(bytes, n, params, riceOut);
    } else if (column === uncompressed) {
      quantised = false;
      samples = slice.count !== n
        ? `UNCOMPRESSED_DATA holds ${slice.count} values for a ${n}-pixel tile`
        : samplesFromColumn(bytes, n, column.elementType ?? 'B');
    } else {
      quantised = false;
      samples = floating
        ? inflateTile(bytes, n, false, 'float', false)
        : 'GZIP_COMPRESSED_DATA in an integer image';
    }
    if (typeof samples === 'string') fail('corrupt-data', `tile ${t + 1}: ${samples}`);
    const s = samples as TileSamples;

    // floats are written straight into the image where the tile is one run of it
    const run = floating ? grid.runStart(t) : -1;
    const tileOut = (run >= 0 ? values.subarray(run, run + n) : tileValues.subarray(0, n)) as PixelArray;
    let placed = run >= 0;
    if (floating) {
      writeFloatTile(s, n, tileOut as Float32Array | Float64Array, quantised ? {
        quantization: params.quantization,
        scale: zscale ? zscale(t) : 1,
        zero: zzero ? zzero(t) : 0,
        nullValue: zblank && s.kind === 'int' ? narrow(zblank(t), s.width) : undefined,
        ditherRow: t + 1 + params.ditherSeed - 1,
        zeroValueApplies: s.kind === 'int' && s.width === 4,
      } : undefined, (problem) => fail('corrupt-data', `tile ${t + 1}: ${problem}`));
    } else if (s.kind === 'int' && !(values instanceof BigInt64Array)) {
      // integers go straight into the image; set() narrows int32 to the image type
      grid.place(t, s.values.subarray(0, n), values);
      placed = true;
    } else {
      writeIntegerTile(s, n, tileOut, (problem) => fail('corrupt-data', `tile ${t + 1}: ${problem}`));
    }
    if (!floating && zblank) {
      // one null marker per image is all the caller can apply
      const b = zblank(t);
      if (integerBlank !== undefined && b !== integerBlank) {
        fail('unsupported', `tiles use different ZBLANK values (${integerBlank} and ${b})`);
      }
      integerBlank = b;
    }
    if (!placed) grid.place(t, tileOut, values);
  }

  if (floating || integerBlank === undefined) return { values };
  if (params.bitpix !== 64) return { values, blank: integerBlank };
  // a 64-bit keyword value may lie beyond 2^53: take it from the header exactly where it came from there
  const exact = table.column('ZBLANK') ? undefined : header.get('ZBLANK') ?? header.get('BLANK');
  return { values, blank: typeof exact === 'bigint' ? exact : BigInt(integerBlank) };
}

function decodeTile(bytes: Uint8Array, n: number, params: CompressionParameters, riceOut: Int32Array | undefined): TileSamples | string {
  const floating = params.bitpix < 0;
  // 4-byte values are IEEE floats only in a losslessly stored float image (ZQUANTIZ = 'NONE')
  const wideAs = floating && params.quantization === 'none' ? 'float' : 'int';
  switch (params.algorithm) {
    case 'rice': {
      const out = riceOut!;
      const problem = decodeRice(bytes, out, n, params.blockSize, params.bytePix);
      if (problem) return problem;
      const values = out.subarray(0, n); // consumed before the next tile overwrites it
      if (wideAs === 'float' && params.bytePix === 4) return { kind: 'float32', values: new Float32Array(values.buffer, 0, n) };
      return { kind: 'int', width: params.bytePix, values };
    }
    case 'gzip1':
    case 'gzip2':
      return inflateTile(bytes, n, params.algorithm === 'gzip2', wideAs, params.bitpix === 64);
    case 'hcompress': {
      // int32 values, as CFITSIO's fits_hdecompress gives them (quantised ones for a float image)
      const tile = decodeHcompress(bytes, n, params.smooth);
      if (typeof tile === 'string') return tile;
      return { kind: 'int', width: 4, values: tile.values };
    }
    case 'plio': {
      // 16-bit big-endian words in the heap (a 1PI column)
      if (bytes.length % 2 !== 0) return `PLIO line list of ${bytes.length} bytes is not whole 16-bit words`;
      const words = new Int16Array(bytes.length / 2);
      for (let i = 0; i < words.length; i++) words[i] = (bytes[2 * i]! << 8) | bytes[2 * i + 1]!;
      const out = riceOut!;
      const problem = decodePlio(words, out, n);
      if (problem) return problem;
      return { kind: 'int', width: 4, values: out.subarray(0, n) };
    }
    case 'none':
      return samplesFromBytes(bytes, n, false, wideAs, params.bitpix === 64);
  }
}

function writeFloatTile(
  s: TileSamples, n: number, out: Float32Array | Float64Array, scaling: TileScaling | undefined, fail: (p: string) => never,
): void {
  if (s.kind === 'float32' || s.kind === 'float64') {
    out.set(s.values.subarray(0, n));
  } else if (s.kind === 'int') {
    if (scaling) dequantize(s.values, n, scaling, out);
    else out.set(s.values.subarray(0, n));
  } else {
    fail('64-bit integer tile data in a floating-point image');
  }
}

function writeIntegerTile(s: TileSamples, n: number, out: PixelArray, fail: (p: string) => never): void {
  if (out instanceof BigInt64Array) {
    if (s.kind === 'int64') out.set(s.values.subarray(0, n));
    else if (s.kind === 'int') for (let i = 0; i < n; i++) out[i] = BigInt(s.values[i]);
    else fail('floating-point tile data in an integer image');
  } else if (s.kind === 'int') {
    (out as Int32Array).set(s.values.subarray(0, n));
  } else {
    fail(`${s.kind} tile data in an integer image of narrower type`);
  }
}

/** The null marker as the tile's sample type holds it (CFITSIO casts tnull to short / unsigned char). */
function narrow(value: number, width: 1 | 2 | 4): number {
  const v = Math.trunc(value) | 0;
  return width === 1 ? v & 0xff : width === 2 ? (v << 16) >> 16 : v;
}

function allocate(bitpix: number, n: number): PixelArray {
  switch (bitpix) {
    case 8: return new Uint8Array(n);
    case 16: return new Int16Array(n);
    case 32: return new Int32Array(n);
    case 64: return new BigInt64Array(n);
    case -32: return new Float32Array(n);
    default: return new Float64Array(n);
  }
}

function vlaColumn(
  table: BinaryTable, name: string, required: boolean, fail: (code: 'corrupt-data' | 'bad-header', p: string) => never,
): Column | undefined {
  const column = table.column(name);
  if (!column) {
    if (required) fail('bad-header', `the compressed image has no ${name} column`);
    return undefined;
  }
  if (column.type !== 'P' && column.type !== 'Q') fail('bad-header', `${name} is not a variable-length array column`);
  return column;
}

/** A per-tile number from a table column, or a constant from a keyword, or undefined if neither exists. */
function scalarSource(table: BinaryTable, header: HeaderLookup, name: string): ((tile: number) => number) | undefined {
  const column = table.column(name);
  if (column && column.type !== 'P' && column.type !== 'Q') return (t) => table.scalar(column, t);
  const raw = header.get(name);
  if (typeof raw === 'number') return () => raw;
  if (typeof raw === 'bigint') return () => Number(raw);
  return undefined;
}
