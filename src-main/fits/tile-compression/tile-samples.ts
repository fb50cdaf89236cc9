// The values of one decoded tile before they become image pixels, and the byte-level codecs that yield them:
// GZIP_1 / GZIP_2 (byte-shuffled) streams, and plain big-endian arrays (NOCOMPRESS, UNCOMPRESSED_DATA).

import { unzipSync } from 'node:zlib';

export type TileSamples =
  /** integers widened to int32: 1-byte unsigned, 2- and 4-byte signed (CFITSIO's TBYTE, TSHORT, TINT) */
  | { kind: 'int'; width: 1 | 2 | 4; values: Int32Array }
  | { kind: 'int64'; values: BigInt64Array }
  | { kind: 'float32'; values: Float32Array }
  | { kind: 'float64'; values: Float64Array };

/** How to read 4- and 8-byte values: as integers (quantised or integer images) or as IEEE floats. */
export type WideAs = 'int' | 'float';

/**
 * Inflate a GZIP_1/GZIP_2 tile (gzip or zlib framing, detected from the header). The element width follows
 * from the inflated size (n, 2n, 4n or 8n bytes), as in CFITSIO. Returns a problem string on failure.
 */
export function inflateTile(input: Uint8Array, n: number, shuffled: boolean, wideAs: WideAs, int64: boolean): TileSamples | string {
  let bytes: Uint8Array;
  try {
    bytes = unzipSync(input, { maxOutputLength: n * 8 });
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE') return `gzip stream inflates to more than ${n * 8} bytes for a ${n}-pixel tile`;
    return `gzip stream is corrupt (${(err as Error).message})`;
  }
  return samplesFromBytes(bytes, n, shuffled, wideAs, int64);
}

let scratch = new Int32Array(0);

/** A reused buffer for one tile's values: each tile's samples are consumed before the next tile is decoded. */
function tileBuffer(n: number): Int32Array {
  if (scratch.length < n) scratch = new Int32Array(n);
  return scratch.subarray(0, n);
}

/** Interpret n big-endian values whose width follows from bytes.length; GZIP_2 stores byte planes (all most
 * significant bytes first). Returns a problem string if the length fits no width. */
export function samplesFromBytes(bytes: Uint8Array, n: number, shuffled: boolean, wideAs: WideAs, int64: boolean): TileSamples | string {
  const width = bytes.length / n;
  if (width === 1) {
    const values = tileBuffer(n);
    for (let i = 0; i < n; i++) values[i] = bytes[i];
    return { kind: 'int', width: 1, values };
  }
  if (width === 2) {
    const values = tileBuffer(n);
    if (shuffled) {
      for (let i = 0; i < n; i++) values[i] = ((bytes[i] << 24) | (bytes[n + i] << 16)) >> 16;
    } else {
      for (let i = 0, j = 0; i < n; i++, j += 2) values[i] = ((bytes[j] << 24) | (bytes[j + 1] << 16)) >> 16;
    }
    return { kind: 'int', width: 2, values };
  }
  if (width === 4) {
    const values = tileBuffer(n);
    if (shuffled) {
      const n2 = 2 * n;
      const n3 = 3 * n;
      for (let i = 0; i < n; i++) values[i] = (bytes[i] << 24) | (bytes[n + i] << 16) | (bytes[n2 + i] << 8) | bytes[n3 + i];
    } else {
      for (let i = 0, j = 0; i < n; i++, j += 4) {
        values[i] = (bytes[j] << 24) | (bytes[j + 1] << 16) | (bytes[j + 2] << 8) | bytes[j + 3];
      }
    }
    if (wideAs === 'float') return { kind: 'float32', values: new Float32Array(values.buffer, 0, n) };
    return { kind: 'int', width: 4, values };
  }
  if (width === 8) {
    const plain = shuffled ? unshuffle(bytes, n, 8) : bytes;
    // Pairs of int32 in native (little-endian) order make up each 8-byte value.
    const words = new Int32Array(2 * n);
    for (let i = 0, j = 0; i < n; i++, j += 8) {
      words[2 * i + 1] = (plain[j] << 24) | (plain[j + 1] << 16) | (plain[j + 2] << 8) | plain[j + 3];
      words[2 * i] = (plain[j + 4] << 24) | (plain[j + 5] << 16) | (plain[j + 6] << 8) | plain[j + 7];
    }
    if (wideAs === 'int' && int64) return { kind: 'int64', values: new BigInt64Array(words.buffer, 0, n) };
    if (wideAs === 'float') return { kind: 'float64', values: new Float64Array(words.buffer, 0, n) };
    return `tile holds 8-byte values, which this image type cannot take`;
  }
  return `tile decompresses to ${bytes.length} bytes, which is not 1, 2, 4 or 8 bytes for each of its ${n} pixels`;
}

function unshuffle(bytes: Uint8Array, n: number, width: number): Uint8Array {
  const out = new Uint8Array(n * width);
  for (let j = 0; j < width; j++) {
    const plane = j * n;
    for (let i = 0; i < n; i++) out[i * width + j] = bytes[plane + i];
  }
  return out;
}

/** n big-endian elements of a binary-table type letter (UNCOMPRESSED_DATA cells). */
export function samplesFromColumn(bytes: Uint8Array, n: number, type: string): TileSamples | string {
  switch (type) {
    case 'B': return samplesFromBytes(bytes, n, false, 'int', false);
    case 'I': return samplesFromBytes(bytes, n, false, 'int', false);
    case 'J': return samplesFromBytes(bytes, n, false, 'int', false);
    case 'K': return samplesFromBytes(bytes, n, false, 'int', true);
    case 'E': return samplesFromBytes(bytes, n, false, 'float', false);
    case 'D': return samplesFromBytes(bytes, n, false, 'float', false);
    default: return `UNCOMPRESSED_DATA has element type ${type}, not a pixel type`;
  }
}
