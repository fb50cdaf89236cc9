// Contact sheets of the survey benchmark, to look at what each class looks like.
//   node bench/survey-sheet.ts --kind disks --out /tmp/disks.png [--seed 1] [--per-class 12] [--ranges JSON]
//     one row per class (smooth, ring, multi-ring, spiral, binary, crescent), asinh stretch, NaN blue,
//     the beam drawn in the lower left corner (green).
//   node bench/survey-sheet.ts --kind cubes --out /tmp/cubes.png ...
//     one PNG per class (cubes-keplerian.png ...), one row per cube: moment 0 | 5 channels from blue to red |
//     position-velocity cut along the blob's major axis (velocity up) | spectrum inside R | spectrum of the central beam.
import * as fs from 'node:fs';
import { parseArgs } from 'node:util';
import { PNG } from 'pngjs';
import {
  channelVelocities, renderSurveyItem, SURVEY_CLASSES, surveyItem, type RenderedSurveyCube, type SurveyKind, type SurveyRangeOverrides,
} from '../src-main/synthetic/index.ts';

const { values: args } = parseArgs({
  options: {
    kind: { type: 'string', default: 'disks' }, out: { type: 'string', default: '/tmp/survey-sheet.png' }, seed: { type: 'string', default: '1' },
    'per-class': { type: 'string', default: '12' }, tile: { type: 'string' }, ranges: { type: 'string' },
  },
});
const kind = args.kind as SurveyKind;
const seed = Number(args.seed), perClass = Number(args['per-class']);
const ranges: SurveyRangeOverrides = args.ranges ? JSON.parse(args.ranges) : {};
const T = Number(args.tile ?? (kind === 'disks' ? 112 : 72));

type RGB = [number, number, number];
// Inferno-like map from a few control points.
const STOPS: RGB[] = [[0, 0, 4], [40, 11, 84], [101, 21, 110], [159, 42, 99], [212, 72, 66], [245, 125, 21], [250, 193, 39], [252, 255, 164]];
function colour(t: number): RGB {
  if (!Number.isFinite(t)) return [20, 40, 90];
  const u = Math.max(0, Math.min(1, t)) * (STOPS.length - 1), i = Math.min(STOPS.length - 2, Math.floor(u)), f = u - i;
  return [0, 1, 2].map((c) => STOPS[i]![c]! * (1 - f) + STOPS[i + 1]![c]! * f) as RGB;
}

class Canvas {
  readonly png: PNG;
  readonly width: number;
  readonly height: number;
  constructor(width: number, height: number) {
    this.width = width; this.height = height;
    this.png = new PNG({ width, height });
    this.png.data.fill(255);
    for (let i = 0; i < width * height; i++) { this.png.data[4 * i] = 60; this.png.data[4 * i + 1] = 60; this.png.data[4 * i + 2] = 60; }
  }
  set(x: number, y: number, [r, g, b]: RGB): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const o = 4 * (Math.floor(y) * this.width + Math.floor(x));
    this.png.data[o] = r; this.png.data[o + 1] = g; this.png.data[o + 2] = b; this.png.data[o + 3] = 255;
  }
  save(path: string): void { fs.writeFileSync(path, PNG.sync.write(this.png)); }
}

/** asinh stretch between the 0.5 and 99.9 percentiles of the finite values. */
function stretcher(values: ArrayLike<number>): (v: number) => number {
  const finite = Array.from(values).filter(Number.isFinite).sort((a, b) => a - b);
  const lo = finite[Math.floor(0.005 * (finite.length - 1))] ?? 0, hi = finite[Math.floor(0.999 * (finite.length - 1))] ?? 1;
  const a = 0.1, norm = Math.asinh(1 / a);
  return (v) => (Number.isFinite(v) ? Math.asinh(Math.max(0, (v - lo) / (hi - lo || 1)) / a) / norm : NaN);
}

