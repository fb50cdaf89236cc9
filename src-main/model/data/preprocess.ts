// From FITS values to a model-ready sample: squeeze degenerate axes, resample each plane onto the
// S x S grid (aspect kept, padding masked), reduce planes to C channels, normalise the valid pixels,
// zero the masked ones. NaN/BLANK pixels are masked, never passed on, so they cannot poison a batch.
import { axisKinds, FitsError, HduList } from '../../fits/index.ts';
import { channelLayout, LayoutError, type ChannelLayout } from './channel-layout.ts';
import { ChannelReducer } from './channel-reducer.ts';
import { applyStretch, fitStretch, linearise } from './normalise.ts';
import { PlaneResampler } from './resample.ts';
import { frameSource, framingGrid } from './source-framing.ts';
import { planeVelocities, spectralWindow } from './spectral-window.ts';
import { toPolar } from './polar.ts';
import type { ImageSample, PreprocessOptions } from './sample.ts';
import { readBandStack, type BandFile, type BandStackOptions } from './band-stack.ts';

export function checkPreprocessOptions(opts: PreprocessOptions): void {
  if (!Number.isInteger(opts.size) || opts.size < 4) throw new RangeError(`working size must be an integer >= 4, got ${opts.size}`);
  const [lo, hi] = opts.clipPercentiles;
  if (!(lo >= 0 && hi <= 100 && lo < hi)) throw new RangeError(`clipPercentiles must satisfy 0 <= lo < hi <= 100, got [${lo}, ${hi}]`);
}

/** Shared by preprocess and loadSample: planes come from a callback so a file is read one plane at a time. */
function reduce(layout: ChannelLayout, readPlane: (k: number) => ArrayLike<number>, opts: PreprocessOptions,
  velocities?: number[], bands = false): ImageSample {
  checkPreprocessOptions(opts);
  const S = opts.size, C = opts.channels;
  if (bands && layout.planes !== C) throw new RangeError(`${layout.planes} bands, but the model takes ${C} channels`);
  // Source framing works on a finer grid first, so the window keeps the resolution it zooms into.
  const G = opts.framing === 'source' ? framingGrid(layout.width, layout.height, S) : S;
  const resampler = new PlaneResampler(layout.width, layout.height, G);
  // An image (one plane) in a spectral model: its one plane in every channel, as 'bin' gives.
  // Bands are channels one to one ('bin' with as many channels as planes).
  const mode = bands || (opts.cube === 'spectrum' && layout.planes === 1) ? 'bin' : opts.cube;
  let planeWeights: Float64Array[] | undefined;
  if (mode === 'spectrum') {
    // A first pass sums each plane for the field's spectrum, which places the window on the line.
    const spectrum = Array.from({ length: layout.planes }, (_, k) => {
      const p = readPlane(k);
      let s = 0;
      for (let i = 0; i < p.length; i++) { const v = p[i]!; if (Number.isFinite(v)) s += v; }
      return s;
    });
    const v = velocities ?? Array.from({ length: layout.planes }, (_, k) => k);
    planeWeights = spectralWindow(v, spectrum, C, opts.spectralHalfSpan, opts.spectralWindow).weights;
  }
  const reducer = new ChannelReducer(mode, C, layout.planes, G * G, planeWeights);
  for (const k of reducer.planesNeeded()) reducer.add(k, resampler.resample(readPlane(k)));
  let { planes, valid } = reducer.finish();
  if (opts.framing === 'source') ({ planes, valid } = frameSource(planes, valid, G, resampler.place, S, opts.cube === 'moments' && !bands ? 'moments' : 'spectral'));
  const data = new Float32Array(S * S * C);
  const isValid = (i: number): boolean => valid[i] === 1;
  const scale = opts.deferStretch ? linearise : applyStretch;
  if (bands) {
    // Each band its own stretch: bands differ in unit and brightness (MJy/sr at 8 µm, Jy/beam at 850 µm).
    for (let c = 0; c < C; c++) {
      const stretch = fitStretch(planes[c]!, isValid, opts.normalisation, opts.clipPercentiles);
      for (let i = 0; i < S * S; i++) if (valid[i]) data[i * C + c] = scale(planes[c]![i]!, stretch);
    }
  } else if (opts.cube === 'moments') {
    // Moment 0 is a brightness and gets the stretch; moments 1 and 2 are already in [-1, 1] / [0, 1].
    const stretch = fitStretch(planes[0]!, isValid, opts.normalisation, opts.clipPercentiles);
    for (let i = 0; i < S * S; i++) {
      if (!valid[i]) continue;
      data[i * C] = scale(planes[0]![i]!, stretch);
      for (let c = 1; c < C; c++) data[i * C + c] = planes[c]![i]!;
    }
  } else {
    // One stretch for all spectral channels keeps their relative brightness (the line profile).
    const all = new Float32Array(S * S * C);
    for (let c = 0; c < C; c++) all.set(planes[c]!, c * S * S);
    const stretch = fitStretch(all, (i) => valid[i % (S * S)] === 1, opts.normalisation, opts.clipPercentiles);
    for (let i = 0; i < S * S; i++) {
      if (!valid[i]) continue;
      for (let c = 0; c < C; c++) data[i * C + c] = scale(planes[c]![i]!, stretch);
    }
  }
  const sample: ImageSample = { data, mask: valid, height: S, width: S, channels: C, channelKind: bands ? 'bands' : opts.cube === 'moments' ? 'moments' : 'spectral' };
  const polar = opts.coordinates === 'polar';
  if (opts.deferStretch) {
    sample.pendingStretch = { normalisation: opts.normalisation, clipPercentiles: opts.clipPercentiles, ...(polar && { coordinates: 'polar' as const }) };
    return sample;
  }
  return polar ? toPolar(sample, true) : sample;
}

