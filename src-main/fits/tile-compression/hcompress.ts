// HCOMPRESS_1 tile decoder, a port of CFITSIO's fits_hdecompress / fits_hdecompress64 (hdecompress.c, after
// R. White's hcompress): the tile is an H-transform (a 2-D Haar-like transform) whose coefficients were divided
// by SCALE (0 or 1: lossless), then coded as bit planes, each quadrant's planes by a quadtree of 4-bit codes
// (Huffman-coded) or written directly, and sign bits last. Decoding reverses that: bit planes, signs,
// multiply by SCALE, inverse H-transform (with optional smoothing of the coefficients, SMOOTH = 1).
//
// Stream: 0xDD 0x99, nx, ny, scale (big-endian int32: nx rows of ny pixels, ny = ZTILE1), the sum of all
// pixels (big-endian int64), three 4-bit-plane counts (one byte each: quadrant 0, quadrants 1 and 2, quadrant 3),
// the quadtree-coded planes of the four quadrants, a 0 nybble, then the sign bits from a fresh byte.
//
// Arithmetic is in float64 on integer values, emulating CFITSIO's 64-bit integer code exactly for every value
// below 2^53 (masks and shifts by powers of two become floor divisions); for 8- and 16-bit images CFITSIO's
// 32-bit code gives the same values, since nothing there overflows. Every loop is bounded by the tile size and
// the plane counts, every read by the input length: damage yields a problem string, never an endless loop.

/** Magic, nx, ny, scale, sum of all pixels, three plane counts. */
export const HEADER_BYTES = 25;
const MAGIC0 = 0xdd;
const MAGIC1 = 0x99;
/** Bit planes a coefficient may have: values up to 2^52 stay exact in float64. */
const MAX_BIT_PLANES = 52;

class BitInput {
  readonly #data: Uint8Array;
  pos: number;
  #buffer = 0;
  #bitsToGo = 0;
  overrun = false;

  constructor(data: Uint8Array, pos: number) {
    this.#data = data;
    this.pos = pos;
  }

  /** CFITSIO's start_inputing_bits: drop what is left of the current byte. */
  start(): void {
    this.#bitsToGo = 0;
  }

