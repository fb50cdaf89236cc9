// Rice decoder for FITS RICE_1 tiles, bit-exact with CFITSIO's fits_rdecomp / _short / _byte.
// Hand-written: no maintained npm package decodes FITS Rice.
//
// Stream layout: the first pixel as a big-endian bytePix-byte integer, then blocks of blockSize pixels.
// Each block starts with an fsBits-wide code: 0 = all differences zero, fsMax+1 = differences stored raw,
// otherwise fs+1 where each difference is a unary-coded high part and fs low bits. Differences are
// zigzag-mapped and accumulate onto the previous pixel, wrapping at the pixel width.

/** bits needed to write b (1..8), i.e. the position of its highest set bit plus one */
const SIGNIFICANT_BITS = (() => {
  const table = new Uint8Array(256);
  for (let b = 1; b < 256; b++) table[b] = 32 - Math.clz32(b);
  return table;
})();

let scratch = new Uint8Array(4096);

/** Copy the compressed bytes into a zero-padded scratch buffer, so the inner loops may read a few bytes past
 * the end without a check per byte; overrunning the real end is caught once per block, as CFITSIO does. */
function padded(input: Uint8Array, pad: number): Uint8Array {
  const need = input.length + pad;
  if (scratch.length < need) scratch = new Uint8Array(Math.max(need, scratch.length * 2));
  scratch.set(input);
  scratch.fill(0, input.length, need);
  return scratch;
}

/**
 * Decode one tile of n pixels into out[0..n). Values are sign-extended for 2- and 4-byte pixels and
 * unsigned for 1-byte pixels, as CFITSIO's tile data types (TSHORT, TINT, TBYTE) are.
 * Returns undefined on success, or what is wrong with the stream.
 */
export function decodeRice(input: Uint8Array, out: Int32Array, n: number, blockSize: number, bytePix: 1 | 2 | 4): string | undefined {
  const fsBits = bytePix === 1 ? 3 : bytePix === 2 ? 4 : 5;
  const fsMax = bytePix === 1 ? 6 : bytePix === 2 ? 14 : 25;
  const bBits = bytePix * 8;
  const shift = 32 - bBits;
  const mask = bytePix === 1 ? 0xff : -1;
  const end = input.length;
  if (end < bytePix) return `compressed tile is ${end} bytes, shorter than its first pixel`;
  // Unchecked reads within one block: at most bytePix+1 bytes per pixel plus the block code.
  const c = padded(input, blockSize * (bytePix + 1) + 16);

  let p = 0;
  let lastpix = 0;
  for (let k = 0; k < bytePix; k++) lastpix = (lastpix << 8) | c[p++];
  lastpix = ((lastpix << shift) >> shift) & mask;

  let b = c[p++];
  let nbits = 8;
  let i = 0;
  while (i < n) {
    nbits -= fsBits;
    while (nbits < 0) {
      b = (b << 8) | c[p++];
      nbits += 8;
    }
    const fs = (b >>> nbits) - 1;
    b &= (1 << nbits) - 1;
    let imax = i + blockSize;
    if (imax > n) imax = n;

    if (fs < 0) {
      // low entropy: every difference is zero
      for (; i < imax; i++) out[i] = lastpix;
    } else if (fs === fsMax) {
      // high entropy: differences stored as raw bBits-wide values
      for (; i < imax; i++) {
        let k = bBits - nbits;
        let diff = k === 32 ? 0 : b << k; // b holds nbits (< 8) bits; with nbits = 0 it is 0
        for (k -= 8; k >= 0; k -= 8) {
          b = c[p++];
          diff |= b << k;
        }
        if (nbits > 0) {
          b = c[p++];
          diff |= b >>> -k;
          b &= (1 << nbits) - 1;
        } else {
          b = 0;
        }
        diff = (diff >>> 1) ^ -(diff & 1); // undo the zigzag mapping, branch-free
        lastpix = (((diff + lastpix) << shift) >> shift) & mask;
        out[i] = lastpix;
      }
    } else if (fs > fsMax) {
      return `block code ${fs + 1} is larger than ${fsMax + 1}`;
    } else {
      // normal Rice coding
      for (; i < imax; i++) {
        while (b === 0) {
          if (p >= end) return 'hit the end of the compressed stream inside a block';
          nbits += 8;
          b = c[p++];
        }
        const sig = SIGNIFICANT_BITS[b];
        const nzero = nbits - sig;
        nbits = sig - 1 - fs;
        b ^= 1 << (sig - 1); // drop the terminating one-bit
        while (nbits < 0) {
          b = (b << 8) | c[p++];
          nbits += 8;
        }
        let diff = (nzero << fs) | (b >>> nbits);
        b &= (1 << nbits) - 1;
        diff = (diff >>> 1) ^ -(diff & 1); // undo the zigzag mapping, branch-free
        lastpix = (((diff + lastpix) << shift) >> shift) & mask;
        out[i] = lastpix;
      }
    }
    if (p > end) return 'hit the end of the compressed stream';
  }
  return undefined;
}
