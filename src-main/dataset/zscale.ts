// IRAF's zscale display limits (as in astropy.visualization.ZScaleInterval): fit a line to the
// sorted sample with iterative sigma rejection and take the range the slope implies around the median.
// Node-free: the renderer reuses it.

export interface ZscaleOptions {
  nSamples?: number;
  contrast?: number;
  maxReject?: number;
  minNpixels?: number;
  krej?: number;
  maxIterations?: number;
}

export function zscaleLimits(data: ArrayLike<number>, opts: ZscaleOptions = {}): { min: number; max: number } {
  const nSamples = opts.nSamples ?? 1000;
  const contrast = opts.contrast ?? 0.25;
  const maxReject = opts.maxReject ?? 0.5;
  const minNpixels = opts.minNpixels ?? 5;
  const krej = opts.krej ?? 2.5;
  const maxIterations = opts.maxIterations ?? 5;

  let nFinite = 0;
  for (let i = 0; i < data.length; i++) if (Number.isFinite(data[i])) nFinite++;
  if (nFinite === 0) return { min: 0, max: 1 };

  // Every stride-th finite value, as astropy takes values[isfinite][::stride][:n_samples], without copying them all.
  const stride = Math.max(1, Math.trunc(nFinite / nSamples));
  const npix = Math.min(nSamples, Math.ceil(nFinite / stride));
  const samples = new Float64Array(npix);
  for (let i = 0, k = 0, m = 0; i < data.length && m < npix; i++) {
    if (!Number.isFinite(data[i])) continue;
    if (k++ % stride === 0) samples[m++] = data[i];
  }
  samples.sort();

  let vmin = samples[0];
  let vmax = samples[npix - 1];
  const minpix = Math.max(minNpixels, Math.trunc(npix * maxReject));
  const ngrow = Math.max(1, Math.trunc(npix * 0.01));
  let bad = new Uint8Array(npix);
  let ngood = npix;
  let lastNgood = npix + 1;
  let slope = 0;

  for (let iter = 0; iter < maxIterations; iter++) {
    if (ngood >= lastNgood || ngood < minpix) break;
    // Least-squares line through the good samples, x = sample index.
    let sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (let i = 0; i < npix; i++) {
      if (bad[i]) continue;
      sw++; sx += i; sy += samples[i]; sxx += i * i; sxy += i * samples[i];
    }
    const denom = sw * sxx - sx * sx;
    slope = denom === 0 ? 0 : (sw * sxy - sx * sy) / denom;
    const intercept = (sy - slope * sx) / sw;
    // Reject beyond krej standard deviations of the residuals of the good samples.
    let mean = 0;
    for (let i = 0; i < npix; i++) if (!bad[i]) mean += samples[i] - (intercept + slope * i);
    mean /= sw;
    let varSum = 0;
    for (let i = 0; i < npix; i++) {
      if (bad[i]) continue;
      const d = samples[i] - (intercept + slope * i) - mean;
      varSum += d * d;
    }
    const threshold = krej * Math.sqrt(varSum / sw);
    for (let i = 0; i < npix; i++) {
      const flat = samples[i] - (intercept + slope * i);
      if (flat < -threshold || flat > threshold) bad[i] = 1;
    }
    // Grow rejected pixels by ngrow (numpy.convolve(bad, ones(ngrow), mode='same')).
    const grown = new Uint8Array(npix);
    const before = Math.trunc(ngrow / 2);
    const after = Math.trunc((ngrow - 1) / 2);
    for (let i = 0; i < npix; i++) {
      if (!bad[i]) continue;
      for (let j = Math.max(0, i - after); j <= Math.min(npix - 1, i + before); j++) grown[j] = 1;
    }
    bad = grown;
    lastNgood = ngood;
    ngood = 0;
    for (let i = 0; i < npix; i++) if (!bad[i]) ngood++;
  }

  if (ngood >= minpix) {
    if (contrast > 0) slope /= contrast;
    const center = Math.trunc((npix - 1) / 2);
    const median = npix % 2 === 1 ? samples[(npix - 1) / 2] : (samples[npix / 2 - 1] + samples[npix / 2]) / 2;
    vmin = Math.max(vmin, median - (center - 1) * slope);
    vmax = Math.min(vmax, median + (npix - center) * slope);
  }
  return { min: vmin, max: vmax };
}
