// Resamples a sample through an affine map of pixel coordinates, bilinearly and mask-aware: masked
// input pixels carry no weight, and an output pixel is valid when valid inputs carry at least half
// of its weight. Outside the grid, 'reflect' mirrors the image (no zero-filled regions); 'mask'
// marks such pixels invalid.
import type { ImageSample } from '../sample.ts';

/** Input pixel coordinates of output pixel (u, v): x = a*u + b*v + c, y = d*u + e*v + f (pixel centres at integers). */
export type AffineMap = [a: number, b: number, c: number, d: number, e: number, f: number];

function reflect(x: number, n: number): number {
  // Mirror about the outer pixel edges (-0.5 and n - 0.5): period 2n.
  const period = 2 * n;
  let t = (x + 0.5) % period;
  if (t < 0) t += period;
  return (t < n ? t : period - t) - 0.5;
}

export function sampleAffine(s: ImageSample, map: AffineMap, boundary: 'reflect' | 'mask'): ImageSample {
  const { width: W, height: H, channels: C } = s;
  const [a, b, c, d, e, f] = map;
  const data = new Float32Array(W * H * C), mask = new Uint8Array(W * H);
  const acc = new Float64Array(C);
  for (let v = 0; v < H; v++) {
    for (let u = 0; u < W; u++) {
      let x = a * u + b * v + c, y = d * u + e * v + f;
      if (boundary === 'reflect') { x = reflect(x, W); y = reflect(y, H); }
      else if (x < -0.5 || x > W - 0.5 || y < -0.5 || y > H - 0.5) continue;
      x = Math.min(Math.max(x, 0), W - 1); y = Math.min(Math.max(y, 0), H - 1);
      const x0 = Math.min(Math.floor(x), W - 2 < 0 ? 0 : W - 2), y0 = Math.min(Math.floor(y), H - 2 < 0 ? 0 : H - 2);
      const fx = x - x0, fy = y - y0;
      acc.fill(0);
      let wsum = 0;
      for (let k = 0; k < 4; k++) {
        const xi = x0 + (k & 1), yi = y0 + (k >> 1);
        if (xi >= W || yi >= H) continue;
        const w = ((k & 1) ? fx : 1 - fx) * ((k >> 1) ? fy : 1 - fy);
        const idx = yi * W + xi;
        if (w === 0 || s.mask[idx] === 0) continue;
        wsum += w;
        for (let ch = 0; ch < C; ch++) acc[ch]! += w * s.data[idx * C + ch]!;
      }
      if (wsum < 0.5) continue;
      const o = v * W + u;
      mask[o] = 1;
      for (let ch = 0; ch < C; ch++) data[o * C + ch] = acc[ch]! / wsum;
    }
  }
  return { ...s, data, mask };
}
