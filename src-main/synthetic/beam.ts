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

/** Normalised (sum 1) kernel inside the 3-sigma ellipse, in a square of half-side 3 sigma of the major axis. */
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
  for (let j = -radius; j <= radius; j++) {
    for (let i = -radius; i <= radius; i++) {
      const along = -i * s + j * c;
      const across = i * c + j * s;
      const v = Math.exp(-0.5 * ((along / sMaj) ** 2 + (across / sMin) ** 2));
      values[(j + radius) * n + (i + radius)] = v;
    }
  }
  // Taps outside the 3-sigma ellipse carry ~1% of the weight; dropping them roughly halves the work
  // of a convolution, and renormalising the rest keeps the flux.
  const floor = Math.exp(-4.5);
  let kept = 0;
  for (let k = 0; k < values.length; k++) { if (values[k]! < floor) values[k] = 0; else kept += values[k]!; }
  for (let k = 0; k < values.length; k++) values[k]! /= kept;
  return { values, radius };
}

/** Sum over in-bounds kernel taps of w * input, tap by tap over whole rows (fast, vectorisable loops). */
function correlate(input: Float32Array, width: number, height: number, kernel: Kernel): Float32Array {
  const { values: k, radius } = kernel;
  const n = 2 * radius + 1;
  const out = new Float32Array(width * height);
  for (let j = -radius; j <= radius; j++) {
    const y0 = Math.max(0, -j), y1 = Math.min(height, height - j);
    for (let i = -radius; i <= radius; i++) {
      const w = k[(j + radius) * n + (i + radius)]!;
      if (w === 0) continue;
      const x0 = Math.max(0, -i), x1 = Math.min(width, width - i);
      for (let y = y0; y < y1; y++) {
        const o = y * width, src = (y + j) * width + i;
        for (let x = x0; x < x1; x++) out[o + x]! += w * input[src + x]!;
      }
    }
  }
  return out;
}

/**
 * Convolves one plane (row-major, width fastest) with the beam. Pixels outside the plane, or with
 * mask 0, do not contribute and the result is renormalised by the weight that did (normalised
 * convolution), so blank or padded regions never darken their neighbours. Masked pixels give 0.
 */
export function convolveBeam(plane: Float32Array, width: number, height: number, beam: Beam, mask?: Uint8Array): Float32Array {
  return convolveBeamChannels(plane, width, height, 1, beam, mask);
}

/**
 * convolveBeam on every channel of pixel-interleaved data (channel fastest), as samples store it.
 * The kernel and the weight the mask leaves are the same for every channel: computed once.
 */
export function convolveBeamChannels(data: Float32Array, width: number, height: number, channels: number, beam: Beam,
  mask?: Uint8Array): Float32Array {
  const kernel = beamKernel(beam);
  const N = width * height, C = channels;
  const weight = new Float32Array(N);
  if (mask) { for (let i = 0; i < N; i++) if (mask[i]) weight[i] = 1; } else weight.fill(1);
  const den = correlate(weight, width, height, kernel);
  const out = new Float32Array(N * C), input = new Float32Array(N);
  for (let c = 0; c < C; c++) {
    for (let i = 0; i < N; i++) input[i] = !mask || mask[i] ? data[i * C + c]! : 0;
    const num = correlate(input, width, height, kernel);
    for (let i = 0; i < N; i++) out[i * C + c] = (mask && !mask[i]) || !(den[i]! > 1e-6) ? 0 : num[i]! / den[i]!;
  }
  return out;
}

/**
 * Plain convolution, treating pixels beyond the plane as 0 and not renormalising: exact for pixels at
 * least a kernel radius from the edges (callers pad by beamKernel(beam).radius and crop).
 */
export function convolveBeamInterior(plane: Float32Array, width: number, height: number, beam: Beam): Float32Array {
  return correlate(plane, width, height, beamKernel(beam));
}
