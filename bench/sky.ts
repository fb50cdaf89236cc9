// Sky images for the benchmarks that change an observation and look again (invariance.ts,
// framing-noise.ts): the first plane of a FITS image as a sample (NaN masked) with the cards a copy
// keeps, written back, and given noise down to a lower peak SNR.
import { fitNoise } from '../src-main/export/index.ts';
import { HduList, writeImageFits } from '../src-main/fits/index.ts';
import type { ImageSample } from '../src-main/model/data/index.ts';
import type { Rng } from '../src-main/base/index.ts';

export type Sky = ImageSample & { cards: Record<string, string | number | boolean> };
/** Cards a copy keeps: the beam and the 2-D celestial WCS (pixel scale), not the data's layout. */
const KEPT = /^(BMAJ|BMIN|BPA|BUNIT|C(TYPE|RVAL|RPIX|DELT|UNIT)[12]|RADESYS|EQUINOX|RESTFRQ|OBJECT)$/;

export function readSky(path: string): Sky {
  const list = HduList.open(path);
  try {
    const h = list.hdu(0);
    if (h.kind !== 'image') throw new Error(`${path}: HDU 0 is not an image`);
    const [width, height] = h.shape as [number, number];
    const plane = h.readPlane(0);
    const mask = new Uint8Array(width * height);
    const data = new Float32Array(width * height);
    for (let i = 0; i < data.length; i++) if (Number.isFinite(plane[i]!)) { mask[i] = 1; data[i] = plane[i]!; }
    const cards: Sky['cards'] = {};
    for (const c of h.header.cards) if (KEPT.test(c.keyword)) { const v = h.header.get(c.keyword); if (v !== undefined && typeof v !== 'bigint') cards[c.keyword] = v as string | number | boolean; }
    return { data, mask, width, height, channels: 1, cards };
  } finally {
    list.close();
  }
}

export function writeSky(path: string, s: ImageSample, cards: Sky['cards']): void {
  const out = Float32Array.from(s.data, (v, i) => (s.mask[i] ? v : NaN));
  writeImageFits(path, out, [s.width, s.height], { cards });
}

/**
 * The field with white noise added so its peak SNR (export's fitNoise: peak and rms of the sky) is
 * drawn uniformly in [lo, hi]; undefined, drawing nothing, when the field has no noise fit.
 */
export function noisedToPeakSnr(s: ImageSample, rng: Rng, lo: number, hi: number): ImageSample | undefined {
  const noise = fitNoise(s.data.filter((_, i) => s.mask[i]));
  if (!noise) return undefined;
  const target = (noise.peakSnr * noise.sigma) / rng.uniform(lo, hi);
  const add = Math.sqrt(Math.max(0, target * target - noise.sigma ** 2));
  return { ...s, data: Float32Array.from(s.data, (v, i) => (s.mask[i] ? v + add * rng.normal() : 0)) };
}