  #byte(): number {
    if (this.pos >= this.#data.length) {
      this.overrun = true;
      this.pos++;
      return 0;
    }
    return this.#data[this.pos++]!;
  }

  bit(): number {
    if (this.#bitsToGo === 0) {
      this.#buffer = this.#byte();
      this.#bitsToGo = 8;
    }
    this.#bitsToGo--;
    return (this.#buffer >> this.#bitsToGo) & 1;
  }

  /** n <= 8 bits, most significant first. */
  bits(n: number): number {
    if (this.#bitsToGo < n) {
      this.#buffer = ((this.#buffer << 8) | this.#byte()) & 0xffff;
      this.#bitsToGo += 8;
    }
    this.#bitsToGo -= n;
    return (this.#buffer >> this.#bitsToGo) & ((1 << n) - 1);
  }

  nybble(): number {
    return this.bits(4);
  }

  /** CFITSIO's input_huffman: the 4-bit quadtree codes, by frequency. */
  huffman(): number {
    let c = this.bits(3);
    if (c < 4) return 1 << c;
    c = this.bit() | (c << 1);
    if (c < 13) {
      switch (c) {
        case 8: return 3;
        case 9: return 5;
        case 10: return 10;
        case 11: return 12;
        case 12: return 15;
      }
    }
    c = this.bit() | (c << 1);
    if (c < 31) {
      switch (c) {
        case 26: return 6;
        case 27: return 7;
        case 28: return 9;
        case 29: return 11;
        case 30: return 13;
      }
    }
    c = this.bit() | (c << 1);
    return c === 62 ? 0 : 14;
  }
}

/** ceil(log2(n)) as CFITSIO computes it (rounded log, then one up if that power of two is short). */
function log2Up(n: number): number {
  let k = Math.floor(Math.log(Math.fround(n)) / Math.log(2.0) + 0.5);
  if (n > 2 ** k) k += 1;
  return k;
}

/** The tile size a stream states (rows, pixels per row), read without decoding: checked before anything is allocated. */
export function hcompressShape(input: Uint8Array): { rows: number; columns: number } | string {
  if (input.length < HEADER_BYTES) return `compressed tile is ${input.length} bytes, shorter than the HCOMPRESS header`;
  if (input[0] !== MAGIC0 || input[1] !== MAGIC1) return 'compressed tile does not start with the HCOMPRESS code 0xDD99';
  const view = new DataView(input.buffer, input.byteOffset, input.byteLength);
  return { rows: view.getInt32(2), columns: view.getInt32(6) };
}

export interface HcompressTile {
  /** rows (CFITSIO's nx) and pixels per row (ny) as the stream states them */
  rows: number;
  columns: number;
  values: Int32Array;
}

/**
 * Decodes one HCOMPRESS_1 tile of n pixels into int32 values (C order: `columns` pixels per row). `smooth`
 * is the SMOOTH parameter (ZVAL2 when ZNAME2 = 'SMOOTH'). Returns the tile or what is wrong with the stream.
 */
export function decodeHcompress(input: Uint8Array, n: number, smooth: boolean): HcompressTile | string {
  if (input.length < HEADER_BYTES) return `compressed tile is ${input.length} bytes, shorter than the HCOMPRESS header`;
  if (input[0] !== MAGIC0 || input[1] !== MAGIC1) return 'compressed tile does not start with the HCOMPRESS code 0xDD99';
  const view = new DataView(input.buffer, input.byteOffset, input.byteLength);
  const rows = view.getInt32(2);
  const columns = view.getInt32(6);
  const scale = view.getInt32(10);
  const sumAll = Number(view.getBigInt64(14));
  if (rows < 1 || columns < 1 || rows * columns !== n) return `the stream says ${rows} x ${columns} pixels, the tile has ${n}`;
  const planes = [input[22]!, input[23]!, input[24]!];
  if (planes.some((p) => p > MAX_BIT_PLANES)) return `bit plane counts ${planes.join(', ')} are beyond ${MAX_BIT_PLANES}`;

  const a = new Float64Array(n);
  const bits = new BitInput(input, HEADER_BYTES);
  const problem = decodeQuadrants(bits, a, rows, columns, planes);
  if (problem) return problem;
  a[0] = sumAll;
  // undigitize
  if (scale > 1) for (let i = 0; i < n; i++) a[i] *= scale;
  hinv(a, rows, columns, smooth, scale);

  const values = new Int32Array(n);
  for (let i = 0; i < n; i++) values[i] = a[i]!;
  return { rows, columns, values };
}

/** CFITSIO's dodecode: the four quadrants' bit planes, an end nybble, then the sign bits. */
function decodeQuadrants(bits: BitInput, a: Float64Array, nx: number, ny: number, planes: number[]): string | undefined {
  const nx2 = (nx + 1) >> 1;
  const ny2 = (ny + 1) >> 1;
  bits.start();
  const quadrants: Array<[number, number, number, number]> = [
    [0, nx2, ny2, planes[0]!],
    [ny2, nx2, ny >> 1, planes[1]!],
    [ny * nx2, nx >> 1, ny2, planes[1]!],
    [ny * nx2 + ny2, nx >> 1, ny >> 1, planes[2]!],
  ];
  for (const [offset, nqx, nqy, nbitplanes] of quadrants) {
    const problem = qtreeDecode(bits, a, offset, ny, nqx, nqy, nbitplanes);
    if (problem) return problem;
  }
  if (bits.nybble() !== 0) return 'bad bit plane values (no end code after the quadrants)';
  if (bits.overrun) return 'hit the end of the compressed stream inside the bit planes';
  bits.start();
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== 0 && bits.bit()) a[i] = -a[i]!;
  }
  if (bits.overrun) return 'hit the end of the compressed stream inside the sign bits';
  return undefined;
}

