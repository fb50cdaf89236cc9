// The only place that holds a file descriptor (astropy file.py): positional reads, gzip inflated as far as it is
// read, a bytes-read count.

import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import { FitsError } from './errors.ts';

/** The most a .gz may inflate to, whatever its headers declare; reads beyond it are refused as too large. */
export const DEFAULT_MAX_INFLATED_BYTES = 2 * 1024 ** 3;

export interface FitsFileOptions {
  maxInflatedBytes?: number;
}

export class FitsFile {
  readonly path: string;
  readonly gzipped: boolean;
  /** Bytes delivered by read() since open: the test that a plane read touches only that plane reads this. */
  bytesRead = 0;
  #size: number;
  #fd: number | undefined;
  #gzip: GzipPrefix | undefined;

  private constructor(path: string, size: number, fd: number | undefined, gzip: GzipPrefix | undefined) {
    this.path = path;
    this.#size = size;
    this.#fd = fd;
    this.#gzip = gzip;
    this.gzipped = gzip !== undefined;
  }

  static open(path: string, opts: FitsFileOptions = {}): FitsFile {
    let fd: number;
    try {
      // Checked before opening: opening a FIFO for reading would block until someone writes to it.
      if (!fs.statSync(path).isFile()) throw new FitsError('io', path, 'not a regular file');
      fd = fs.openSync(path, 'r');
    } catch (e) {
      if (e instanceof FitsError) throw e;
      throw new FitsError('io', path, `cannot open: ${(e as Error).message}`);
    }
    try {
      const st = fs.fstatSync(fd);
      if (!st.isFile()) throw new FitsError('io', path, 'not a regular file');
      const magic = new Uint8Array(2);
      const n = st.size >= 2 ? fs.readSync(fd, magic, 0, 2, 0) : 0;
      if (n === 2 && magic[0] === 0x1f && magic[1] === 0x8b) {
        const compressed = readWhole(fd, st.size);
        fs.closeSync(fd);
        return new FitsFile(path, -1, undefined, new GzipPrefix(path, compressed, opts.maxInflatedBytes ?? DEFAULT_MAX_INFLATED_BYTES));
      }
      return new FitsFile(path, st.size, fd, undefined);
    } catch (e) {
      try {
        fs.closeSync(fd);
      } catch {
        // already closed
      }
      throw e;
    }
  }

  /**
   * The file's size (inflated, for a .gz). For a .gz this inflates the whole stream: readers ask `available()`
   * for the bytes they need instead.
   */
  get size(): number {
    return this.#gzip ? this.#gzip.size() : this.#size;
  }

  /**
   * How many of the bytes [0, end) the file holds: end, or its size when it is shorter. A .gz is inflated only
   * that far (and a bounded step beyond), never to the end of a stream that goes on past what is asked.
   */
  available(end: number): number {
    return this.#gzip ? this.#gzip.fill(end) : Math.min(end, this.#size);
  }

  /** The size when it is known without inflating further (always for a plain file); undefined otherwise. */
  get knownSize(): number | undefined {
    return this.#gzip ? this.#gzip.knownSize : this.#size;
  }

  /** Inflated bytes held for a .gz (how far into the stream reading has gone); 0 for a plain file. */
  get inflatedBytes(): number {
    return this.#gzip?.length ?? 0;
  }

  /**
   * Reads `length` bytes at `offset` into a fresh buffer (own ArrayBuffer, offset 0, so it can be swapped in place
   * and viewed as any typed array). Fewer bytes come back only at end of file.
   */
  read(offset: number, length: number): Uint8Array {
    const n = Math.max(0, this.available(offset + length) - offset);
    // Unzeroed memory: every byte is overwritten below (or we throw), and skipping the clear is measurably faster.
    const out = new Uint8Array(Buffer.allocUnsafeSlow(n).buffer, 0, n);
    this.readInto(offset, out);
    return out;
  }

