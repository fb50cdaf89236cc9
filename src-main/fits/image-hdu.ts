// A primary array or IMAGE extension, or a tile-compressed image (astropy hdu/image.py, CompImageHDU).
// Nothing is read until asked; readPlane reads only that plane's bytes.

import { imageHeaderFromCompressed } from './compressed-header.ts';
import { bigEndianToNative, bytesPerPixel } from './endian.ts';
import type { RawArray } from './endian.ts';
import { FitsError } from './errors.ts';
import type { FitsFile } from './fits-file.ts';
import type { Header } from './header.ts';
import { applyScaling, scaleInto, scalingFromHeader } from './scaling.ts';
import type { Scaling } from './scaling.ts';
import type { HduLayout } from './structure.ts';
import { decompressImage } from './tile-compression/index.ts';
import type { DecompressedImage } from './tile-compression/index.ts';

/** Refuse to decompress images larger than this many pixels (a header can claim anything). */
export const MAX_DECOMPRESSED_PIXELS = 2 ** 28;

export class ImageHdu {
  readonly kind = 'image' as const;
  readonly index: number;
  /** The image header; for a compressed HDU rebuilt from the table header as astropy shows it (ZBITPIX -> BITPIX ...). */
  readonly header: Header;
  /** The header as stored: the BINTABLE header for a compressed HDU, else the same as `header`. */
  readonly storedHeader: Header;
  /** EXTNAME, or '' when absent. */
  readonly name: string;
  /** Stored BITPIX, or ZBITPIX for a tile-compressed HDU. */
  readonly bitpix: number;
  /** FITS order, NAXIS1 first (ZNAXISn for a compressed HDU). */
  readonly shape: number[];
  readonly compressed: boolean;
  /** Product of NAXIS3..n (1 for a 1-D or 2-D image). */
  readonly nPlanes: number;
  #file: FitsFile;
  #layout: HduLayout;
  #decompressed: DecompressedImage | undefined;

  constructor(file: FitsFile, layout: HduLayout, header: Header, compressed: boolean) {
    this.#file = file;
    this.#layout = layout;
    this.index = layout.index;
    this.storedHeader = header;
    this.header = compressed ? imageHeaderFromCompressed(header) : header;
    this.compressed = compressed;
    this.name = header.extname();
    if (compressed) {
      this.bitpix = header.get('ZBITPIX') as number;
      const n = header.get('ZNAXIS') as number;
      this.shape = Array.from({ length: n }, (_, i) => header.get(`ZNAXIS${i + 1}`) as number);
    } else {
      this.bitpix = layout.bitpix;
      this.shape = layout.naxis.slice();
    }
    this.nPlanes = this.shape.slice(2).reduce((a, b) => a * b, 1);
  }

  /** True when the HDU holds pixels (NAXIS > 0 and every NAXISn > 0). */
  get hasData(): boolean {
    return this.shape.length > 0 && this.shape.every((n) => n > 0);
  }

  /** Number of pixels. */
  get size(): number {
    return this.shape.length === 0 ? 0 : this.shape.reduce((a, b) => a * b, 1);
  }

  /** Pixels in one 2-D plane (NAXIS1*NAXIS2, or NAXIS1 for a 1-D image). */
  get planeSize(): number {
    if (this.shape.length === 0) return 0;
    return this.shape.length === 1 ? this.shape[0] : this.shape[0] * this.shape[1];
  }

  /** BSCALE/BZERO/BLANK as applied by read(); identity for compressed float images (the codec dequantises). */
  get scaling(): Scaling {
    if (this.compressed && this.bitpix < 0) return { bscale: 1, bzero: 0 };
    const blank = this.compressed ? this.#decompress().blank : undefined;
    return scalingFromHeader((k) => this.header.get(k), blank);
  }

  /** Stored values in native byte order (for compressed HDUs: decompressed, floats already dequantised). */
  readRaw(): RawArray {
    if (this.compressed) return this.#decompress().values;
    return this.#allocating(() => bigEndianToNative(this.#file.read(this.#layout.dataOffset, this.size * bytesPerPixel(this.bitpix)), this.bitpix));
  }

