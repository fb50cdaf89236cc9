// How ZTILEn cuts the image into tiles: tiles run in FITS order (axis 1 fastest), edge tiles are cut short,
// and each tile's pixels are stored in C order within the tile.

export type PixelArray = Uint8Array | Int16Array | Int32Array | BigInt64Array | Float32Array | Float64Array;

export class TileGrid {
  readonly shape: readonly number[];
  readonly tile: readonly number[];
  /** tiles along each axis */
  readonly counts: readonly number[];
  readonly tileCount: number;
  /** pixels in the largest (interior) tile */
  readonly maxTilePixels: number;

  constructor(shape: readonly number[], tile: readonly number[]) {
    this.shape = shape;
    this.tile = tile;
    this.counts = shape.map((n, k) => Math.ceil(n / tile[k]));
    this.tileCount = this.counts.reduce((a, b) => a * b, 1);
    this.maxTilePixels = shape.reduce((a, n, k) => a * Math.min(n, tile[k]), 1);
  }

  /** First pixel and size along each axis of tile t (0-based, FITS axis order). */
  extent(t: number): { start: number[]; size: number[]; pixels: number } {
    const start: number[] = [];
    const size: number[] = [];
    let pixels = 1;
    let rest = t;
    for (let k = 0; k < this.shape.length; k++) {
      const g = rest % this.counts[k];
      rest = Math.floor(rest / this.counts[k]);
      start.push(g * this.tile[k]);
      const s = Math.min(this.tile[k], this.shape[k] - g * this.tile[k]);
      size.push(s);
      pixels *= s;
    }
    return { start, size, pixels };
  }

  /** Where tile t starts in the image when its pixels form one run there (row tiles, whole planes), else -1. */
  runStart(t: number): number {
    const { start, size } = this.extent(t);
    if (!this.contiguous(size)) return -1;
    let offset = 0;
    let stride = 1;
    for (let k = 0; k < this.shape.length; k++) {
      offset += start[k] * stride;
      stride *= this.shape[k];
    }
    return offset;
  }

  /** Copy tile t's pixels (C order, tile-sized) into the whole image, one image row segment at a time. */
  place(t: number, tilePixels: PixelArray, image: PixelArray): void {
    const { start, size } = this.extent(t);
    const ndim = this.shape.length;
    // strides of the image along each axis
    const stride: number[] = [1];
    for (let k = 1; k < ndim; k++) stride.push(stride[k - 1] * this.shape[k - 1]);
    let base = 0;
    for (let k = 0; k < ndim; k++) base += start[k] * stride[k];
    const rowLength = size[0];
    const rows = size.reduce((a, s) => a * s, 1) / rowLength;
    // both arrays are the same element type; the cast only lets TypeScript call set() on the union
    const dst = image as Float64Array;
    const src = tilePixels as Float64Array;
    if (this.contiguous(size)) {
      // the tile is one run of the image: row tiles, full-width 2-D tiles, whole planes of a cube
      dst.set(src.subarray(0, rowLength * rows), base);
      return;
    }
    const coord = new Array<number>(ndim).fill(0);
    for (let r = 0; r < rows; r++) {
      let offset = base;
      for (let k = 1; k < ndim; k++) offset += coord[k] * stride[k];
      dst.set(src.subarray(r * rowLength, (r + 1) * rowLength), offset);
      for (let k = 1; k < ndim; k++) {
        if (++coord[k] < size[k]) break;
        coord[k] = 0;
      }
    }
  }

  /** True when axes below some axis m are covered fully and axes above m have size 1. */
  private contiguous(size: readonly number[]): boolean {
    let k = 0;
    while (k < size.length && size[k] === this.shape[k]) k++;
    for (let j = k + 1; j < size.length; j++) if (size[j] !== 1) return false;
    return true;
  }
}
