// Speed of multi-band reprojection: one image onto a rotated, rescaled grid ('interp' and 'exact'), and
// a whole sample cloud (four bands onto the 8 µm grid, with and without a common beam), as training
// reads each object once per run (samples are cached).
//   node bench/reproject.ts            (about 30 s on 2 cores)
import { join } from 'node:path';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { CelestialWcs, reproject, type SkyGrid } from '../src-main/fits/index.ts';
import { readBandStack } from '../src-main/model/data/band-stack.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function grid(n: number, pixelArcsec: number, rotDeg: number): SkyGrid {
  const s = pixelArcsec / 3600, r = (rotDeg * Math.PI) / 180;
  return {
    width: n, height: n,
    wcs: new CelestialWcs({
      projection: 'TAN', frame: 'RA/DEC', system: 'ICRS', crpix: [(n + 1) / 2, (n + 1) / 2], crval: [280, -4],
      matrix: [[-s * Math.cos(r), s * Math.sin(r)], [s * Math.sin(r), s * Math.cos(r)]],
    }),
  };
}

function time(what: string, repeat: number, fn: () => void): void {
  fn(); // warm up
  const t = performance.now();
  for (let k = 0; k < repeat; k++) fn();
  const ms = (performance.now() - t) / repeat;
  console.log(`${what.padEnd(58)} ${ms.toFixed(1).padStart(8)} ms`);
}

console.log(`reprojection on ${availableParallelism()} cores (load ${loadavg()[0]!.toFixed(1)}), one thread`);
for (const [n, m] of [[512, 512], [512, 128], [128, 512]] as const) {
  const src = { ...grid(n, 1, 0), data: Float32Array.from({ length: n * n }, (_, i) => Math.sin(i / 97) + 2) };
  const target = grid(m, (n / m) * 1, 30);
  for (const method of ['interp', 'exact'] as const) {
    time(`${n}x${n} onto ${m}x${m} (rotated 30 deg), ${method}`, 3, () => reproject(src, target, method));
  }
}
const bands = ['8um', '70um', '250um', '500um'].map((b) => ({ path: join(ROOT, 'resources/sample-clouds', `cloud002_${b}.fits`), hdu: 0 }));
for (const method of ['interp', 'exact'] as const) {
  for (const beam of ['native', 'common'] as const) {
    time(`sample cloud, 4 bands onto the 8um grid (120x120), ${method}, ${beam} beam`, 5, () => readBandStack(bands, { method, reference: 0, pixelScale: 0, beam }));
  }
}
