// Polar coordinates about the frame's centre (where source framing put the emission's centroid):
// rows are radius, from the centre out to the inscribed circle, columns azimuth over a full turn.
// A disk's classes are radial and azimuthal structure — rings are rows, gaps are dark rows, spiral
// arms are slanted lines, a crescent is a partial row, a binary two blobs — and a rotation on the
// sky is a shift along the columns, which a convolutional network with global pooling nearly
// ignores. So the network spends its capacity on the structure, not on its orientation.
import type { ImageSample } from './sample.ts';

/** The S x S sample resampled onto (radius, azimuth): bilinear and mask-aware, as the affine sampler. */
export function toPolar(s: ImageSample): ImageSample {
  const { width: W, height: H, channels: C } = s;
  const S = Math.min(W, H);
  const cx = (W - 1) / 2, cy = (H - 1) / 2, rMax = S / 2;
  const data = new Float32Array(S * S * C), mask = new Uint8Array(S * S);
  const acc = new Float64Array(C);
  for (let row = 0; row < S; row++) {
    const r = ((row + 0.5) / S) * rMax;
    for (let col = 0; col < S; col++) {
      const theta = (2 * Math.PI * col) / S;
      const x = Math.min(Math.max(cx + r * Math.cos(theta), 0), W - 1), y = Math.min(Math.max(cy + r * Math.sin(theta), 0), H - 1);
      const x0 = Math.min(Math.floor(x), W - 2), y0 = Math.min(Math.floor(y), H - 2);
      const fx = x - x0, fy = y - y0;
      acc.fill(0);
      let wsum = 0;
      for (let k = 0; k < 4; k++) {
        const xi = x0 + (k & 1), yi = y0 + (k >> 1);
        const w = ((k & 1) ? fx : 1 - fx) * ((k >> 1) ? fy : 1 - fy);
        const idx = yi * W + xi;
        if (w === 0 || s.mask[idx] === 0) continue;
        wsum += w;
        for (let c = 0; c < C; c++) acc[c]! += w * s.data[idx * C + c]!;
      }
      if (wsum < 0.5) continue;
      const o = row * S + col;
      mask[o] = 1;
      for (let c = 0; c < C; c++) data[o * C + c] = acc[c]! / wsum;
    }
  }
  return { ...s, data, mask, width: S, height: S };
}