  /** Fills `target` with the bytes at `offset`; throws 'truncated' if the file ends first. */
  readInto(offset: number, target: Uint8Array): void {
    const n = target.length;
    if (n === 0) return;
    const have = this.available(offset + n);
    if (have < offset + n) throw new FitsError('truncated', this.path, `file ends at byte ${have}, wanted ${n} bytes at ${offset}`);
    if (this.#gzip) {
      target.set(this.#gzip.bytes(offset, offset + n));
    } else {
      if (this.#fd === undefined) throw new FitsError('io', this.path, 'file is closed');
      let done = 0;
      while (done < n) {
        // readSync moves at most 2 GiB per call.
        const chunk = Math.min(n - done, 0x40000000);
        const got = fs.readSync(this.#fd, target, done, chunk, offset + done);
        if (got === 0) throw new FitsError('truncated', this.path, `file ended at byte ${offset + done} while reading`);
        done += got;
      }
    }
    this.bytesRead += n;
  }

  close(): void {
    if (this.#fd !== undefined) {
      fs.closeSync(this.#fd);
      this.#fd = undefined;
    }
    this.#gzip?.release();
  }
}

function readWhole(fd: number, size: number): Uint8Array {
  const compressed = new Uint8Array(size);
  let done = 0;
  while (done < size) {
    const got = fs.readSync(fd, compressed, done, Math.min(size - done, 0x40000000), done);
    if (got === 0) break;
    done += got;
  }
  return compressed.subarray(0, done);
}

/** Below this, growing the inflated prefix is not worth another pass over the stream. */
const MIN_STEP = 1 << 20;
/**
 * Room above the bytes asked for: the largest compressed prefix whose output fits under `target + SLACK` is
 * found by halving, and one more compressed byte yields at most ~1 KB (deflate's 1032:1), so one always fits.
 */
const SLACK = 1 << 20;

type Attempt =
  | { ok: true; out: Buffer; whole: boolean; damage?: string }
  | { ok: false; tooLarge: boolean; message: string };

/**
 * The inflated start of a gzip stream, grown on demand. Node's synchronous zlib inflates a whole buffer or
 * nothing, so each growth inflates a prefix of the compressed bytes (flushed, so a cut stream still yields what
 * it holds) under an output cap: a prefix too long for the cap is shortened by halving until its output fits.
 * A stream that goes on far beyond what is read (a gzip bomb: an image, then gigabytes of zeros) is therefore
 * never inflated past the bytes asked for plus SLACK, and what is held stays proportional to what is read.
 */
class GzipPrefix {
  readonly #path: string;
  readonly #max: number;
  #compressed: Uint8Array;
  #out: Uint8Array = new Uint8Array(0);
  /** Compressed bytes whose inflation gave #out. */
  #used = 0;
  /** #out is all the stream holds. */
  #ended = false;
  /** Why the stream cannot be inflated past #out (corrupt, cut short, or trailing garbage), if it cannot. */
  #damage: string | undefined;

  constructor(path: string, compressed: Uint8Array, max: number) {
    this.#path = path;
    this.#compressed = compressed;
    this.#max = max;
  }

  get length(): number {
    return this.#out.length;
  }

  get knownSize(): number | undefined {
    return this.#ended ? this.#out.length : undefined;
  }

  bytes(start: number, end: number): Uint8Array {
    return this.#out.subarray(start, end);
  }

  release(): void {
    this.#compressed = new Uint8Array(0);
    this.#out = new Uint8Array(0);
    this.#used = 0;
    this.#ended = true;
  }

  /** The whole stream's inflated size (inflating it all, up to the cap). */
  size(): number {
    if (!this.#ended) this.#inflateTo(this.#max + 1);
    if (this.#out.length > this.#max) throw new FitsError('too-large', this.#path, `gzip inflates beyond the ${this.#max}-byte limit`);
    return this.#out.length;
  }

  /** Inflates until `end` bytes are held or the stream ends; returns min(end, bytes the stream holds). */
  fill(end: number): number {
    if (end > this.#max && !(this.#ended && this.#out.length < end)) {
      // Asked for bytes past the cap (a header declaring terabytes): refused without inflating toward them.
      throw new FitsError('too-large', this.#path, `reading up to byte ${end} of the inflated data: beyond the ${this.#max} bytes a .gz may inflate to`);
    }
    if (end > this.#out.length && !this.#ended) {
      // Grow geometrically, so reading a large file in steps costs a small multiple of reading it once.
      this.#inflateTo(Math.min(Math.max(end, 2 * this.#out.length, MIN_STEP), this.#max + 1));
    }
    if (end > this.#out.length && this.#damage !== undefined) {
      throw new FitsError('corrupt-gzip', this.#path,
        `gzip data is corrupt or truncated after ${this.#out.length} inflated bytes: ${this.#damage}`);
    }
    return Math.min(end, this.#out.length);
  }

  /** Inflates a prefix whose output holds at least `target` bytes (or the whole stream), and at most target + SLACK. */
  #inflateTo(target: number): void {
    const n = this.#compressed.length;
    const limit = target + SLACK;
    let lo = this.#used;
    let loOut = this.#out;
    let hi = n + 1; // the shortest prefix known to fail
    let failure: { tooLarge: boolean; message: string } | undefined;
    // First guess: as many compressed bytes as the ratio so far says the target needs, and a quarter more.
    let k = this.#out.length > 0 ? Math.ceil(((lo * target) / this.#out.length) * 1.25) + 4096 : 1 << 16;
    k = Math.min(n, Math.max(k, lo + 1));
    while (k > lo && k < hi) {
      const r = this.#attempt(k, limit);
      if (r.ok) {
        if (r.out.length >= target || r.whole) {
          this.#used = k;
          this.#out = r.out;
          this.#ended = r.whole;
          this.#damage = r.damage;
          return;
        }
        lo = k;
        loOut = r.out;
        const guess = Math.ceil(((k * target) / Math.max(1, r.out.length)) * 1.25) + 4096;
        k = hi <= n ? Math.floor((lo + hi) / 2) : Math.min(n, Math.max(2 * k, guess));
      } else {
        hi = k;
        failure = r;
        k = Math.floor((lo + hi) / 2);
      }
    }
    // The longest prefix that inflates is lo; the next byte hits damage, or output beyond the cap.
    this.#used = lo;
    this.#out = loOut;
    if (failure && !failure.tooLarge) {
      this.#ended = true;
      this.#damage = failure.message;
    }
  }

  /** Inflates the first k compressed bytes, refusing output beyond `limit`. */
  #attempt(k: number, limit: number): Attempt {
    const sync = { maxOutputLength: limit, finishFlush: zlib.constants.Z_SYNC_FLUSH };
    const input = this.#compressed.subarray(0, k);
    const failed = (e: unknown): Attempt => {
      const err = e as NodeJS.ErrnoException;
      return { ok: false, tooLarge: err.code === 'ERR_BUFFER_TOO_LARGE', message: err.message };
    };
    if (k < this.#compressed.length) {
      // A prefix ends mid-stream: flush what it decodes.
      try {
        return { ok: true, out: zlib.gunzipSync(input, sync), whole: false };
      } catch (e) {
        return failed(e);
      }
    }
    // The whole input must end cleanly; if it is cut short, what it holds is still good, and a read beyond
    // that says why there is no more.
    try {
      return { ok: true, out: zlib.gunzipSync(input, { maxOutputLength: limit }), whole: true };
    } catch (e) {
      const finish = failed(e);
      if (!finish.ok && finish.tooLarge) return finish;
      try {
        return { ok: true, out: zlib.gunzipSync(input, sync), whole: true, damage: (e as Error).message };
      } catch (e2) {
        return failed(e2);
      }
    }
  }
}
