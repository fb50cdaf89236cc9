// Adds Gaussian noise so the sample's peak reaches a random signal-to-noise ratio (log-uniform):
// shallower observations of the same object. The noise is correlated on a random beam-like scale,
// as in a radio or sub-mm map (or a resampled image): white noise alone is easy to tell from the
// data's own correlated noise, and a network then learns to ignore only the white kind.
// Masked pixels stay 0. With reframe, the source window is then found again on the noisy view, as
// source framing finds it on a shallower observation: faint outskirts sink below 3 sigma, so the
// window shrinks and the object looks larger. Noise alone never shows that.
import { beamKernel, convolveBeamInterior } from '../../../synthetic/index.ts';
import type { Rng } from '../../../base/random.ts';
import type { ImageSample } from '../sample.ts';
import { resampleWindow, sampleWindow } from '../source-framing.ts';
import { Augmentation } from './augmentation.ts';

export interface NoiseToSnrParams { p: number; snr: [number, number]; correlation?: [number, number]; reframe?: boolean }

export class NoiseToSnr extends Augmentation {
  readonly snr: [number, number];
  /** FWHM in pixels of the Gaussian that correlates the noise (0: white noise). */
  readonly correlation: [number, number];
  /** Find the source window again on the noisy view and zoom to it (see the file's comment). */
  readonly reframe: boolean;

  constructor(params: NoiseToSnrParams) {
    super('noise', params.p);
    this.snr = params.snr;
    this.correlation = params.correlation ?? [0, 0];
    this.reframe = params.reframe ?? false;
  }

  protected transform(s: ImageSample, rng: Rng): ImageSample {
    const snr = rng.logUniform(this.snr[0], this.snr[1]);
    const fwhm = rng.uniform(this.correlation[0], this.correlation[1]);
    const noisy = addNoise(s, snr, rng, fwhm);
    return this.reframe ? reframe(s, noisy) : noisy;
  }
}

/**
 * The noisy sample re-framed as source framing would frame the shallower observation: the window
 * found on it (sampleWindow, on the plane framing uses) against the one found on the
 * clean sample gives the zoom and the shift. Relative, because a window found inside an already
 * framed sample sees little sky and comes out small even without noise. The zoom is the square
 * root of that ratio, which matches the real effect (bench/framing-noise.ts, 480 survey disks,
 * noise to peak SNR 5-10; 5th / 25th / 50th / 75th percentiles): on the whole field the window
 * becomes 0.59 / 0.76 / 0.91 / 0.99 of itself, inside the frame 0.35 / 0.63 / 0.84 / 1.00, whose
 * root is 0.59 / 0.80 / 0.92 / 1.00. Not mimicked: the 8 % of fields that then find no window.
 */
export function reframe(clean: ImageSample, noisy: ImageSample): ImageSample {
  if (noisy.width !== noisy.height) return noisy;
  const S = noisy.width, C = noisy.channels, N = S * S;
  const whole = { cx: S / 2, cy: S / 2, half: S / 2 };
  const a = sampleWindow(clean) ?? whole, b = sampleWindow(noisy) ?? whole;
  // Past 1.5 the window would mostly hold pixels beyond the framed sample, which it does not have.
  const zoom = Math.min(1.5, Math.sqrt(b.half / a.half));
  if (Math.abs(zoom - 1) < 1e-3 && a.cx === b.cx && a.cy === b.cy) return noisy;
  const win = { cx: S / 2 + (b.cx - a.cx), cy: S / 2 + (b.cy - a.cy), half: (S / 2) * zoom };
  const planes = Array.from({ length: C }, (_, c) => Float32Array.from({ length: N }, (__, i) => noisy.data[i * C + c]!));
  const framed = resampleWindow(planes, noisy.mask, S, win, S);
  const data = new Float32Array(N * C);
  for (let i = 0; i < N; i++) for (let c = 0; c < C; c++) data[i * C + c] = framed.planes[c]![i]!;
  return { ...noisy, data, mask: framed.valid };
}

/** Unit-rms noise for every channel, channel fastest; correlated by a round Gaussian of this FWHM. */
function noiseField(width: number, height: number, channels: number, fwhm: number, rng: Rng): Float32Array {
  const N = width * height, out = new Float32Array(N * channels);
  if (!(fwhm >= 0.5)) {
    for (let i = 0; i < out.length; i++) out[i] = rng.normal();
    return out;
  }
  // Pad by the kernel radius, convolve, crop: the noise is correlated right up to the edges.
  const beam = { bmaj: fwhm, bmin: fwhm, bpa: 0 };
  const r = beamKernel(beam).radius, PW = width + 2 * r, PH = height + 2 * r;
  const white = new Float32Array(PW * PH);
  for (let c = 0; c < channels; c++) {
    for (let i = 0; i < white.length; i++) white[i] = rng.normal();
    const coloured = convolveBeamInterior(white, PW, PH, beam);
    let ss = 0;
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) ss += coloured[(y + r) * PW + x + r]! ** 2;
    const scale = ss > 0 ? 1 / Math.sqrt(ss / N) : 0;
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) out[(y * width + x) * channels + c] = coloured[(y + r) * PW + x + r]! * scale;
  }
  return out;
}

export function addNoise(s: ImageSample, snr: number, rng: Rng, correlationFwhm = 0): ImageSample {
  let peak = 0;
  for (let i = 0; i < s.mask.length; i++) {
    if (!s.mask[i]) continue;
    for (let c = 0; c < s.channels; c++) peak = Math.max(peak, Math.abs(s.data[i * s.channels + c]!));
  }
  const sigma = peak / snr;
  const noise = noiseField(s.width, s.height, s.channels, correlationFwhm, rng);
  const data = s.data.slice();
  for (let i = 0; i < s.mask.length; i++) {
    if (!s.mask[i]) continue;
    for (let c = 0; c < s.channels; c++) data[i * s.channels + c]! += sigma * noise[i * s.channels + c]!;
  }
  return { ...s, data };
}