function qtreeDecode(bits: BitInput, a: Float64Array, offset: number, n: number, nqx: number, nqy: number, nbitplanes: number): string | undefined {
  if (nbitplanes === 0) return undefined;
  const nqmax = Math.max(nqx, nqy);
  if (nqmax < 1) return 'bit planes for an empty quadrant';
  const log2n = log2Up(nqmax);
  const nqx2 = (nqx + 1) >> 1;
  const nqy2 = (nqy + 1) >> 1;
  // the expansions below run over up to max(1, nqx2) x max(1, nqy2) codes
  const scratch = new Uint8Array(Math.max(1, nqx2) * Math.max(1, nqy2));
  for (let bit = nbitplanes - 1; bit >= 0; bit--) {
    const b = bits.nybble();
    if (b === 0) {
      // written directly: 4 pixels a nybble
      const count = nqx2 * nqy2;
      for (let i = 0; i < count; i++) scratch[i] = bits.nybble();
      bitInsert(scratch, nqx, nqy, a, offset, n, bit);
    } else if (b !== 0xf) {
      return `bad quadtree format code ${b}`;
    } else {
      scratch[0] = bits.huffman();
      let nx = 1;
      let ny = 1;
      let nfx = nqx;
      let nfy = nqy;
      let c = 1 << log2n;
      for (let k = 1; k < log2n; k++) {
        // n[k-1] = (n[k]+1)/2 where n[log2n] = nqx or nqy
        c >>= 1;
        nx <<= 1;
        ny <<= 1;
        if (nfx <= c) nx -= 1;
        else nfx -= c;
        if (nfy <= c) ny -= 1;
        else nfy -= c;
        qtreeExpand(bits, scratch, nx, ny);
      }
      bitInsert(scratch, nqx, nqy, a, offset, n, bit);
    }
    if (bits.overrun) return 'hit the end of the compressed stream inside a quadtree';
  }
  return undefined;
}

/** One expansion: each 4-bit code of a (nx+1)/2 x (ny+1)/2 array becomes 2x2 bits, then non-zero ones read codes. */
function qtreeExpand(bits: BitInput, a: Uint8Array, nx: number, ny: number): void {
  qtreeCopy(a, nx, ny);
  for (let i = nx * ny - 1; i >= 0; i--) if (a[i]) a[i] = bits.huffman();
}

/** CFITSIO's qtree_copy with a and b the same array and n = ny. */
function qtreeCopy(b: Uint8Array, nx: number, ny: number): void {
  const n = ny;
  const nx2 = (nx + 1) >> 1;
  const ny2 = (ny + 1) >> 1;
  // spread the codes of a[nx2][ny2] to b[2i][2j], from the end since they share the array
  let k = ny2 * (nx2 - 1) + ny2 - 1;
  for (let i = nx2 - 1; i >= 0; i--) {
    let s00 = 2 * (n * i + ny2 - 1);
    for (let j = ny2 - 1; j >= 0; j--) {
      b[s00] = b[k]!;
      k -= 1;
      s00 -= 2;
    }
  }
  let i = 0;
  for (; i < nx - 1; i += 2) {
    let s00 = n * i;
    let s10 = s00 + n;
    let j = 0;
    for (; j < ny - 1; j += 2) {
      const v = b[s00]!;
      b[s10 + 1] = v & 1;
      b[s10] = (v >> 1) & 1;
      b[s00 + 1] = (v >> 2) & 1;
      b[s00] = (v >> 3) & 1;
      s00 += 2;
      s10 += 2;
    }
    if (j < ny) {
      // odd row length: the last element's right neighbours are off the edge
      b[s10] = (b[s00]! >> 1) & 1;
      b[s00] = (b[s00]! >> 3) & 1;
    }
  }
  if (i < nx) {
    // odd column length: the last row's lower neighbours are off the edge
    let s00 = n * i;
    let j = 0;
    for (; j < ny - 1; j += 2) {
      b[s00 + 1] = (b[s00]! >> 2) & 1;
      b[s00] = (b[s00]! >> 3) & 1;
      s00 += 2;
    }
    if (j < ny) b[s00] = (b[s00]! >> 3) & 1;
  }
}

