// Least-recently-used cache of preprocessed samples, bounded in bytes: a 100,000-item dataset is
// re-read from disk as needed instead of ever being held in memory whole.
import type { ImageSample } from './sample.ts';

export const DEFAULT_CACHE_BYTES = 256 * 1024 ** 2;

const bytesOf = (s: ImageSample): number => s.data.byteLength + s.mask.byteLength + 64;

export class SampleCache {
  readonly maxBytes: number;
  #bytes = 0;
  // Map iteration order is insertion order: re-inserting on access keeps the oldest entry first.
  readonly #entries = new Map<number, ImageSample>();

  constructor(maxBytes = DEFAULT_CACHE_BYTES) {
    this.maxBytes = Math.max(0, maxBytes);
  }

  get size(): number { return this.#entries.size; }
  get bytes(): number { return this.#bytes; }

  get(index: number): ImageSample | undefined {
    const s = this.#entries.get(index);
    if (s !== undefined) { this.#entries.delete(index); this.#entries.set(index, s); }
    return s;
  }

  set(index: number, sample: ImageSample): void {
    const old = this.#entries.get(index);
    if (old !== undefined) { this.#entries.delete(index); this.#bytes -= bytesOf(old); }
    const b = bytesOf(sample);
    if (b > this.maxBytes) return;
    this.#entries.set(index, sample);
    this.#bytes += b;
    for (const [key, s] of this.#entries) {
      if (this.#bytes <= this.maxBytes) break;
      this.#entries.delete(key);
      this.#bytes -= bytesOf(s);
    }
  }
}
