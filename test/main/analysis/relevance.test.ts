// Relevance feedback: labels move the ranking where they are trusted (near labelled items) and leave
// items far from every label at their outlier score.
import { describe, expect, it } from 'vitest';
import { AnalysisError, outlierScores, relevanceScores } from '../../../src-main/analysis/index.ts';
import type { Embeddings } from '../../../src-main/analysis/index.ts';

/** Three tight groups on orthogonal axes of 4-d space, plus two lone items between them (rows 30, 31). */
function groups(): Embeddings {
  const n = 32, d = 4;
  const data = new Float32Array(n * d);
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32 - 0.5) * 0.05;
  for (let i = 0; i < 30; i++) {
    const g = i % 3;
    for (let t = 0; t < d; t++) data[i * d + t] = (t === g ? 1 : 0) + rnd();
  }
  // Two rare items: one near group 0 and 3's axis, one between groups 1 and 2.
  data.set([0.7, 0, 0, 0.7], 30 * d);
  data.set([0, 0.6, 0.6, 0.5], 31 * d);
  return { data, n, d };
}

describe('relevanceScores', () => {
  it('without labels ranks as the outlier score does', async () => {
    const e = groups();
    const { scores: outlier, ranking } = await outlierScores(e, { k: 5 });
    const r = relevanceScores(e, outlier, new Map());
    expect(Array.from(r.ranking.slice(0, 2)).sort()).toEqual(Array.from(ranking.slice(0, 2)).sort());
    expect(Math.max(...r.scores)).toBeCloseTo(1, 6);
    expect(r.trust.every((w) => w === 0)).toBe(true);
  });

  it('sinks an item marked not interesting and lifts one marked interesting', async () => {
    const e = groups();
    const { scores: outlier, ranking } = await outlierScores(e, { k: 5 });
    const [first, second] = ranking;
    const r = relevanceScores(e, outlier, new Map([[first, 0], [second, 1]]));
    expect(r.ranking[0]).toBe(second);
    expect(r.scores[first]).toBe(0);
    expect(r.relevance[second]).toBe(1);
    expect(r.trust[first]).toBe(1);
  });

  it('predicts from the labelled neighbours: a group whose member is interesting rises above the other groups', async () => {
    const e = groups();
    const { scores: outlier } = await outlierScores(e, { k: 5 });
    // One member of group 1 marked interesting, one of group 2 not.
    const r = relevanceScores(e, outlier, new Map([[1, 1], [2, 0]]), { k: 1 });
    const meanOf = (g: number) => {
      let s = 0;
      for (let i = g + 3; i < 30; i += 3) s += r.scores[i];
      return s / 9;
    };
    expect(meanOf(1)).toBeGreaterThan(meanOf(0));
    expect(meanOf(0)).toBeGreaterThan(meanOf(2));
    // Group 0 is far from both labels: no trust, its score is the outlier score scaled.
    const max = Math.max(...outlier);
    expect(r.trust[3]).toBeLessThan(0.01);
    expect(r.scores[3]).toBeCloseTo(outlier[3] / max, 2);
    expect(r.relevance[4]).toBeGreaterThan(0.99);
    expect(r.relevance[5]).toBeLessThan(0.01);
  });

  it('refuses labels that name no item or lie outside 0..1', () => {
    const e = groups();
    const outlier = new Float32Array(e.n).fill(1);
    expect(() => relevanceScores(e, outlier, new Map([[40, 1]]))).toThrow(AnalysisError);
    expect(() => relevanceScores(e, outlier, new Map([[1, 3]]))).toThrow(/from 0 to 1/);
    expect(() => relevanceScores(e, new Float32Array(3), new Map())).toThrow(/3 outlier scores for 32 items/);
  });
});