/** CFITSIO's qtree_bitins: expand the codes of a[(nx+1)/2][(ny+1)/2] to 2x2 bits into plane `bit` of b[nx][n]. */
function bitInsert(a: Uint8Array, nx: number, ny: number, b: Float64Array, offset: number, n: number, bit: number): void {
  const planeValue = 2 ** bit;
  let k = 0;
  let i = 0;
  for (; i < nx - 1; i += 2) {
    let s00 = offset + n * i;
    let j = 0;
    for (; j < ny - 1; j += 2) {
      const v = a[k]!;
      // a plane's bit is set once per pixel: adding it is OR-ing it
      if (v & 1) b[s00 + n + 1] += planeValue;
      if (v & 2) b[s00 + n] += planeValue;
      if (v & 4) b[s00 + 1] += planeValue;
      if (v & 8) b[s00] += planeValue;
      s00 += 2;
      k += 1;
    }
    if (j < ny) {
      const v = a[k]!;
      if (v & 2) b[s00 + n] += planeValue;
      if (v & 8) b[s00] += planeValue;
      k += 1;
    }
  }
  if (i < nx) {
    let s00 = offset + n * i;
    let j = 0;
    for (; j < ny - 1; j += 2) {
      const v = a[k]!;
      if (v & 4) b[s00 + 1] += planeValue;
      if (v & 8) b[s00] += planeValue;
      s00 += 2;
      k += 1;
    }
    if (j < ny) {
      if (a[k]! & 8) b[s00] += planeValue;
      k += 1;
    }
  }
}

// Two's-complement integer operations on float64 values that hold integers (exact below 2^53).
/** x & -p for a power of two p: round down to a multiple of p. */
const floorTo = (x: number, p: number): number => Math.floor(x / p) * p;
/** x & p for a power of two p. */
const bitOf = (x: number, p: number): number => (Math.floor(x / p) & 1) * p;
/** x >> s. */
const shiftDown = (x: number, s: number): number => Math.floor(x / 2 ** s);

