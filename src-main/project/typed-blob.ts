// Per-item arrays stored as little-endian BLOBs (maps, cluster labels, outlier scores). Reading one
// back checks its length and values, since the file may come from elsewhere; the bytes are copied
// because SQLite hands out buffers at any byte offset, and typed arrays need 4-byte alignment.
import type { RowReader } from './untrusted.ts';

type Typed = Float32Array | Int32Array | Uint32Array;

export function blobOf(values: Typed): Uint8Array {
  // Typed arrays use the platform byte order, little-endian on every target we ship.
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

function copy<T extends Typed>(r: RowReader, column: string, v: unknown, count: number | null, make: (n: number) => T): T {
  const blob = r.blob(column, v);
  if (blob.byteLength % 4 !== 0) r.fail(column, `${blob.byteLength} bytes is not a whole number of 4-byte values`);
  const n = blob.byteLength / 4;
  if (count !== null && n !== count) r.fail(column, `${n} values, expected ${count}`);
  const out = make(n);
  new Uint8Array(out.buffer).set(blob);
  return out;
}

/** float32 values, all finite; `count` when the length is known. */
export function readFloat32s(r: RowReader, column: string, v: unknown, count: number | null = null): Float32Array {
  const out = copy(r, column, v, count, (n) => new Float32Array(n));
  for (let i = 0; i < out.length; i++) if (!Number.isFinite(out[i])) r.fail(column, `value ${i} is not finite`);
  return out;
}

/** int32 values in [min, max]. */
export function readInt32s(r: RowReader, column: string, v: unknown, count: number, min: number, max: number): Int32Array {
  const out = copy(r, column, v, count, (n) => new Int32Array(n));
  for (let i = 0; i < out.length; i++) if (out[i] < min || out[i] > max) r.fail(column, `value ${i} (${out[i]}) outside [${min}, ${max}]`);
  return out;
}

/** Item ids: positive, strictly increasing (so no id appears twice). */
export function readItemIds(r: RowReader, column: string, v: unknown): Uint32Array {
  const out = copy(r, column, v, null, (n) => new Uint32Array(n));
  if (out.length === 0) r.fail(column, 'no item ids');
  for (let i = 0; i < out.length; i++) {
    if (out[i] < 1 || (i > 0 && out[i] <= out[i - 1])) r.fail(column, `item ids must be positive and increasing (value ${i} is ${out[i]})`);
  }
  return out;
}

/** Item ids as stored: checks what readItemIds will check, so a bad write fails here, not on the next read. */
export function itemIdsBlob(ids: readonly number[] | Uint32Array): Uint8Array {
  const out = Uint32Array.from(ids);
  if (out.length === 0) throw new RangeError('no item ids');
  for (let i = 0; i < out.length; i++) {
    if (out[i] !== ids[i] || out[i] < 1 || (i > 0 && out[i] <= out[i - 1])) throw new RangeError(`item ids must be positive, increasing 32-bit integers (value ${i} is ${ids[i]})`);
  }
  return blobOf(out);
}
