// Label evaluation on sets whose answers can be worked out by hand, or were worked out once with
// numpy (expected values below; the scripts are quoted in the comments that introduce them).
import { describe, expect, it } from 'vitest';
import { AnalysisError, effectiveRank, evaluateLabels, participationRatio } from '../../../src-main/analysis/index.ts';
import { Rng } from '../../../src-main/base/random.ts';
import { gaussianBlobs } from './blobs.ts';

const rowsOf = (data: Float32Array, n: number, d: number) => Array.from({ length: n }, (_, i) => data.subarray(i * d, (i + 1) * d));
const atAngle = (degrees: number, radius = 1) => [radius * Math.cos((degrees * Math.PI) / 180), radius * Math.sin((degrees * Math.PI) / 180)];

describe('evaluateLabels', () => {
  it('scores two well-separated Gaussian blobs perfectly', () => {
    const blobs = gaussianBlobs(7, 2, 40, 16);
    const labels = Array.from(blobs.labels, (l) => (l === 0 ? 'disk' : 'ring'));
    const e = evaluateLabels(rowsOf(blobs.data, blobs.n, blobs.d), labels);
    expect(e.n).toBe(80);
    expect(e.classes).toEqual(['disk', 'ring']);
    expect(e.knn).toMatchObject({ k: 10, accuracy: 1, perClass: { disk: 1, ring: 1 }, confusion: [[40, 0], [0, 40]] });
    expect(e.linearProbe).toMatchObject({ folds: 5, accuracy: 1, confusion: [[40, 0], [0, 40]] });
    expect(e.precisionAtK).toBe(1);
  });

  it('is near chance when the labels are shuffled', () => {
    const random = new Rng(3);
    const n = 400;
    const vectors = Array.from({ length: n }, () => Array.from({ length: 16 }, () => random.normal()));
    const labels = Array.from({ length: n }, (_, i) => `class ${i % 4}`);
    for (let i = n - 1; i > 0; i--) {
      const j = random.int(i + 1);
      [labels[i], labels[j]] = [labels[j], labels[i]];
    }
    const e = evaluateLabels(vectors, labels);
    for (const accuracy of [e.knn.accuracy, e.linearProbe.accuracy, e.precisionAtK]) {
      expect(accuracy).toBeGreaterThan(0.15);
      expect(accuracy).toBeLessThan(0.35);
    }
  });

  it('gives the hand-worked confusion matrix of a tiny set, leaving unlabelled items out and breaking ties by similarity', () => {
    // On the unit circle (lengths vary: cosine ignores them): A at 0 and 10 degrees, B at 14, 90 and 95.
    // Nearest other labelled item: 0 -> 10 (A, right), 10 -> 14 (B, wrong), 14 -> 10 (A, wrong),
    // 90 <-> 95 (B, right). The unlabelled item at 12 degrees would be nearest to 10 and 14 if it counted.
    const vectors = [atAngle(0, 2), atAngle(10), atAngle(14, 5), atAngle(90), atAngle(95, 0.5), atAngle(12)];
    const labels = ['A', 'A', 'B', 'B', 'B', null];
    const one = evaluateLabels(vectors, labels, { k: 1, folds: 2 });
    expect(one.n).toBe(5);
    expect(one.classes).toEqual(['A', 'B']);
    expect(one.knn.confusion).toEqual([[1, 1], [1, 2]]);
    expect(one.knn.accuracy).toBeCloseTo(3 / 5, 12);
    expect(one.knn.perClass.A).toBeCloseTo(1 / 2, 12);
    expect(one.knn.perClass.B).toBeCloseTo(2 / 3, 12);
    expect(one.precisionAtK).toBeCloseTo(3 / 5, 12);
    // k = 2: the item at 0 has one A (10) and one B (14) as neighbours; the nearer A wins the tie.
    // The item at 10 has B (14, 4 degrees away) and A (0, 10 degrees away): B wins.
    const two = evaluateLabels(vectors, labels, { k: 2, folds: 2 });
    expect(two.knn.confusion).toEqual([[1, 1], [1, 2]]);
    // Shares of same-label neighbours: 1/2, 1/2, 0 (10 and 0 are both A), 1 and 1 (90 and 95 have each other and 14).
    expect(two.precisionAtK).toBeCloseTo(3 / 5, 12);
  });

  it('orders classes naturally and lowers k and the folds to what a small set allows', () => {
    const vectors = [[1, 0], [0.9, 0.1], [0, 1], [0.1, 0.9]];
    const e = evaluateLabels(vectors, ['class 10', 'class 10', 'class 2', 'class 2'], { k: 10, folds: 10 });
    expect(e.classes).toEqual(['class 2', 'class 10']);
    expect(e.knn.k).toBe(3);
    expect(e.linearProbe.folds).toBe(4);
  });

  it('matches numpy on a leave-one-out probe and kNN of overlapping classes', () => {
    // Expected from numpy: the same data; each item held out in turn, features standardised with the
    // other items' mean and (population) std, and mean cross-entropy + 0.01/2 |W|^2 minimised by
    // Newton's method to convergence; kNN by brute-force cosine with the same vote and tie rule.
    const vectors: number[][] = [];
    const labels: string[] = [];
    for (let i = 0; i < 30; i++) {
      const c = i % 3;
      vectors.push([Math.cos((2 * Math.PI * c) / 3) + 0.9 * Math.sin(1.7 * i), Math.sin((2 * Math.PI * c) / 3) + 0.9 * Math.cos(2.3 * i), 0.5 * Math.sin(0.9 * i)]);
      labels.push(['a', 'b', 'c'][c]);
    }
    const e = evaluateLabels(vectors, labels, { k: 5, folds: 30 });
    expect(e.linearProbe.confusion).toEqual([[7, 1, 2], [1, 7, 2], [2, 1, 7]]);
    expect(e.linearProbe.accuracy).toBeCloseTo(0.7, 12);
    expect(e.knn.confusion).toEqual([[7, 1, 2], [1, 7, 2], [3, 1, 6]]);
    expect(e.precisionAtK).toBeCloseTo(0.6266666666666667, 12);
  });

  it('finds a class that only a linear read-out separates (kNN cannot)', () => {
    // The class is carried by one coordinate out of 20; the other 19 are larger noise that dominates cosine similarity.
    const random = new Rng(11);
    const vectors: number[][] = [];
    const labels: string[] = [];
    for (let i = 0; i < 300; i++) {
      const c = i % 2;
      vectors.push([c === 0 ? -0.5 : 0.5, ...Array.from({ length: 19 }, () => 3 * random.normal())]);
      labels.push(c === 0 ? 'left' : 'right');
    }
    const e = evaluateLabels(vectors, labels);
    expect(e.linearProbe.accuracy).toBe(1);
    expect(e.knn.accuracy).toBeLessThan(0.75);
  });

  it('is deterministic for a seed', () => {
    const blobs = gaussianBlobs(5, 3, 30, 8, 1.5);
    const rows = rowsOf(blobs.data, blobs.n, blobs.d);
    const labels = Array.from(blobs.labels, String);
    expect(evaluateLabels(rows, labels, { seed: 4 })).toEqual(evaluateLabels(rows, labels, { seed: 4 }));
  });

  it('refuses input it cannot evaluate, saying why', () => {
    const two = [[1, 0], [0, 1]];
    const refusal = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(AnalysisError);
        return (e as Error).message;
      }
      throw new Error('expected a refusal');
    };
    expect(refusal(() => evaluateLabels(two, ['a']))).toBe('evaluateLabels: 2 vectors but 1 labels');
    expect(refusal(() => evaluateLabels(two, ['a', 'a']))).toBe('evaluateLabels: needs at least two classes among the labelled items (got 1: "a")');
    expect(refusal(() => evaluateLabels([[1, 0], [0]], ['a', 'b']))).toBe('evaluateLabels: vector 1 has 1 values, vector 0 has 2');
    expect(refusal(() => evaluateLabels([[1, 0], [0, Number.NaN]], ['a', 'b']))).toBe('evaluateLabels: vector 1 has a non-finite value at column 1');
    expect(refusal(() => evaluateLabels(two, ['a', 'b'], { k: 0 }))).toMatch(/k must be a positive integer/);
    expect(refusal(() => evaluateLabels(two, ['a', 'b'], { folds: 1 }))).toMatch(/folds must be an integer of at least 2/);
  });
});