/** values in FITS C order (NAXIS1 fastest), shape in FITS order (NAXIS1 first). */
export function preprocess(values: Float32Array | Float64Array, shape: number[], opts: PreprocessOptions): ImageSample {
  const count = shape.reduce((a, b) => a * b, 1);
  if (values.length !== count) throw new RangeError(`shape [${shape.join(', ')}] holds ${count} values, got ${values.length}`);
  const layout = channelLayout(shape);
  const planeSize = layout.width * layout.height;
  return reduce(layout, (k) => {
    const p = layout.planeIndex(k);
    return values.subarray(p * planeSize, (p + 1) * planeSize);
  }, opts);
}

/** Reads HDU `hdu` of a FITS file plane by plane (bounded memory for big cubes) and preprocesses it. */
export function loadSample(path: string, hdu: number, opts: PreprocessOptions): ImageSample {
  const list = HduList.open(path);
  try {
    if (!Number.isInteger(hdu) || hdu < 0 || hdu >= list.length) {
      throw new FitsError('no-image', path, `HDU ${hdu} does not exist (the file has ${list.length})`);
    }
    const h = list.hdu(hdu);
    if (h.kind !== 'image') throw new FitsError('no-image', path, `HDU ${hdu} is not an image (${h.kind})`, hdu);
    let layout: ChannelLayout;
    try {
      layout = channelLayout(h.shape, axisKinds(h.header, h.shape.length));
    } catch (e) {
      if (e instanceof LayoutError) throw new FitsError('bad-naxis', path, e.message, hdu);
      throw e;
    }
    const velocities = opts.cube === 'spectrum' && layout.axis !== undefined ? planeVelocities(h.header, layout.axis, layout.planes) : undefined;
    return reduce(layout, (k) => h.readPlane(layout.planeIndex(k)), opts, velocities);
  } finally {
    list.close();
  }
}

/**
 * A multi-band object: its bands reprojected onto one grid (band-stack.ts), each scaled to its own sky 0
 * and upper clip 1 (so the emission found for source framing is not the band with the largest numbers),
 * then preprocessed as one image with a channel per band, each band stretched on its own.
 */
export function loadBandSample(bands: readonly BandFile[], stack: BandStackOptions, opts: PreprocessOptions): ImageSample {
  const { width, height, planes } = readBandStack(bands, stack);
  const scaled = planes.map((p) => {
    const stretch = fitStretch(p, (i) => Number.isFinite(p[i]), 'asinh', opts.clipPercentiles);
    return p.map((v) => (Number.isFinite(v) ? linearise(v, stretch) : NaN));
  });
  const layout: ChannelLayout = { width, height, planes: planes.length, planeIndex: (k) => k };
  return reduce(layout, (k) => scaled[k]!, opts, undefined, true);
}
