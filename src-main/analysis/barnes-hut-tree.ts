// A 2-D quadtree over the current map, rebuilt every t-SNE iteration, that sums the repulsion an
// item feels from all others in O(log n): a cell far enough away (width / distance < theta) acts as
// one point at its centre of mass. Flat typed arrays, built top-down by partitioning an index array.

const LEAF_SIZE = 4;
const MAX_DEPTH = 48;

export class BarnesHutTree {
  #capacity = 0;
  #cx = new Float64Array(0);
  #cy = new Float64Array(0);
  #count = new Int32Array(0);
  #width = new Float64Array(0);
  #child = new Int32Array(0);
  #start = new Int32Array(0);
  #end = new Int32Array(0);
  #nodes = 0;
  #perm = new Int32Array(0);
  #scratch = new Int32Array(0);
  #stack = new Int32Array(256);
  #y: Float64Array<ArrayBufferLike> = new Float64Array(0);

  /** Rebuilds the tree over y (n x 2, row-major). */
  build(y: Float64Array, n: number): void {
    this.#y = y;
    if (this.#perm.length !== n) {
      this.#perm = new Int32Array(n);
      this.#scratch = new Int32Array(n);
    }
    const perm = this.#perm;
    for (let i = 0; i < n; i++) perm[i] = i;
    this.#ensure(Math.max(64, 2 * n));
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (let i = 0; i < n; i++) {
      const a = y[2 * i];
      const b = y[2 * i + 1];
      if (a < minX) minX = a;
      if (a > maxX) maxX = a;
      if (b < minY) minY = b;
      if (b > maxY) maxY = b;
    }
    const width = Math.max(maxX - minX, maxY - minY, 1e-12) * (1 + 1e-9);
    this.#nodes = 1;
    this.#fill(0, 0, n, minX, minY, width, 0);
  }

  /** Splits node over perm[start, end) with square box (x0, y0, w) into four children, recursively. */
  #fill(node: number, start: number, end: number, x0: number, y0: number, w: number, depth: number): void {
    const y = this.#y;
    const perm = this.#perm;
    let sx = 0;
    let sy = 0;
    for (let p = start; p < end; p++) {
      const i = perm[p];
      sx += y[2 * i];
      sy += y[2 * i + 1];
    }
    const count = end - start;
    this.#count[node] = count;
    this.#cx[node] = count > 0 ? sx / count : 0;
    this.#cy[node] = count > 0 ? sy / count : 0;
    this.#width[node] = w;
    this.#start[node] = start;
    this.#end[node] = end;
    if (count <= LEAF_SIZE || depth >= MAX_DEPTH) {
      this.#child[node] = -1;
      return;
    }
    // Counting sort of the range into quadrants 0..3 (bit 0: right half, bit 1: upper half).
    const h = w / 2;
    const mx = x0 + h;
    const my = y0 + h;
    const counts = [0, 0, 0, 0];
    const scratch = this.#scratch;
    for (let p = start; p < end; p++) {
      const i = perm[p];
      const q = (y[2 * i] >= mx ? 1 : 0) | (y[2 * i + 1] >= my ? 2 : 0);
      counts[q]++;
    }
    const offsets = [start, start + counts[0], start + counts[0] + counts[1], start + counts[0] + counts[1] + counts[2]];
    const cursor = offsets.slice();
    for (let p = start; p < end; p++) {
      const i = perm[p];
      const q = (y[2 * i] >= mx ? 1 : 0) | (y[2 * i + 1] >= my ? 2 : 0);
      scratch[cursor[q]++] = i;
    }
    for (let p = start; p < end; p++) perm[p] = scratch[p];
    this.#ensure(this.#nodes + 4);
    const first = this.#nodes;
    this.#nodes += 4;
    this.#child[node] = first;
    for (let q = 0; q < 4; q++) {
      const qx = q & 1 ? mx : x0;
      const qy = q & 2 ? my : y0;
      this.#fill(first + q, offsets[q], offsets[q] + counts[q], qx, qy, h, depth + 1);
    }
  }

  #ensure(size: number): void {
    if (size <= this.#capacity) return;
    const cap = Math.max(size, this.#capacity * 2);
    const grow = <T extends Float64Array | Int32Array>(a: T, make: (n: number) => T): T => {
      const b = make(cap);
      b.set(a as never);
      return b;
    };
    this.#cx = grow(this.#cx, (c) => new Float64Array(c));
    this.#cy = grow(this.#cy, (c) => new Float64Array(c));
    this.#width = grow(this.#width, (c) => new Float64Array(c));
    this.#count = grow(this.#count, (c) => new Int32Array(c));
    this.#child = grow(this.#child, (c) => new Int32Array(c));
    this.#start = grow(this.#start, (c) => new Int32Array(c));
    this.#end = grow(this.#end, (c) => new Int32Array(c));
    this.#capacity = cap;
  }

  /**
   * Adds to force[2i], force[2i+1] the unnormalised repulsion sum_j q_ij^2 (y_i - y_j), with
   * q_ij = 1 / (1 + |y_i - y_j|^2), and returns sum_j q_ij (for the normalisation Z).
   */
  repulsion(i: number, theta2: number, force: Float64Array): number {
    const y = this.#y;
    const yi = y[2 * i];
    const yj = y[2 * i + 1];
    const cx = this.#cx;
    const cy = this.#cy;
    const count = this.#count;
    const width = this.#width;
    const child = this.#child;
    const perm = this.#perm;
    const start = this.#start;
    const end = this.#end;
    let stack = this.#stack;
    let top = 0;
    stack[top++] = 0;
    let sumQ = 0;
    let fx = 0;
    let fy = 0;
    while (top > 0) {
      const node = stack[--top];
      const c = count[node];
      if (c === 0) continue;
      const first = child[node];
      if (first < 0) {
        for (let p = start[node], stop = end[node]; p < stop; p++) {
          const j = perm[p];
          if (j === i) continue;
          const dx = yi - y[2 * j];
          const dy = yj - y[2 * j + 1];
          const q = 1 / (1 + dx * dx + dy * dy);
          sumQ += q;
          fx += q * q * dx;
          fy += q * q * dy;
        }
        continue;
      }
      const dx = yi - cx[node];
      const dy = yj - cy[node];
      const d2 = dx * dx + dy * dy;
      const w = width[node];
      if (w * w < theta2 * d2) {
        const q = 1 / (1 + d2);
        const m = c * q;
        sumQ += m;
        fx += m * q * dx;
        fy += m * q * dy;
      } else {
        if (top + 4 > stack.length) {
          const s = new Int32Array(stack.length * 2);
          s.set(stack);
          stack = this.#stack = s;
        }
        stack[top++] = first;
        stack[top++] = first + 1;
        stack[top++] = first + 2;
        stack[top++] = first + 3;
      }
    }
    force[2 * i] += fx;
    force[2 * i + 1] += fy;
    return sumQ;
  }
}
