import { describe, expect, it } from 'vitest';
import { cosineSimilarities, knnAccuracy, knnR2, nuisanceCheck, type Rendering } from '../../bench/quality-metrics.ts';
import { Rng } from '../../src-main/base/random.ts';

const rng = new Rng(3);
/** Points around one direction per class, with spread. */
function clusters(perClass: number, classes: number, d: number, spread: number) {
  const centres = Array.from({ length: classes }, () => Array.from({ length: d }, () => rng.normal()));
  const vectors: number[][] = [], labels: string[] = [];
  centres.forEach((c, k) => {
    for (let i = 0; i < perClass; i++) { vectors.push(c.map((x) => x + spread * rng.normal())); labels.push(`c${k}`); }
  });
  return { vectors, labels };
}

describe('quality metrics', () => {
  it('kNN accuracy is ~1 for separated clusters and ~chance for random labels', () => {
    const { vectors, labels } = clusters(20, 3, 16, 0.1);
    const sim = cosineSimilarities(vectors);
    const good = knnAccuracy(sim, labels);
    expect(good.accuracy).toBe(1);
    expect(good.perClass.c0).toBe(1);
    const shuffled = rng.shuffle([...labels]);
    expect(knnAccuracy(sim, shuffled).accuracy).toBeLessThan(0.6);
  });

  it('kNN regression R^2 is high for a target encoded in the features and ~0 or below for noise', () => {
    const t = Array.from({ length: 200 }, () => rng.uniform(0, 1));
    const vectors = t.map((x) => [Math.cos(x), Math.sin(x), 0.01 * rng.normal()]);
    const sim = cosineSimilarities(vectors);
    expect(knnR2(sim, t)).toBeGreaterThan(0.9);
    expect(knnR2(sim, t.map(() => rng.normal()))).toBeLessThan(0.15);
  });

  it('nuisance check: renderings near their own reference pass, ones nearer another class fail', () => {
    // Object 0 (class a) and 1 (class b): the a-variant lies near its reference; the b-variant lies near object 0.
    const vectors = [[1, 0], [0.99, 0.1], [0, 1], [0.95, 0.2]];
    const renderings: Rendering[] = [
      { object: 0, className: 'a', variant: 'reference' }, { object: 0, className: 'a', variant: 'snr' },
      { object: 1, className: 'b', variant: 'reference' }, { object: 1, className: 'b', variant: 'beam' },
    ];
    const r = nuisanceCheck(cosineSimilarities(vectors), renderings);
    expect(r.perVariant.snr!.fraction).toBe(1);
    expect(r.perVariant.beam!.fraction).toBe(0);
    expect(r.overall).toBe(0.5);
  });
});
