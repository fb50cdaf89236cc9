// FITS stores big-endian; we swap in place and view the same bytes as a typed array (no per-element DataView loop:
// Buffer.swap16/32/64 are native and several times faster).

export type RawArray = Uint8Array | Int16Array | Int32Array | BigInt64Array | Float32Array | Float64Array;

export function bytesPerPixel(bitpix: number): number {
  return Math.abs(bitpix) / 8;
}

/** Swaps `bytes` (big-endian, as read from the file) in place and returns a native typed view of the same memory. */
export function bigEndianToNative(bytes: Uint8Array, bitpix: number): RawArray {
  const size = bytesPerPixel(bitpix);
  const n = Math.floor(bytes.length / size);
  if (bytes.byteOffset % size !== 0) bytes = bytes.slice();
  const littleEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  if (littleEndianHost && size > 1) {
    const buf = Buffer.from(bytes.buffer, bytes.byteOffset, n * size);
    if (size === 2) buf.swap16();
    else if (size === 4) buf.swap32();
    else buf.swap64();
  }
  const { buffer, byteOffset } = bytes;
  switch (bitpix) {
    case 8:
      return new Uint8Array(buffer, byteOffset, n);
    case 16:
      return new Int16Array(buffer, byteOffset, n);
    case 32:
      return new Int32Array(buffer, byteOffset, n);
    case 64:
      return new BigInt64Array(buffer, byteOffset, n);
    case -32:
      return new Float32Array(buffer, byteOffset, n);
    case -64:
      return new Float64Array(buffer, byteOffset, n);
    default:
      throw new RangeError(`BITPIX ${bitpix}`);
  }
}

/** Big-endian bytes of a native typed array (a copy; the input is untouched). */
export function nativeToBigEndian(values: RawArray): Uint8Array {
  const out = new Uint8Array(values.byteLength);
  out.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  const littleEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  if (littleEndianHost && values.BYTES_PER_ELEMENT > 1) {
    const buf = Buffer.from(out.buffer, 0, out.length);
    if (values.BYTES_PER_ELEMENT === 2) buf.swap16();
    else if (values.BYTES_PER_ELEMENT === 4) buf.swap32();
    else buf.swap64();
  }
  return out;
}
