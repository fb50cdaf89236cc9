// The k best candidates seen so far: a bounded max-heap on a key where smaller is nearer.
// `worst` is read in the scan's inner loop so most candidates are rejected with one comparison.

export class NearestList {
  readonly capacity: number;
  readonly keys: Float64Array;
  readonly ids: Int32Array;
  size = 0;
  /** Key a candidate must beat to enter; +Infinity until the list is full. */
  worst = Infinity;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.keys = new Float64Array(capacity);
    this.ids = new Int32Array(capacity);
  }

  clear(): void {
    this.size = 0;
    this.worst = Infinity;
  }

  /** Offers (id, key); kept only if it is among the `capacity` smallest keys so far. */
  push(id: number, key: number): void {
    const keys = this.keys;
    const ids = this.ids;
    if (this.size < this.capacity) {
      // Sift up.
      let i = this.size++;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (keys[p] >= key) break;
        keys[i] = keys[p];
        ids[i] = ids[p];
        i = p;
      }
      keys[i] = key;
      ids[i] = id;
      if (this.size === this.capacity) this.worst = keys[0];
      return;
    }
    if (key >= keys[0]) return;
    this.#replaceRoot(id, key, this.size);
    this.worst = keys[0];
  }

  /** Removes and returns the id with the largest key (the heap root). */
  popWorst(): number {
    const keys = this.keys;
    const ids = this.ids;
    const top = ids[0];
    const n = --this.size;
    if (n > 0) this.#replaceRoot(ids[n], keys[n], n);
    this.worst = this.size === this.capacity ? keys[0] : Infinity;
    return top;
  }

  /** Puts (id, key) at the root of the first n entries and sifts it down. */
  #replaceRoot(id: number, key: number, n: number): void {
    const keys = this.keys;
    const ids = this.ids;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && keys[r] > keys[l] ? r : l;
      if (keys[c] <= key) break;
      keys[i] = keys[c];
      ids[i] = ids[c];
      i = c;
    }
    keys[i] = key;
    ids[i] = id;
  }

  /** Writes ids and keys nearest-first into the given arrays at `offset`; empties the list. */
  drainSorted(idsOut: Int32Array | Uint32Array, keysOut: Float32Array | Float64Array, offset = 0): number {
    const count = this.size;
    for (let j = count - 1; j >= 0; j--) {
      const key = this.keys[0];
      idsOut[offset + j] = this.popWorst();
      keysOut[offset + j] = key;
    }
    this.clear();
    return count;
  }
}
