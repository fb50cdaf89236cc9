// Multi-band objects as samples: bands reprojected onto one grid, one channel each with its own stretch,
// optionally at a common beam, and augmented alike in every channel.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../../src-main/base/random.ts';
import { readBandStack } from '../../../../src-main/model/data/band-stack.ts';
import { buildAugmentations, DEFAULT_PREPROCESS } from '../../../../src-main/model/data/index.ts';
import { finishStretch } from '../../../../src-main/model/data/normalise.ts';
import { loadBandSample } from '../../../../src-main/model/data/preprocess.ts';
import { REPO } from '../../cli/run-cli.ts';

const CLOUDS = join(REPO, 'resources', 'sample-clouds');
const bandsOf = (cloud: string) => ['8um', '70um', '250um', '500um'].map((b) => ({ path: join(CLOUDS, `${cloud}_${b}.fits`), hdu: 0 }));
const STACK = { method: 'exact' as const, reference: 0, pixelScale: 0, beam: 'native' as const };

/** Mean squared difference of horizontal neighbours over finite pixels: large for sharp (or noisy) maps, small for smooth ones. */
function roughness(p: Float32Array, width: number): number {
  let s = 0, n = 0;
  for (let i = 0; i + 1 < p.length; i++) {
    if ((i + 1) % width === 0 || !Number.isFinite(p[i]!) || !Number.isFinite(p[i + 1]!)) continue;
    s += (p[i + 1]! - p[i]!) ** 2; n++;
  }
  return s / n;
}

describe('band stacks', () => {
  it('puts every band on the reference grid, or a coarser one at a chosen pixel scale', () => {
    const s = readBandStack(bandsOf('cloud002'), STACK);
    expect([s.width, s.height, s.planes.length]).toEqual([120, 120, 4]);
    // The pointing offsets leave a margin of a few pixels without data, never more than a tenth of the field.
    for (const p of s.planes) expect(p.filter(Number.isFinite).length).toBeGreaterThan(0.8 * 120 * 120);
    const coarse = readBandStack(bandsOf('cloud002'), { ...STACK, reference: 0, pixelScale: 8 });
    expect([coarse.width, coarse.height]).toEqual([30, 30]);
    expect(coarse.wcs.pixelScaleArcsec).toBeCloseTo(8, 6);
    const on500 = readBandStack(bandsOf('cloud002'), { ...STACK, reference: 3 });
    expect([on500.width, on500.height]).toEqual([20, 20]);
  });

  it('a common beam smooths the sharp bands and leaves the coarsest as it was', () => {
    const native = readBandStack(bandsOf('cloud001'), STACK);
    const common = readBandStack(bandsOf('cloud001'), { ...STACK, beam: 'common' });
    expect(roughness(common.planes[0]!, 120)).toBeLessThan(0.05 * roughness(native.planes[0]!, 120));
    expect(Array.from(common.planes[3]!)).toEqual(Array.from(native.planes[3]!));
  });

  it('is a sample with a channel per band, each stretched on its own', () => {
    const s = loadBandSample(bandsOf('cloud000'), STACK, { ...DEFAULT_PREPROCESS, size: 32, channels: 4, framing: 'field' });
    expect([s.height, s.width, s.channels, s.channelKind]).toEqual([32, 32, 4, 'bands']);
    // Each band reaches the top of its own stretch although their units and levels differ by orders of magnitude.
    for (let c = 0; c < 4; c++) {
      let max = -Infinity;
      for (let i = 0; i < 32 * 32; i++) if (s.mask[i]) max = Math.max(max, s.data[i * 4 + c]!);
      expect(max, `channel ${c}`).toBeGreaterThan(0.9);
    }
    expect(() => loadBandSample(bandsOf('cloud000'), STACK, { ...DEFAULT_PREPROCESS, size: 32, channels: 3 })).toThrow(/4 bands, but the model takes 3 channels/);
  });

  it('geometric augmentations move every band alike', () => {
    // The same band four times: any channel that moved differently from the others would show.
    const same = Array.from({ length: 4 }, () => ({ path: join(CLOUDS, 'cloud000_250um.fits'), hdu: 0 }));
    const sample = loadBandSample(same, STACK, { ...DEFAULT_PREPROCESS, size: 32, channels: 4, framing: 'field', deferStretch: true });
    const augment = buildAugmentations([{ name: 'rotation' }, { name: 'flip' }, { name: 'resized-crop' }, { name: 'shift' }, { name: 'inclination' }, { name: 'flux-scale' }, { name: 'beam-blur' }]);
    for (let seed = 0; seed < 5; seed++) {
      const view = finishStretch(augment.apply(sample, new Rng(seed)));
      let spread = 0;
      for (let i = 0; i < 32 * 32; i++) for (let c = 1; c < 4; c++) spread = Math.max(spread, Math.abs(view.data[i * 4 + c]! - view.data[i * 4]!));
      expect(spread, `seed ${seed}`).toBeLessThan(1e-6);
      expect(Array.from(view.data).some((v, i) => Math.abs(v - finishStretch(sample).data[i]!) > 1e-3), `seed ${seed}: the view changed`).toBe(true);
    }
  });
});
