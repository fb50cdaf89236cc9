// An elliptical Gaussian beam and convolution with it. Direct (not FFT) convolution: kernels are a few
// beams of 3-5 pixels each, so a truncated kernel is both simpler and faster than padding to FFT sizes.

/** Beam in pixels: FWHM of major and minor axes, position angle in degrees east of north (FITS BPA). */
export interface Beam { bmaj: number; bmin: number; bpa: number }

export const FWHM_TO_SIGMA = 1 / (2 * Math.sqrt(2 * Math.log(2)));

/** Beam solid angle in pixels (how many pixels one beam covers): converts Jy/pixel to Jy/beam. */
export function beamAreaPixels(beam: Beam): number {
  return (Math.PI * beam.bmaj * beam.bmin) / (4 * Math.log(2));
}

export interface Kernel { values: Float32Array; radius: number /* kernel is (2r+1)^2 */ }

/** Normalised (sum 1) kernel, truncated at 3 sigma of the major axis. */
export function beamKernel(beam: Beam): Kernel {
  const sMaj = Math.max(beam.bmaj * FWHM_TO_SIGMA, 1e-3);
  const sMin = Math.max(beam.bmin * FWHM_TO_SIGMA, 1e-3);
  const radius = Math.max(1, Math.ceil(3 * sMaj));
  const n = 2 * radius + 1;
  const values = new Float32Array(n * n);
  // BPA is measured from north (+y) towards east; east is -x on sky images (CDELT1 < 0), so the
  // major axis points along (-sin BPA, cos BPA) in pixels.
  const pa = (beam.bpa * Math.PI) / 180;
  const c = Math.cos(pa), s = Math.sin(pa);
  let sum = 0;
  for (let j = -radius; j <= radius; j++) {
    for (let i = -radius; i <= radius; i++) {
      const along = -i * s + j * c;
      const across = i * c + j * s;
      const v = Math.exp(-0.5 * ((along / sMaj) ** 2 + (across / sMin) ** 2));
      values[(j + radius) * n + (i + radius)] = v;
      sum += v;
    }
  }
  for (let k = 0; k < values.length; k++) values[k]! /= sum;
  return { values, radius };
}

/**
 * Convolves one plane (row-major, width fastest) with the beam. Pixels outside the plane, or with
 * mask 0, do not contribute and the result is renormalised by the weight that did (normalised
 * convolution), so blank or padded regions never darken their neighbours. Masked pixels stay masked.
 */
export function convolveBeam(plane: Float32Array, width: number, height: number, beam: Beam, mask?: Uint8Array): Float32Array {
  const { values: k, radius } = beamKernel(beam);
  const n = 2 * radius + 1;
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const j0 = Math.max(-radius, -y), j1 = Math.min(radius, height - 1 - y);
    for (let x = 0; x < width; x++) {
      if (mask && mask[y * width + x] === 0) continue;
      const i0 = Math.max(-radius, -x), i1 = Math.min(radius, width - 1 - x);
      let acc = 0, wsum = 0;
      for (let j = j0; j <= j1; j++) {
        const row = (y + j) * width + x;
        const krow = (j + radius) * n + radius;
        for (let i = i0; i <= i1; i++) {
          if (mask && mask[row + i] === 0) continue;
          const w = k[krow + i]!;
          acc += w * plane[row + i]!;
          wsum += w;
        }
      }
      out[y * width + x] = wsum > 0 ? acc / wsum : 0;
    }
  }
  return out;
}