/** CFITSIO's hinv64: the inverse H-transform in place on a[nx][ny]. */
function hinv(a: Float64Array, nx: number, ny: number, smooth: boolean, scale: number): void {
  const nmax = Math.max(nx, ny);
  const log2n = log2Up(nmax);
  const tmp = new Float64Array((nmax + 1) >> 1);
  // masks as powers of two: mask = -bit
  let shift = 1;
  let bit0 = 2 ** (log2n - 1);
  let bit1 = bit0 * 2;
  const bit2 = bit0 * 4;
  let prnd0 = Math.floor(bit0 / 2);
  let prnd1 = Math.floor(bit1 / 2);
  const prnd2 = Math.floor(bit2 / 2);
  let nrnd0 = prnd0 - 1;
  let nrnd1 = prnd1 - 1;
  const nrnd2 = prnd2 - 1;
  if (log2n === 0) {
    // A 1 x 1 tile: CFITSIO shifts by -1 here, which on every machine it runs on makes each mask 0, so the
    // pixel decodes to 0 (funpack and astropy give 0). Read what they read.
    a[0] = 0;
    return;
  }
  // round h0 to a multiple of bit2
  a[0] = floorTo(a[0]! + (a[0]! >= 0 ? prnd2 : nrnd2), bit2);
  let nxtop = 1;
  let nytop = 1;
  let nxf = nx;
  let nyf = ny;
  let c = 2 ** log2n;
  for (let k = log2n - 1; k >= 0; k--) {
    // ntop[k-1] = (ntop[k]+1)/2, where ntop[0] = nmax
    c /= 2;
    nxtop *= 2;
    nytop *= 2;
    if (nxf <= c) nxtop -= 1;
    else nxf -= c;
    if (nyf <= c) nytop -= 1;
    else nyf -= c;
    // double shift and fix nrnd0 (because prnd0 = 0) on the last pass
    if (k === 0) {
      nrnd0 = 0;
      shift = 2;
    }
    // unshuffle in each dimension to interleave the coefficients
    for (let i = 0; i < nxtop; i++) unshuffle(a, ny * i, nytop, 1, tmp);
    for (let j = 0; j < nytop; j++) unshuffle(a, j, nxtop, ny, tmp);
    if (smooth) hsmooth(a, nxtop, nytop, ny, scale);
    const oddx = nxtop % 2;
    const oddy = nytop % 2;
    let i = 0;
    for (; i < nxtop - oddx; i += 2) {
      let s00 = ny * i;
      let s10 = s00 + ny;
      for (let j = 0; j < nytop - oddy; j += 2) {
        let h0 = a[s00]!;
        let hx = a[s10]!;
        let hy = a[s00 + 1]!;
        let hc = a[s10 + 1]!;
        // round hx and hy to a multiple of bit1, hc to a multiple of bit0; h0 is a multiple of bit2 already
        hx = floorTo(hx + (hx >= 0 ? prnd1 : nrnd1), bit1);
        hy = floorTo(hy + (hy >= 0 ? prnd1 : nrnd1), bit1);
        hc = floorTo(hc + (hc >= 0 ? prnd0 : nrnd0), bit0);
        // propagate bit0 of hc to hx, hy
        const lowbit0 = bitOf(hc, bit0);
        hx = hx >= 0 ? hx - lowbit0 : hx + lowbit0;
        hy = hy >= 0 ? hy - lowbit0 : hy + lowbit0;
        // propagate bits 0 and 1 of hc, hx, hy to h0
        const lowbit1 = (((Math.floor(hc / bit1) ^ Math.floor(hx / bit1) ^ Math.floor(hy / bit1)) & 1) * bit1);
        h0 = h0 >= 0 ? h0 + lowbit0 - lowbit1 : h0 + (lowbit0 === 0 ? lowbit1 : lowbit0 - lowbit1);
        // divide the sums by 2 (4 the last time)
        a[s10 + 1] = shiftDown(h0 + hx + hy + hc, shift);
        a[s10] = shiftDown(h0 + hx - hy - hc, shift);
        a[s00 + 1] = shiftDown(h0 - hx + hy - hc, shift);
        a[s00] = shiftDown(h0 - hx - hy + hc, shift);
        s00 += 2;
        s10 += 2;
      }
      if (oddy) {
        // the last element of an odd-length row
        let h0 = a[s00]!;
        let hx = a[s10]!;
        hx = floorTo(hx >= 0 ? hx + prnd1 : hx + nrnd1, bit1);
        const lowbit1 = bitOf(hx, bit1);
        h0 = h0 >= 0 ? h0 - lowbit1 : h0 + lowbit1;
        a[s10] = shiftDown(h0 + hx, shift);
        a[s00] = shiftDown(h0 - hx, shift);
      }
    }
    if (oddx) {
      // the last row of an odd-length column
      let s00 = ny * i;
      for (let j = 0; j < nytop - oddy; j += 2) {
        let h0 = a[s00]!;
        let hy = a[s00 + 1]!;
        hy = floorTo(hy >= 0 ? hy + prnd1 : hy + nrnd1, bit1);
        const lowbit1 = bitOf(hy, bit1);
        h0 = h0 >= 0 ? h0 - lowbit1 : h0 + lowbit1;
        a[s00 + 1] = shiftDown(h0 + hy, shift);
        a[s00] = shiftDown(h0 - hy, shift);
        s00 += 2;
      }
      if (oddy) a[s00] = shiftDown(a[s00]!, shift);
    }
    // divide every mask and rounding value by 2 (bit2 served only the first rounding of h0)
    bit1 = bit0;
    bit0 = Math.floor(bit0 / 2);
    prnd1 = prnd0;
    prnd0 = Math.floor(prnd0 / 2);
    nrnd1 = nrnd0;
    nrnd0 = prnd0 - 1;
  }
}

/** CFITSIO's unshuffle: a[0], a[n2], ... (n of them): first half to the even places, second half to the odd. */
function unshuffle(a: Float64Array, base: number, n: number, n2: number, tmp: Float64Array): void {
  const nhalf = (n + 1) >> 1;
  let pt = 0;
  let p1 = base + n2 * nhalf;
  for (let i = nhalf; i < n; i++) {
    tmp[pt++] = a[p1]!;
    p1 += n2;
  }
  let p2 = base + n2 * (nhalf - 1);
  p1 = base + ((n2 * (nhalf - 1)) << 1);
  for (let i = nhalf - 1; i >= 0; i--) {
    a[p1] = a[p2]!;
    p2 -= n2;
    p1 -= n2 + n2;
  }
  pt = 0;
  p1 = base + n2;
  for (let i = 1; i < n; i += 2) {
    a[p1] = tmp[pt++]!;
    p1 += n2 + n2;
  }
}

