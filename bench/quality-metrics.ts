// Evaluation of embeddings without training anything on top: leave-one-out k-nearest-neighbour
// classification and regression under cosine similarity, and the nuisance check (are renderings of
// the same object nearer to each other than to objects of other classes?).

/** Rows scaled to unit length (zero rows stay zero), packed row-major. */
export function unitRows(vectors: ArrayLike<number>[]): { data: Float32Array; n: number; d: number } {
  const n = vectors.length, d = n > 0 ? vectors[0]!.length : 0;
  const data = new Float32Array(n * d);
  vectors.forEach((v, i) => {
    if (v.length !== d) throw new RangeError(`vector ${i} has ${v.length} values, expected ${d}`);
    let ss = 0;
    for (let j = 0; j < d; j++) ss += v[j]! * v[j]!;
    const s = ss > 0 ? 1 / Math.sqrt(ss) : 0;
    for (let j = 0; j < d; j++) data[i * d + j] = v[j]! * s;
  });
  return { data, n, d };
}

/** Vectors minus their mean vector. */
export function centred(vectors: ArrayLike<number>[]): Float32Array[] {
  const n = vectors.length, d = n > 0 ? vectors[0]!.length : 0;
  const mean = new Float64Array(d);
  for (const v of vectors) for (let j = 0; j < d; j++) mean[j]! += v[j]! / n;
  return vectors.map((v) => Float32Array.from({ length: d }, (_, j) => v[j]! - mean[j]!));
}

/**
 * Spread of the unit-normalised, centred vectors: the standard deviation per dimension times sqrt(d),
 * averaged over dimensions (SimSiam's collapse check): about 1 for well-spread embeddings, 0 when
 * every input maps to the same vector.
 */
export function spread(vectors: ArrayLike<number>[]): number {
  const { data, n, d } = unitRows(centred(vectors));
  if (n < 2 || d === 0) return 0;
  let total = 0;
  for (let j = 0; j < d; j++) {
    let m = 0, ss = 0;
    for (let i = 0; i < n; i++) m += data[i * d + j]!;
    m /= n;
    for (let i = 0; i < n; i++) ss += (data[i * d + j]! - m) ** 2;
    total += Math.sqrt(ss / n);
  }
  return (total / d) * Math.sqrt(d);
}

/** Full cosine similarity matrix (n x n). */
export function cosineSimilarities(vectors: ArrayLike<number>[]): Float32Array {
  const { data, n, d } = unitRows(vectors);
  const sim = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    sim[i * n + i] = 1;
    for (let j = i + 1; j < n; j++) {
      let s = 0;
      const a = i * d, b = j * d;
      for (let k = 0; k < d; k++) s += data[a + k]! * data[b + k]!;
      sim[i * n + j] = s; sim[j * n + i] = s;
    }
  }
  return sim;
}

/** The k most similar other items of item i (ties by index). */
function neighbours(sim: Float32Array, n: number, i: number, k: number, exclude?: (j: number) => boolean): number[] {
  const best: number[] = [];
  for (let j = 0; j < n; j++) {
    if (j === i || exclude?.(j)) continue;
    const s = sim[i * n + j]!;
    if (best.length < k) { best.push(j); best.sort((a, b) => sim[i * n + b]! - sim[i * n + a]!); continue; }
    if (s > sim[i * n + best[k - 1]!]!) { best[k - 1] = j; best.sort((a, b) => sim[i * n + b]! - sim[i * n + a]!); }
  }
  return best;
}

/** Leave-one-out kNN accuracy; votes weighted by similarity break ties. Also per-class recall and confusions (true -> predicted -> count). */
export function knnAccuracy(sim: Float32Array, labels: string[], k = 5):
  { accuracy: number; perClass: Record<string, number>; confusion: Record<string, Record<string, number>> } {
  const n = labels.length;
  let correct = 0;
  const hits: Record<string, [number, number]> = {};
  const confusion: Record<string, Record<string, number>> = {};
  for (let i = 0; i < n; i++) {
    const votes = new Map<string, number>();
    for (const j of neighbours(sim, n, i, k)) votes.set(labels[j]!, (votes.get(labels[j]!) ?? 0) + 1 + 1e-3 * sim[i * n + j]!);
    let best = '', bestVotes = -Infinity;
    for (const [label, v] of votes) if (v > bestVotes) { best = label; bestVotes = v; }
    const h = (hits[labels[i]!] ??= [0, 0]);
    const row = (confusion[labels[i]!] ??= {});
    row[best] = (row[best] ?? 0) + 1;
    h[1]++;
    if (best === labels[i]) { correct++; h[0]++; }
  }
  const perClass = Object.fromEntries(Object.entries(hits).map(([c, [a, b]]) => [c, a / b]));
  return { accuracy: n > 0 ? correct / n : 0, perClass, confusion };
}