/** Draws a W x H plane (row 0 = south) into a T x T box at (ox, oy), aspect kept, north up. */
function drawPlane(c: Canvas, plane: ArrayLike<number>, W: number, H: number, ox: number, oy: number, size = T, st = stretcher(plane)): number {
  const s = Math.max(W, H) / size;
  const dx = (size - W / s) / 2, dy = (size - H / s) / 2;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const sx = Math.floor((x - dx) * s), sy = H - 1 - Math.floor((y - dy) * s);
      if (sx < 0 || sy < 0 || sx >= W || sy >= H) continue;
      c.set(ox + x, oy + y, colour(st(plane[sy * W + sx]!)));
    }
  }
  return s;
}

function drawBeam(c: Canvas, bmaj: number, bmin: number, bpa: number, scale: number, ox: number, oy: number): void {
  const a = bmaj / 2 / scale, b = bmin / 2 / scale, pa = (bpa * Math.PI) / 180;
  const cx = ox + 4 + a, cy = oy + T - 4 - a;
  for (let t = 0; t < 360; t += 2) {
    const u = (t * Math.PI) / 180, along = a * Math.cos(u), across = b * Math.sin(u);
    // Major axis along (-sin PA, cos PA) in (x, north); screen y grows downwards.
    const x = -along * Math.sin(pa) + across * Math.cos(pa), y = along * Math.cos(pa) + across * Math.sin(pa);
    c.set(cx + x, cy - y, [80, 255, 80]);
  }
}

function plotSpectrum(c: Canvas, v: number[], s: number[], vsys: number, ox: number, oy: number): void {
  const order = v.map((_, i) => i).sort((a, b) => v[a]! - v[b]!);
  const vs = order.map((i) => v[i]!), ys = order.map((i) => s[i]!);
  const vlo = vs[0]!, vhi = vs.at(-1)!;
  const ymax = Math.max(...ys.map(Math.abs), 1e-30), ymin = Math.min(0, ...ys);
  for (let x = 0; x < T; x++) for (let y = 0; y < T; y++) c.set(ox + x, oy + y, [245, 245, 245]);
  const X = (vv: number) => 3 + ((vv - vlo) / (vhi - vlo || 1)) * (T - 6);
  const Y = (yy: number) => T - 4 - ((yy - ymin) / (ymax - ymin || 1)) * (T - 8);
  for (let y = 0; y < T; y++) c.set(ox + X(vsys), oy + y, [150, 150, 255]);
  for (let x = 0; x < T; x++) c.set(ox + x, oy + Y(0), [200, 200, 200]);
  for (let i = 0; i + 1 < vs.length; i++) {
    for (let t = 0; t <= 20; t++) {
      const f = t / 20;
      c.set(ox + X(vs[i]! + f * (vs[i + 1]! - vs[i]!)), oy + Y(ys[i]! + f * (ys[i + 1]! - ys[i]!)), [0, 0, 0]);
    }
    c.set(ox + X(vs[i]!), oy + Y(ys[i]!) - 1, [220, 0, 0]);
  }
}

/** The first perClass items of each class (scanning indices from 0). */
function itemsByClass(): Map<string, number[]> {
  const classes = SURVEY_CLASSES[kind];
  const out = new Map<string, number[]>(classes.map((c) => [c, []]));
  for (let i = 0; [...out.values()].some((l) => l.length < perClass); i++) {
    const it = surveyItem(seed, i, { kind, ranges });
    const l = out.get(it.className)!;
    if (l.length < perClass) l.push(i);
  }
  return out;
}