const min = Math.min;
const max = Math.max;

/** CFITSIO's hsmooth64: nudge the difference coefficients toward what the neighbouring zones imply, by at most scale/2. */
function hsmooth(a: Float64Array, nxtop: number, nytop: number, ny: number, scale: number): void {
  const smax = scale >> 1;
  if (smax <= 0) return;
  const ny2 = ny * 2;
  // slope down by 8 (or 64), rounding toward zero as CFITSIO's shift does for each sign
  const div = (s: number, d: number): number => (s >= 0 ? Math.floor(s / d) : Math.floor((s + d - 1) / d));
  // adjust the x difference hx
  for (let i = 2; i < nxtop - 2; i += 2) {
    let s00 = ny * i;
    let s10 = s00 + ny;
    for (let j = 0; j < nytop; j += 2) {
      const hm = a[s00 - ny2]!;
      const h0 = a[s00]!;
      const hp = a[s00 + ny2]!;
      let diff = hp - hm;
      const dmax = max(min(hp - h0, h0 - hm), 0) * 4;
      const dmin = min(max(hp - h0, h0 - hm), 0) * 4;
      if (dmin < dmax) {
        diff = max(min(diff, dmax), dmin);
        let s = diff - a[s10]! * 8;
        s = div(s, 8);
        s = max(min(s, smax), -smax);
        a[s10] = a[s10]! + s;
      }
      s00 += 2;
      s10 += 2;
    }
  }
  // adjust the y difference hy
  for (let i = 0; i < nxtop; i += 2) {
    let s00 = ny * i + 2;
    for (let j = 2; j < nytop - 2; j += 2) {
      const hm = a[s00 - 2]!;
      const h0 = a[s00]!;
      const hp = a[s00 + 2]!;
      let diff = hp - hm;
      const dmax = max(min(hp - h0, h0 - hm), 0) * 4;
      const dmin = min(max(hp - h0, h0 - hm), 0) * 4;
      if (dmin < dmax) {
        diff = max(min(diff, dmax), dmin);
        let s = diff - a[s00 + 1]! * 8;
        s = div(s, 8);
        s = max(min(s, smax), -smax);
        a[s00 + 1] = a[s00 + 1]! + s;
      }
      s00 += 2;
    }
  }
  // adjust the curvature difference hc
  for (let i = 2; i < nxtop - 2; i += 2) {
    let s00 = ny * i + 2;
    let s10 = s00 + ny;
    for (let j = 2; j < nytop - 2; j += 2) {
      const hmm = a[s00 - ny2 - 2]!;
      const hpm = a[s00 + ny2 - 2]!;
      const hmp = a[s00 - ny2 + 2]!;
      const hpp = a[s00 + ny2 + 2]!;
      const h0 = a[s00]!;
      let diff = hpp + hmm - hmp - hpm;
      const hx2 = a[s10]! * 2;
      const hy2 = a[s00 + 1]! * 2;
      let m1 = min(max(hpp - h0, 0) - hx2 - hy2, max(h0 - hpm, 0) + hx2 - hy2);
      let m2 = min(max(h0 - hmp, 0) - hx2 + hy2, max(hmm - h0, 0) + hx2 + hy2);
      const dmax = min(m1, m2) * 16;
      m1 = max(min(hpp - h0, 0) - hx2 - hy2, min(h0 - hpm, 0) + hx2 - hy2);
      m2 = max(min(h0 - hmp, 0) - hx2 + hy2, min(hmm - h0, 0) + hx2 + hy2);
      const dmin = max(m1, m2) * 16;
      if (dmin < dmax) {
        diff = max(min(diff, dmax), dmin);
        let s = diff - a[s10 + 1]! * 64;
        s = div(s, 64);
        s = max(min(s, smax), -smax);
        a[s10 + 1] = a[s10 + 1]! + s;
      }
      s00 += 2;
      s10 += 2;
    }
  }
}