/** Leave-one-out kNN regression (mean of the k nearest targets): R^2 = 1 - SS_res / SS_tot. */
export function knnR2(sim: Float32Array, targets: number[], k = 5): number {
  const n = targets.length;
  const mean = targets.reduce((a, b) => a + b, 0) / n;
  let res = 0, tot = 0;
  for (let i = 0; i < n; i++) {
    const nb = neighbours(sim, n, i, k);
    const pred = nb.reduce((a, j) => a + targets[j]!, 0) / nb.length;
    res += (targets[i]! - pred) ** 2;
    tot += (targets[i]! - mean) ** 2;
  }
  return tot > 0 ? 1 - res / tot : 0;
}

export interface Rendering { object: number; className: string; variant: string }

/**
 * For every rendering other than an object's reference: is its cosine distance to its own object's
 * reference smaller than its distance to the nearest rendering of any object of another class?
 * Returns that fraction per variant and overall, and the mean distances.
 */
export function nuisanceCheck(sim: Float32Array, renderings: Rendering[], reference = 'reference'):
  { overall: number; perVariant: Record<string, { fraction: number; sameDistance: number; otherDistance: number; count: number }> } {
  const n = renderings.length;
  const refOf = new Map<number, number>();
  renderings.forEach((r, i) => { if (r.variant === reference) refOf.set(r.object, i); });
  const acc: Record<string, { ok: number; count: number; same: number; other: number }> = {};
  let ok = 0, count = 0;
  renderings.forEach((r, i) => {
    if (r.variant === reference) return;
    const ref = refOf.get(r.object);
    if (ref === undefined) throw new Error(`object ${r.object} has no ${reference} rendering`);
    const same = 1 - sim[i * n + ref]!;
    let other = Infinity;
    for (let j = 0; j < n; j++) if (renderings[j]!.className !== r.className) other = Math.min(other, 1 - sim[i * n + j]!);
    const a = (acc[r.variant] ??= { ok: 0, count: 0, same: 0, other: 0 });
    a.count++; a.same += same; a.other += other;
    if (other > same) { a.ok++; ok++; }
    count++;
  });
  const perVariant = Object.fromEntries(Object.entries(acc).map(([v, a]) =>
    [v, { fraction: a.ok / a.count, sameDistance: a.same / a.count, otherDistance: a.other / a.count, count: a.count }]));
  return { overall: count > 0 ? ok / count : 0, perVariant };
}

/**
 * Blocks of a set's vectors joined as embeddings join them: each block standardised per value over
 * the set, then scaled by weight / sqrt(its length), so every block of weight 1 carries alike in a
 * cosine whatever its length. `parts[b][i]` is item i's vector of block b.
 */
export function weighedBlocks(parts: ArrayLike<number>[][], weights: number[] = parts.map(() => 1)): Float32Array[] {
  const n = parts[0]!.length;
  const lengths = parts.map((block) => block[0]!.length), d = lengths.reduce((a, b) => a + b, 0);
  const out = Array.from({ length: n }, () => new Float32Array(d));
  let o = 0;
  parts.forEach((block, b) => {
    const len = lengths[b]!;
    for (let j = 0; j < len; j++) {
      let mean = 0, sq = 0;
      for (let i = 0; i < n; i++) { mean += block[i]![j]! / n; sq += block[i]![j]! ** 2 / n; }
      const sd = Math.sqrt(Math.max(0, sq - mean ** 2)), unit = sd > 1e-6 ? sd : 1;
      // Standardised values rounded to float32 before weighing, as the figures in README were made:
      // the linear probe moves by an item on rounding alone.
      for (let i = 0; i < n; i++) out[i]![o + j] = (Math.fround((block[i]![j]! - mean) / unit) * weights[b]!) / Math.sqrt(len);
    }
    o += len;
  });
  return out;
}

/** Items' lists of blocks turned into blocks' lists of items (what weighedBlocks takes). */
export function byBlock<T>(items: T[][]): T[][] {
  return items[0]!.map((_, b) => items.map((blocks) => blocks[b]!));
}
