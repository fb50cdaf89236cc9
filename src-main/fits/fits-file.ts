// The only place that holds a file descriptor (astropy file.py): positional reads, whole-file gzip, a bytes-read count.

import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import { FitsError } from './errors.ts';

/** Inflated .gz files are held in memory; refuse anything that would inflate beyond this. */
export const DEFAULT_MAX_INFLATED_BYTES = 2 * 1024 ** 3;

export interface FitsFileOptions {
  maxInflatedBytes?: number;
}

export class FitsFile {
  readonly path: string;
  readonly size: number;
  readonly gzipped: boolean;
  /** Bytes delivered by read() since open: the test that a plane read touches only that plane reads this. */
  bytesRead = 0;
  #fd: number | undefined;
  #memory: Uint8Array | undefined;

  private constructor(path: string, size: number, fd: number | undefined, memory: Uint8Array | undefined) {
    this.path = path;
    this.size = size;
    this.#fd = fd;
    this.#memory = memory;
    this.gzipped = memory !== undefined;
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
        const memory = inflate(path, fd, st.size, opts.maxInflatedBytes ?? DEFAULT_MAX_INFLATED_BYTES);
        fs.closeSync(fd);
        return new FitsFile(path, memory.length, undefined, memory);
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
   * Reads `length` bytes at `offset` into a fresh buffer (own ArrayBuffer, offset 0, so it can be swapped in place
   * and viewed as any typed array). Fewer bytes come back only at end of file.
   */
  read(offset: number, length: number): Uint8Array {
    const n = Math.max(0, Math.min(this.size, offset + length) - offset);
    // Unzeroed memory: every byte is overwritten below (or we throw), and skipping the clear is measurably faster.
    const out = new Uint8Array(Buffer.allocUnsafeSlow(n).buffer, 0, n);
    this.readInto(offset, out);
    return out;
  }

  /** Fills `target` with the bytes at `offset`; throws 'truncated' if the file ends first. */
  readInto(offset: number, target: Uint8Array): void {
    const n = target.length;
    if (n === 0) return;
    if (offset + n > this.size) throw new FitsError('truncated', this.path, `file ends at byte ${this.size}, wanted ${n} bytes at ${offset}`);
    if (this.#memory) {
      target.set(this.#memory.subarray(offset, offset + n));
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
    this.#memory = undefined;
  }
}

function inflate(path: string, fd: number, size: number, maxBytes: number): Uint8Array {
  const compressed = new Uint8Array(size);
  let done = 0;
  while (done < size) {
    const got = fs.readSync(fd, compressed, done, size - done, done);
    if (got === 0) break;
    done += got;
  }
  try {
    return zlib.gunzipSync(compressed, { maxOutputLength: maxBytes });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) {
      throw new FitsError('too-large', path, `gzip inflates beyond the ${maxBytes}-byte limit`);
    }
    throw new FitsError('corrupt-gzip', path, `gzip data is corrupt or truncated: ${err.message}`);
  }
}