describe('effectiveRank and participationRatio', () => {
  it('equal d for d orthogonal directions of equal variance, whatever the ambient dimension', () => {
    const d = 6;
    const vectors: number[][] = [];
    for (let j = 0; j < d; j++) {
      for (const sign of [1, -1]) vectors.push(Array.from({ length: 10 }, (_, t) => (t === j ? 3 * sign : 0) + 1)); // offset: centring removes it
    }
    expect(effectiveRank(vectors)).toBeCloseTo(d, 10);
    expect(participationRatio(vectors)).toBeCloseTo(d, 10);
  });

  it('are 1 for rank-1 data and 0 for vectors that do not vary', () => {
    const u = Float32Array.from({ length: 32 }, (_, t) => Math.sin(t + 1));
    const line = Array.from({ length: 50 }, (_, i) => u.map((x) => x * (i - 20) * 0.37 + 2));
    expect(effectiveRank(line)).toBeCloseTo(1, 4);
    expect(participationRatio(line)).toBeCloseTo(1, 6);
    const same = Array.from({ length: 5 }, () => [1, 2, 3]);
    expect(effectiveRank(same)).toBe(0);
    expect(participationRatio(same)).toBe(0);
  });

  it('match numpy (singular values of the centred matrix) whether n or d is the larger', () => {
    // numpy: s = svd(X - X.mean(0)); p = s / s.sum(); exp(-(p * log p).sum()); (s**2).sum()**2 / (s**4).sum()
    const data = (n: number, d: number) => Array.from({ length: n }, (_, i) => Array.from({ length: d }, (_, t) => Math.sin(0.37 * i * (t + 1) + t)));
    expect(effectiveRank(data(40, 12))).toBeCloseTo(10.830814476235188, 10);
    expect(participationRatio(data(40, 12))).toBeCloseTo(8.111585479362644, 10);
    expect(effectiveRank(data(12, 40))).toBeCloseTo(10.913514008641556, 10);
    expect(participationRatio(data(12, 40))).toBeCloseTo(10.337072026382353, 10);
  });

  it('agree with evaluateLabels, which measures every vector given, labelled or not', () => {
    const blobs = gaussianBlobs(9, 3, 20, 12, 2);
    const rows = rowsOf(blobs.data, blobs.n, blobs.d);
    const labels = Array.from(blobs.labels, (l, i) => (i % 4 === 0 ? null : String(l)));
    const e = evaluateLabels(rows, labels);
    expect(e.effectiveRank).toBeCloseTo(effectiveRank(rows), 12);
    expect(e.participationRatio).toBeCloseTo(participationRatio(rows), 12);
  });
});
