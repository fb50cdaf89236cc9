// The unit the model sees: a square working-size image with C channels and a validity mask.

export interface ImageSample {
  /** H*W*C values, HWC order (channel fastest); masked pixels are 0. */
  data: Float32Array;
  /** H*W, 1 = valid pixel (finite in the file and inside the original field). */
  mask: Uint8Array;
  height: number;
  width: number;
  channels: number;
  /** What the channels are: spectral bins (neighbours are adjacent velocities), moment maps 0/1/2, or the bands of a multi-band object. */
  channelKind?: 'spectral' | 'moments' | 'bands';
  /**
   * Set while the brightness is still linear (sky 0, upper clip percentile 1, nothing clipped) and
   * the stretch is left for the view: augmentations then add noise, blur and scale real flux, and
   * each view is normalised as preprocessing normalises an observation (finishStretch).
   */
  pendingStretch?: { normalisation: 'asinh' | 'minmax'; clipPercentiles: [number, number]; coordinates?: 'polar' };
}

export interface PreprocessOptions {
  /** Working size S: every sample becomes S x S. */
  size: number;
  /** C: 1 for images; cubes become C channels (see cube). */
  channels: number;
  normalisation: 'asinh' | 'minmax';
  /** Percentiles (0-100) of the valid pixels mapped to 0 and 1 before the asinh stretch. */
  clipPercentiles: [number, number];
  /**
   * 'spectrum': C channels on a velocity axis centred on the line (spectral-window.ts); 'bin': C
   * groups of planes averaged; 'moments': moment maps 0, 1, 2.
   */
  cube: 'spectrum' | 'bin' | 'moments';
  /** 'spectrum': the window's half-span in km/s (a common axis); default: each line's own extent. */
  spectralHalfSpan?: number;
  /** 'spectrum': how the line is found (spectral-window.ts); 'line' by default, 'peak' in runs made before. */
  spectralWindow?: 'line' | 'peak';
  /**
   * 'field' (default): the whole field, aspect kept. 'source': a square window centred on the
   * emission and scaled to it (field of view, pixel scale and position in the field drop out).
   */
  framing?: 'field' | 'source';
  /**
   * 'polar': the framed image resampled onto (radius, azimuth) about its centre, as the last step
   * (after the stretch, and after the augmentations of training views). Default 'cartesian'.
   */
  coordinates?: 'cartesian' | 'polar';
  /** Leave brightness linear and the stretch pending (training views); embedding stretches at once. */
  deferStretch?: boolean;
}

export const DEFAULT_PREPROCESS: PreprocessOptions = {
  size: 64, channels: 1, normalisation: 'asinh', clipPercentiles: [0.5, 99.9], cube: 'spectrum',
};

export function checkSample(s: ImageSample, what: string): void {
  if (s.data.length !== s.height * s.width * s.channels || s.mask.length !== s.height * s.width) {
    throw new RangeError(`${what}: sample arrays do not match ${s.height}x${s.width}x${s.channels} (data ${s.data.length}, mask ${s.mask.length})`);
  }
}