const byClass = itemsByClass();
if (kind === 'disks') {
  const gap = 4, classes = [...byClass.keys()];
  const c = new Canvas(perClass * (T + gap) + gap, classes.length * (T + gap) + gap);
  classes.forEach((cls, row) => {
    byClass.get(cls)!.forEach((index, col) => {
      const r = renderSurveyItem(seed, index, { kind, ranges });
      const f = r.frame, ox = gap + col * (T + gap), oy = gap + row * (T + gap);
      const scale = drawPlane(c, r.image.data, f.width, f.height, ox, oy);
      drawBeam(c, f.beamMajor, f.beamMinor, f.beamPa, scale, ox, oy);
    });
  });
  c.save(args.out!);
  console.log(`${args.out}: rows ${classes.join(', ')}`);
} else {
  for (const [cls, indices] of byClass) {
    const panels = 9, gap = 3;
    const c = new Canvas(panels * (T + gap) + gap, indices.length * (T + gap) + gap);
    indices.forEach((index, row) => {
      const r = renderSurveyItem(seed, index, { kind, ranges });
      if (r.kind !== 'cubes') return;
      const f = r.frame, p = r.cube, img = r.image as RenderedSurveyCube, W = f.width, H = f.height, N = p.channels;
      const oy = gap + row * (T + gap);
      const at = (k: number, x: number, y: number) => img.data[(k * H + y) * W + x]!;
      const m0 = new Float32Array(W * H);
      for (let k = 0; k < N; k++) for (let i = 0; i < W * H; i++) m0[i]! += img.data[k * W * H + i]!;
      let x0 = gap;
      const scale = drawPlane(c, m0, W, H, x0, oy);
      drawBeam(c, f.beamMajor, f.beamMinor, f.beamPa, scale, x0, oy);
      x0 += T + gap;
      const v = channelVelocities(p);
      const chanSt = stretcher(img.data);
      for (const frac of [-0.66, -0.33, 0, 0.33, 0.66]) {
        const target = p.vsys + frac * p.extent;
        let best = 0;
        v.forEach((vv, k) => { if (Math.abs(vv - target) < Math.abs(v[best]! - target)) best = k; });
        drawPlane(c, img.data.subarray(best * W * H, (best + 1) * W * H), W, H, x0, oy, T, chanSt);
        x0 += T + gap;
      }
      // PV cut along the major axis (PA east of north; east is -x).
      const cx = (W - 1) / 2 + f.offsetX, cy = (H - 1) / 2 + f.offsetY, pa = (f.positionAngle * Math.PI) / 180;
      const ux = -Math.sin(pa), uy = Math.cos(pa), L = 1.3 * f.radius, P = 48;
      const order = v.map((_, i) => i).sort((a, b) => v[a]! - v[b]!);
      const pv = new Float32Array(P * N);
      for (let j = 0; j < N; j++) {
        for (let i = 0; i < P; i++) {
          const s = -L + ((i + 0.5) / P) * 2 * L, x = Math.round(cx + s * ux), y = Math.round(cy + s * uy);
          pv[j * P + i] = x >= 0 && y >= 0 && x < W && y < H ? at(order[j]!, x, y) : NaN;
        }
      }
      // Stretch rows to a square panel: velocity increases upwards.
      const pvSq = new Float32Array(P * P);
      for (let y = 0; y < P; y++) for (let x = 0; x < P; x++) pvSq[y * P + x] = pv[Math.min(N - 1, Math.floor((y / P) * N)) * P + x]!;
      drawPlane(c, pvSq, P, P, x0, oy);
      x0 += T + gap;
      const spectrum = (rad: number) => v.map((_, k) => {
        let s = 0;
        for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
          if ((x - cx) ** 2 + (y - cy) ** 2 <= rad * rad) { const a = at(k, x, y); if (Number.isFinite(a)) s += a; }
        }
        return s;
      });
      plotSpectrum(c, v, spectrum(f.radius), p.vsys, x0, oy);
      x0 += T + gap;
      plotSpectrum(c, v, spectrum(0.6 * f.beamMajor), p.vsys, x0, oy);
    });
    const out = args.out!.replace(/\.png$/, `-${cls}.png`);
    c.save(out);
    console.log(`${out}: ${indices.length} ${cls} cubes`);
  }
}