  /** Physical values, float64, C order (NAXIS1 fastest). */
  read(): Float64Array {
    if (this.compressed) return applyScaling(this.readRaw(), this.scaling);
    // Read the stored bytes into the tail of the output buffer and widen forwards in place: one allocation.
    const n = this.size;
    const bpp = bytesPerPixel(this.bitpix);
    const buffer = this.#allocating(() => Buffer.allocUnsafeSlow(n * 8).buffer);
    const tail = new Uint8Array(buffer, n * (8 - bpp), n * bpp);
    this.#file.readInto(this.#layout.dataOffset, tail);
    return scaleInto(bigEndianToNative(tail, this.bitpix), this.scaling, new Float64Array(buffer, 0, n));
  }

  /** Physical values of one 2-D plane (index over NAXIS3..n, C order), reading only that plane's bytes. */
  readPlane(plane: number): Float32Array {
    if (!Number.isInteger(plane) || plane < 0 || plane >= this.nPlanes || !this.hasData) {
      throw new FitsError('bad-naxis', this.#file.path, `plane ${plane} out of range (the image has ${this.hasData ? this.nPlanes : 0} planes)`, this.index);
    }
    const count = this.planeSize;
    let raw: RawArray;
    if (this.compressed) {
      const all = this.#decompress().values;
      raw = all.subarray(plane * count, (plane + 1) * count) as RawArray;
    } else {
      const bpp = bytesPerPixel(this.bitpix);
      raw = bigEndianToNative(this.#file.read(this.#layout.dataOffset + plane * count * bpp, count * bpp), this.bitpix);
    }
    const scaling = this.scaling;
    if (raw instanceof Float32Array && scaling.bscale === 1 && scaling.bzero === 0) {
      return this.compressed ? raw.slice() : raw;
    }
    return new Float32Array(applyScaling(raw, scaling));
  }

  /** Turns an allocation failure (image larger than memory) into a FitsError naming the file. */
  #allocating<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      if (e instanceof RangeError) {
        throw new FitsError('too-large', this.#file.path, `image of ${this.size} pixels does not fit in memory (${e.message})`, this.index);
      }
      throw e;
    }
  }

  /**
   * Physical values of a width x height box of one plane (0-based x along NAXIS1, y along NAXIS2), row by row.
   * Reads only the rows the box spans (a cutout of a large image costs its rows, not the plane).
   */
  readSection(plane: number, x0: number, y0: number, width: number, height: number): Float32Array {
    const nx = this.shape[0] ?? 0;
    const ny = this.shape.length >= 2 ? this.shape[1] : 1;
    const ok = (v: number) => Number.isInteger(v) && v >= 0;
    if (!ok(plane) || plane >= this.nPlanes || !this.hasData || !ok(x0) || !ok(y0) || !ok(width) || !ok(height) || x0 + width > nx || y0 + height > ny) {
      throw new FitsError('bad-naxis', this.#file.path, `section plane ${plane} [${x0}+${width}, ${y0}+${height}] lies outside the image (${this.shape.join(' x ')})`, this.index);
    }
    const out = new Float32Array(width * height);
    if (width === 0 || height === 0) return out;
    let rows: RawArray;
    if (this.compressed) {
      const start = plane * this.planeSize + y0 * nx;
      rows = this.#decompress().values.subarray(start, start + height * nx) as RawArray;
    } else {
      const bpp = bytesPerPixel(this.bitpix);
      const offset = this.#layout.dataOffset + (plane * this.planeSize + y0 * nx) * bpp;
      rows = bigEndianToNative(this.#file.read(offset, height * nx * bpp), this.bitpix);
    }
    const physical = applyScaling(rows, this.scaling);
    for (let y = 0; y < height; y++) out.set(physical.subarray(y * nx + x0, y * nx + x0 + width), y * width);
    return out;
  }

  #decompress(): DecompressedImage {
    if (this.#decompressed) return this.#decompressed;
    if (this.size > MAX_DECOMPRESSED_PIXELS) {
      throw new FitsError('too-large', this.#file.path, `compressed image claims ${this.size} pixels (limit ${MAX_DECOMPRESSED_PIXELS})`, this.index);
    }
    const data = this.#file.read(this.#layout.dataOffset, this.#layout.dataBytes);
    const result = decompressImage(this.storedHeader, data, this.#file.path, this.index);
    if (result.values.length !== this.size) {
      throw new FitsError('corrupt-data', this.#file.path, `decompressed ${result.values.length} pixels, expected ${this.size}`, this.index);
    }
    this.#decompressed = result;
    return result;
  }
}
