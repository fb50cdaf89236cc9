import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cosineSimilarities, knnAccuracy } from '../../../bench/quality-metrics.ts';
import { axisKinds, HduList, linearWcs } from '../../../src-main/fits/index.ts';
import type { HeaderLike } from '../../../src-main/fits/wcs.ts';
import { DEFAULT_PREPROCESS, preprocess } from '../../../src-main/model/data/index.ts';
import { Rng } from '../../../src-main/base/random.ts';
import {
  channelVelocities, DEFAULT_SURVEY_RANGES, INT16_BLANK, radialCheck, renderItem, renderSurveyItem, spectralCards, storedShape, SURVEY_CLASSES,
  SURVEY_FORMATS, surveyColumns, surveyItem, writeSurveyDataset, type RenderedSurveyCube, type SurveyItem,
} from '../../../src-main/synthetic/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'survey-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FWHM = 2 * Math.sqrt(2 * Math.log(2));
const disks = (seed: number, n: number) => Array.from({ length: n }, (_, i) => surveyItem(seed, i, { kind: 'disks' }));
const cubes = (seed: number, n: number) => Array.from({ length: n }, (_, i) => surveyItem(seed, i, { kind: 'cubes' }));
const fraction = (items: SurveyItem[], test: (it: SurveyItem) => boolean) => items.filter(test).length / items.length;
const headerOf = (cards: Record<string, unknown>): HeaderLike => ({ get: (k: string) => cards[k] as never });

describe('survey benchmark: drawing', () => {
  it('item i is a pure function of (seed, i, ranges); classes are balanced in blocks; no label in names', () => {
    const a = renderSurveyItem(7, 3, { kind: 'disks' }), b = renderSurveyItem(7, 3, { kind: 'disks' });
    expect(a.image.data).toEqual(b.image.data);
    expect(renderSurveyItem(8, 3, { kind: 'disks' }).frame).not.toEqual(a.frame);
    const c1 = renderSurveyItem(7, 1, { kind: 'cubes' }), c2 = renderSurveyItem(7, 1, { kind: 'cubes' });
    expect(c1.image.data).toEqual(c2.image.data);
    for (const kind of ['disks', 'cubes'] as const) {
      const classes = SURVEY_CLASSES[kind], n = classes.length;
      const labels = Array.from({ length: 4 * n }, (_, i) => surveyItem(3, i, { kind }).className);
      for (let block = 0; block < 4; block++) expect(new Set(labels.slice(block * n, (block + 1) * n)).size).toBe(n);
      expect(labels.slice(0, n)).not.toEqual(labels.slice(n, 2 * n)); // seeded order, not a fixed cycle
    }
    // Overrides shift a range; unknown keys, classes and impossible ranges are refused.
    for (let i = 0; i < 30; i++) {
      const f = surveyItem(1, i, { kind: 'disks', ranges: { snr: [8, 15], size: [160, 256] } }).frame;
      expect(f.snr).toBeGreaterThanOrEqual(8); expect(f.snr).toBeLessThanOrEqual(15);
      expect(Math.min(f.width, f.height)).toBeGreaterThanOrEqual(160);
    }
    // Same seed, shifted ranges: other objects, not the same ones re-observed (no train/test overlap).
    const same = Array.from({ length: 20 }, (_, i) => [surveyItem(1, i, { kind: 'disks', ranges: { snr: [15, 300] } }).frame,
      surveyItem(1, i, { kind: 'disks', ranges: { snr: [8, 15] } }).frame] as const);
    expect(same.filter(([x, y]) => x.inclination === y.inclination || x.positionAngle === y.positionAngle)).toHaveLength(0);
    expect(surveyItem(1, 5, { kind: 'disks', ranges: { snr: [8, 300] } }).frame).toEqual(surveyItem(1, 5, { kind: 'disks' }).frame);
    expect(() => surveyItem(1, 0, { kind: 'disks', ranges: { sn: [1, 2] } as never })).toThrow(/sn/);
    expect(() => surveyItem(1, 0, { kind: 'disks', ranges: { snr: [15, 8] } })).toThrow(/snr/);
    expect(() => surveyItem(1, 0, { kind: 'disks', ranges: { size: [16, 16] } })).toThrow(/radius/);
    expect(() => surveyItem(1, 0, { kind: 'disks', classes: ['ring', 'donut'] })).toThrow(/donut/);
    expect(() => surveyItem(1, 0, { kind: 'disks', ranges: { formats: { png: 1 } as never } })).toThrow(/png/);
    expect(() => surveyItem(1, 0, { kind: 'galaxies' as never })).toThrow(/kind/);
  });

  it('draws every disk parameter within its stated range', () => {
    const r = DEFAULT_SURVEY_RANGES.disks, items = disks(11, 600);
    let nonSquare = 0, cosSum = 0;
    for (const it of items) {
      const f = it.frame;
      for (const side of [f.width, f.height]) { expect(side).toBeGreaterThanOrEqual(48); expect(side).toBeLessThanOrEqual(256); }
      if (f.width !== f.height) {
        nonSquare++;
        expect(f.height / f.width).toBeGreaterThanOrEqual(0.65 - 1 / f.width);
        expect(f.height / f.width).toBeLessThanOrEqual(1.5 + 1 / f.width);
      }
      expect(f.beamMajor).toBeGreaterThanOrEqual(2); expect(f.beamMajor).toBeLessThanOrEqual(6);
      expect(f.beamMinor).toBeGreaterThanOrEqual(2 - 1e-9); expect(f.beamMinor).toBeLessThanOrEqual(f.beamMajor);
      expect(f.beamMinor / f.beamMajor).toBeGreaterThanOrEqual(0.6 - 1e-9);
      expect(Math.abs(f.beamPa)).toBeLessThanOrEqual(90);
      const half = Math.min(f.width, f.height) / 2;
      expect(f.radius / half).toBeGreaterThanOrEqual(0.3 - 1e-9); expect(f.radius / half).toBeLessThanOrEqual(0.85 + 1e-9);
      expect(f.inclination).toBeGreaterThanOrEqual(0); expect(f.inclination).toBeLessThanOrEqual(70);
      cosSum += Math.cos((f.inclination * Math.PI) / 180);
      expect(f.positionAngle).toBeGreaterThanOrEqual(0); expect(f.positionAngle).toBeLessThan(180);
      expect(Math.abs(f.offsetX)).toBeLessThanOrEqual(0.1 * f.width); expect(Math.abs(f.offsetY)).toBeLessThanOrEqual(0.1 * f.height);
      expect(f.flux).toBeGreaterThanOrEqual(1e-3); expect(f.flux).toBeLessThanOrEqual(1);
      expect(f.snr).toBeGreaterThanOrEqual(8); expect(f.snr).toBeLessThanOrEqual(300);
      expect(SURVEY_FORMATS).toContain(f.format);
      if (it.kind !== 'disks') continue;
      const d = it.disk;
      if (d.spiral) { expect(d.spiral.pitch).toBeGreaterThanOrEqual(12); expect(d.spiral.pitch).toBeLessThanOrEqual(30); }
      if (d.binary) { expect(d.binary.fluxRatio).toBeGreaterThanOrEqual(1); expect(d.binary.fluxRatio).toBeLessThanOrEqual(10); }
      if (d.crescent) { expect(d.crescent.contrast).toBeGreaterThanOrEqual(4); expect(d.crescent.contrast).toBeLessThanOrEqual(40); }
      if (d.className === 'smooth') for (const g of d.gaps) { expect(g.depth).toBeGreaterThanOrEqual(0.1); expect(g.depth).toBeLessThanOrEqual(0.25); }
      if (d.className === 'ring') {
        // A ring's own azimuthal modulation stays well below a crescent's contrast of 4.
        const m = d.modulation;
        expect((1 + m.m1 + m.m2) / (1 - m.m1 - m.m2)).toBeLessThan(2.1);
      }
      if (d.className === 'multi-ring') {
        const count = d.gaps.length > 0 ? d.gaps.length : d.rings.length;
        expect(count).toBeGreaterThanOrEqual(2); expect(count).toBeLessThanOrEqual(3);
        for (const g of d.gaps) expect(g.depth).toBeGreaterThanOrEqual(0.6);
      }
    }
    // The fifth that is non-square, isotropic inclinations (mean cos i of uniform cos over 0-70 deg), flux over 3 decades.
    expect(nonSquare / items.length).toBeGreaterThan(0.13); expect(nonSquare / items.length).toBeLessThan(0.27);
    expect(cosSum / items.length).toBeCloseTo((1 + Math.cos((70 * Math.PI) / 180)) / 2, 1);
    const fluxes = items.map((it) => Math.log10(it.frame.flux));
    expect(Math.max(...fluxes) - Math.min(...fluxes)).toBeGreaterThan(2.7);
    expect(fraction(items, (it) => it.frame.pbRadius > 0)).toBeGreaterThan(0.05);
    expect(fraction(items, (it) => it.frame.pbRadius > 0)).toBeLessThan(0.16);
    expect(fraction(items, (it) => it.frame.gzip)).toBeGreaterThan(0.15);
    for (const f of SURVEY_FORMATS) expect(fraction(items, (it) => it.frame.format === f), f).toBeGreaterThan(0.08);
    expect(r.snr).toEqual([8, 300]);
  });

  it('keeps each disk class identifiable at the drawn resolution', () => {
    const items = disks(12, 600);
    for (const it of items) {
      if (it.kind !== 'disks') continue;
      const f = it.frame, b = f.beamMajor, d = it.disk, R = f.radius;
      expect(R / b, `item ${it.index}`).toBeGreaterThanOrEqual(3.5 - 1e-9);
      if (d.className === 'ring' || d.className === 'crescent') {
        const ring = d.rings[0]!;
        expect(ring.radius / b).toBeGreaterThanOrEqual(1.5 - 1e-9);
        // The cavity inside the ring's inner half maximum spans >= 0.75 beam in radius.
        expect(ring.radius - (FWHM / 2) * ring.sigmaIn).toBeGreaterThanOrEqual(0.75 * b - 1e-9);
        if (d.innerDisk) expect(2 * d.innerDisk.sigma).toBeLessThan(ring.radius - (FWHM / 2) * ring.sigmaIn);
      }
      if (d.className === 'multi-ring') {
        const radii = d.gaps.length > 0 ? d.gaps.map((g) => g.radius) : [...(d.innerDisk ? [0] : []), ...d.rings.map((r) => r.radius)];
        for (let k = 1; k < radii.length; k++) expect((radii[k]! - radii[k - 1]!) / b, `item ${it.index}`).toBeGreaterThanOrEqual(1.6 - 1e-9);
        for (const g of d.gaps) expect(FWHM * g.sigma).toBeGreaterThanOrEqual(0.8 * b - 1e-9); // gaps resolved
        expect(d.keyScaleBeams).toBeGreaterThanOrEqual(1.6 - 1e-9);
      }
      if (d.binary) {
        const [c1, c2] = d.binary.components;
        expect(d.binary.separation / b).toBeGreaterThanOrEqual(1.8 - 1e-9);
        expect(d.binary.separation * c2.fluxFraction + c1.radius).toBeLessThanOrEqual(R + 1e-9);
        expect(d.binary.separation * c1.fluxFraction + c2.radius).toBeLessThanOrEqual(R + 1e-9);
        // The fainter component stays above the noise: flux ratio <= SNR / 5.
        expect(d.binary.fluxRatio).toBeLessThanOrEqual(Math.max(1, f.snr / 5) + 1e-9);
      }
      if (d.spiral) expect((Math.PI * 0.6 * R * Math.sin((d.spiral.pitch * Math.PI) / 180)) / b).toBeGreaterThanOrEqual(1.6 - 1e-9);
      // In the beam-convolved radial profile: a ring's cavity dips >= 30%, multi-rings show >= 2 rings dipping
      // >= 15%, and a smooth disk's shallow gap never makes a ring (dip < 5%).
      const check = radialCheck(d, b);
      expect(check.ok, `item ${it.index} ${d.className} ${d.variant}`).toBe(true);
      if (d.className === 'ring' || d.className === 'crescent') expect(d.featureContrast).toBeGreaterThanOrEqual(0.3);
      if (d.className === 'multi-ring') expect(d.featureContrast).toBeGreaterThanOrEqual(0.15);
      if (d.className === 'smooth') expect(d.featureContrast).toBeLessThan(0.05);
    }
    for (const cls of SURVEY_CLASSES.disks) expect(items.filter((it) => it.className === cls)).toHaveLength(100);
  });

  it('radial check: a resolved ring shows its cavity, the same ring under a 3x larger beam does not', () => {
    const item = surveyItem(12, 0, { kind: 'disks', classes: ['ring'] });
    if (item.kind !== 'disks') throw new Error('disk expected');
    const b = item.frame.beamMajor, ring = item.disk.rings[0]!;
    expect(radialCheck(item.disk, b).ok).toBe(true);
    expect(radialCheck(item.disk, (3 * ring.radius) / 1.5).ok).toBe(false);
  });

  it('draws every cube parameter within its stated range, the band covering the line', () => {
    const items = cubes(13, 400);
    const seen = new Set<string>();
    let cosSum = 0;
    for (const it of items) {
      if (it.kind !== 'cubes') continue;
      const f = it.frame, c = it.cube;
      for (const side of [f.width, f.height]) { expect(side).toBeGreaterThanOrEqual(32); expect(side).toBeLessThanOrEqual(96); }
      expect(f.beamMajor).toBeGreaterThanOrEqual(2); expect(f.beamMajor).toBeLessThanOrEqual(6);
      expect(f.radius / f.beamMajor).toBeGreaterThanOrEqual(3.5 - 1e-9);
      expect(f.inclination).toBeGreaterThanOrEqual(15); expect(f.inclination).toBeLessThanOrEqual(75);
      cosSum += Math.cos((f.inclination * Math.PI) / 180);
      expect(f.snr).toBeGreaterThanOrEqual(8); expect(f.snr).toBeLessThanOrEqual(300);
      expect(Number.isInteger(c.channels)).toBe(true);
      expect(c.channels).toBeGreaterThanOrEqual(8); expect(c.channels).toBeLessThanOrEqual(24);
      expect(Math.abs(c.lineOffset)).toBeLessThanOrEqual(1);
      // Line centre within a channel of the band centre, and the band holds the line's 99% extent.
      expect(Math.abs(c.vsys - c.bandCentre)).toBeLessThanOrEqual(c.channelWidth + 1e-9);
      expect((c.channels / 2 - Math.abs(c.lineOffset)) * c.channelWidth).toBeGreaterThanOrEqual(c.extent - 1e-9);
      seen.add(`${c.specType}${c.direction}`);
      if (c.infall) expect(c.infall.shift).toBeGreaterThan(0); // absorber red-shifted: the blue peak is the brighter
    }
    expect([...seen].sort()).toEqual(['FREQ-1', 'FREQ1', 'VRAD-1', 'VRAD1']);
    expect(cosSum / items.length).toBeCloseTo((Math.cos((15 * Math.PI) / 180) + Math.cos((75 * Math.PI) / 180)) / 2, 1);
  });
});

describe('survey benchmark: rendering', () => {
  it('conserves flux through the beam and realises the drawn peak SNR with beam-correlated noise', () => {
    for (const kind of ['disks', 'cubes'] as const) {
      for (let i = 0; i < 8; i++) {
        const item = surveyItem(31, i, { kind, ranges: { pbMask: 0, size: [96, 128] } });
        const f = item.frame;
        const clean = renderItem({ ...item, frame: { ...f, snr: Infinity } } as SurveyItem).image;
        const noisy = renderItem(item).image;
        const beamArea = (Math.PI * f.beamMajor * f.beamMinor) / (4 * Math.log(2));
        const dv = item.kind === 'cubes' ? item.cube.channelWidth : 1;
        let sum = 0, ss = 0, same = 0;
        for (let p = 0; p < clean.data.length; p++) {
          sum += clean.data[p]!;
          const n0 = noisy.data[p]! - clean.data[p]!;
          ss += n0 * n0;
          if ((p + 1) % f.width !== 0) same += n0 * (noisy.data[p + 1]! - clean.data[p + 1]!);
        }
        // Flux: 90% of the emission lies within R, the field holds more than R; cubes lose <= 1% outside the band.
        expect((sum * dv) / beamArea / f.flux, `${kind} ${i}`).toBeGreaterThan(0.95);
        expect((sum * dv) / beamArea / f.flux, `${kind} ${i}`).toBeLessThan(1.001);
        const rms = Math.sqrt(ss / clean.data.length);
        expect(rms / noisy.noiseRms, `${kind} ${i}`).toBeGreaterThan(0.8);
        expect(rms / noisy.noiseRms, `${kind} ${i}`).toBeLessThan(1.2);
        expect(same / ss).toBeGreaterThan(0.5); // neighbouring noise pixels alike: correlated on the beam scale
        if (item.kind === 'disks' && 'peak' in noisy) expect(noisy.peak / noisy.noiseRms).toBeCloseTo(f.snr, 6);
        if (item.kind === 'cubes' && 'peakMoment0' in noisy) {
          expect(noisy.peakMoment0 / (noisy.noiseRms * dv * Math.sqrt(item.cube.channels))).toBeCloseTo(f.snr, 6);
        }
      }
    }
  });

  it('writes a 480-disk survey and 240 cubes fast enough', { timeout: 240_000 }, () => {
    // Full-size sets take ~15 s each on one core (bench/make-survey.ts prints it); here a tenth of each.
    const d = writeSurveyDataset(join(dir, 'speed-disks'), { kind: 'disks', n: 48, seed: 101 });
    const c = writeSurveyDataset(join(dir, 'speed-cubes'), { kind: 'cubes', n: 24, seed: 101 });
    console.log(`48 disks in ${d.seconds.toFixed(2)} s (${((1000 * d.seconds) / 48).toFixed(0)} ms each), `
      + `24 cubes in ${c.seconds.toFixed(2)} s (${((1000 * c.seconds) / 24).toFixed(0)} ms each)`);
    expect(d.seconds / 48).toBeLessThan(0.5);
    expect(c.seconds / 24).toBeLessThan(1);
  });
});

describe('survey benchmark: files', () => {
  it('writes every format readable through src-main/fits with the right shape and values', () => {
    for (const kind of ['disks', 'cubes'] as const) {
      for (const format of SURVEY_FORMATS) {
        const out = join(dir, `${kind}-${format}`);
        const ranges = { formats: { [format]: 1 }, pbMask: 0.6, gzip: 0.5, size: [48, 72] as [number, number] };
        const { items, labels } = writeSurveyDataset(out, { kind, n: kind === 'disks' ? 6 : 4, seed: 21, ranges });
        const rows = readFileSync(labels, 'utf8').trim().split('\n').map((l) => l.split(','));
        expect(rows[0]).toEqual(surveyColumns(kind));
        expect(rows).toHaveLength(items.length + 1);
        const col = (name: string) => rows[0]!.indexOf(name);
        for (const name of ['file', 'label', 'width', 'height', 'beam', 'snr', 'inclination_deg', 'flux', 'format']) expect(col(name), name).toBeGreaterThanOrEqual(0);
        expect(new Set(readdirSync(out))).toEqual(new Set([...items.map((it) => it.file), 'labels.csv']));
        items.forEach((w, i) => {
          const row = rows[i + 1]!;
          expect(row[col('file')]).toBe(w.file);
          expect(row[col('label')]).toBe(w.label);
          expect(w.file).not.toContain(w.label);
          expect(row[col('format')]).toBe(format);
          expect(w.file.endsWith('.gz')).toBe(w.item.frame.gzip);
          const expected = renderSurveyItem(21, i, { kind, ranges }).image;
          const list = HduList.open(join(out, w.file));
          try {
            const img = list.primaryImage();
            expect(img.shape).toEqual(storedShape(expected.shape, format));
            expect(img.bitpix).toBe(format === 'int16' ? 16 : format === 'float64' ? -64 : -32);
            expect(img.header.get('BUNIT')).toBe('Jy/beam');
            expect(img.header.get('CTYPE1')).toBe('RA---SIN');
            expect(img.header.get('CTYPE2')).toBe('DEC--SIN');
            expect(Number(img.header.get('BMAJ'))).toBeGreaterThanOrEqual(Number(img.header.get('BMIN')));
            expect(img.header.get('OBJECT')).not.toContain(w.label);
            const kinds = axisKinds(img.header, img.shape.length);
            expect(kinds.slice(0, 2)).toEqual(['spatial', 'spatial']);
            if (format === '4d') expect(kinds.slice(2)).toEqual(['spectral', 'stokes']);
            const [W, H] = expected.shape as [number, number];
            const planes = expected.shape[2] ?? 1;
            const f = w.item.frame;
            let masked = 0, wrongMask = 0, worst = 0, peak = 0;
            for (const v of expected.data) if (Number.isFinite(v)) peak = Math.max(peak, Math.abs(v));
            for (let k = 0; k < planes; k++) {
              const got = img.readPlane(k);
              const want = expected.data.subarray(k * W * H, (k + 1) * W * H);
              for (let p = 0; p < W * H; p++) {
                const x = p % W, y = Math.floor(p / W);
                const outside = f.pbRadius > 0 && (x - (W - 1) / 2) ** 2 + (y - (H - 1) / 2) ** 2 > f.pbRadius ** 2;
                if (Number.isNaN(got[p]!) !== outside || Number.isNaN(want[p]!) !== outside) wrongMask++;
                if (outside) { masked++; continue; }
                worst = Math.max(worst, Math.abs(got[p]! - want[p]!));
              }
            }
            expect(wrongMask, `${w.file}: NaN exactly outside the primary-beam circle`).toBe(0);
            // Floats exact; 16-bit within half a quantisation step of the full range.
            expect(worst, w.file).toBeLessThanOrEqual(format === 'int16' ? peak / 30000 : 0);
            if (f.pbRadius > 0) expect(masked).toBeGreaterThan(0);
            if (format === 'int16' && f.pbRadius > 0) {
              expect(img.header.get('BLANK')).toBe(INT16_BLANK);
              expect(Array.from(img.readRaw() as Int16Array).filter((v) => v === INT16_BLANK)).toHaveLength(masked);
            }
          } finally {
            list.close();
          }
        });
        expect(items.some((it) => it.item.frame.pbRadius > 0), `${kind} ${format}: some masked`).toBe(true);
      }
    }
  });

  it('cube spectral WCS round-trips through wcs.ts: type, direction and channel velocities', () => {
    // From the drawn parameters (many) ...
    for (const it of cubes(14, 200)) {
      if (it.kind !== 'cubes') continue;
      const c = it.cube, cards = { NAXIS: 3, ...spectralCards(c) };
      const wcs = linearWcs(headerOf(cards));
      expect(wcs.axes[2]!.ctype).toBe(c.specType);
      expect(wcs.axes[2]!.cunit).toBe(c.specType === 'VRAD' ? 'm/s' : 'Hz');
      expect(wcs.restFrequency).toBe(c.restFrequency);
      const v = channelVelocities(c);
      for (let k = 0; k < c.channels; k++) {
        expect(wcs.spectralValue(2, wcs.axisValue(2, k), 'VRAD') / 1000).toBeCloseTo(v[k]!, 6);
      }
      const dir = Math.sign(wcs.spectralValue(2, wcs.axisValue(2, c.channels - 1), 'VRAD') - wcs.spectralValue(2, wcs.axisValue(2, 0), 'VRAD'));
      expect(dir).toBe(c.direction);
      // Frequency falls as radio velocity rises.
      const df = wcs.spectralValue(2, wcs.axisValue(2, 1), 'FREQ') - wcs.spectralValue(2, wcs.axisValue(2, 0), 'FREQ');
      expect(Math.sign(df)).toBe(-c.direction);
    }
    // ... and from files on disk.
    const out = join(dir, 'wcs');
    const { items } = writeSurveyDataset(out, { kind: 'cubes', n: 8, seed: 4, ranges: { size: [32, 48] } });
    for (const w of items) {
      if (w.item.kind !== 'cubes') continue;
      const list = HduList.open(join(out, w.file));
      try {
        const img = list.primaryImage();
        const wcs = linearWcs(img.header);
        expect(wcs.spectralAxis).toBe(2);
        expect(img.header.get('SPECSYS')).toBe('LSRK');
        const v = channelVelocities(w.item.cube);
        for (let k = 0; k < v.length; k++) expect(wcs.spectralValue(2, wcs.axisValue(2, k), 'VRAD') / 1000).toBeCloseTo(v[k]!, 6);
      } finally {
        list.close();
      }
    }
  });
});

describe('survey benchmark: cube classes differ only in their spectra', () => {
  it('raw moment-0 maps give chance kNN accuracy; velocity-ordered annulus spectra do not', { timeout: 180_000 }, () => {
    const t0 = performance.now();
    const n = 240, labels: string[] = [], moment0: Float32Array[] = [], spectra: Float32Array[] = [];
    for (let i = 0; i < n; i++) {
      const r = renderSurveyItem(5, i, { kind: 'cubes' });
      const img = r.image as RenderedSurveyCube;
      const [W, H, N] = img.shape as [number, number, number];
      labels.push(r.className);
      // (a) The channel-summed map as the model would see it: cube binned to one channel, preprocessed.
      moment0.push(preprocess(img.data, img.shape, { ...DEFAULT_PREPROCESS, size: 24, channels: 1, cube: 'bin' }).data);
      // (b) Spectra in three annuli about the emission centroid, in velocity order from the header WCS,
      //     each normalised: rotation- and position-invariant, and blind to the labels and parameters.
      const wcs = linearWcs(headerOf({ NAXIS: 3, ...img.cards }));
      const v = Array.from({ length: N }, (_, k) => wcs.spectralValue(2, wcs.axisValue(2, k), 'VRAD'));
      const m0 = new Float64Array(W * H);
      for (let k = 0; k < N; k++) for (let p = 0; p < W * H; p++) { const x = img.data[k * W * H + p]!; if (Number.isFinite(x)) m0[p]! += x; }
      const peak = Math.max(...m0);
      let sw = 0, sx = 0, sy = 0, s2 = 0;
      for (let p = 0; p < W * H; p++) { const w = Math.max(0, m0[p]! - 0.2 * peak); sw += w; sx += w * (p % W); sy += w * Math.floor(p / W); }
      const cx = sx / sw, cy = sy / sw;
      for (let p = 0; p < W * H; p++) s2 += Math.max(0, m0[p]! - 0.2 * peak) * ((p % W - cx) ** 2 + (Math.floor(p / W) - cy) ** 2);
      const size = Math.sqrt(s2 / sw), edges = [0, 0.6, 1.2, 2], G = 16, feature = new Float32Array(3 * G);
      const order = v.map((_, k) => k).sort((a, b) => v[a]! - v[b]!);
      const u = order.map((k) => (v[k]! - v[order[0]!]!) / (v[order[N - 1]!]! - v[order[0]!]!));
      for (let a = 0; a < 3; a++) {
        const spec = new Float64Array(N);
        for (let p = 0; p < W * H; p++) {
          const d = Math.hypot(p % W - cx, Math.floor(p / W) - cy) / size;
          if (d < edges[a]! || d >= edges[a + 1]!) continue;
          for (let k = 0; k < N; k++) { const x = img.data[k * W * H + p]!; if (Number.isFinite(x)) spec[k]! += x; }
        }
        const s = order.map((k) => spec[k]!), total = s.reduce((acc, x) => acc + Math.abs(x), 0) || 1;
        for (let g = 0; g < G; g++) {
          const t = g / (G - 1);
          let j = 0;
          while (j < N - 2 && u[j + 1]! < t) j++;
          const f = (t - u[j]!) / (u[j + 1]! - u[j]!);
          feature[a * G + g] = (s[j]! * (1 - f) + s[j + 1]! * f) / total;
        }
      }
      spectra.push(feature);
    }
    const simM0 = cosineSimilarities(moment0);
    const m0 = knnAccuracy(simM0, labels, 5);
    const sp = knnAccuracy(cosineSimilarities(spectra), labels, 5);
    // The no-information reference: the same moment-0 neighbours with the labels shuffled.
    const rng = new Rng(1), nulls = Array.from({ length: 40 }, () => knnAccuracy(simM0, rng.shuffle([...labels]), 5).accuracy).sort((a, b) => a - b);
    const null95 = nulls[Math.floor(0.95 * (nulls.length - 1))]!;
    console.log(`${n} cubes rendered and measured in ${((performance.now() - t0) / 1000).toFixed(1)} s; kNN accuracy (chance 25%): `
      + `moment-0 ${(100 * m0.accuracy).toFixed(1)}% (shuffled labels: median ${(100 * nulls[20]!).toFixed(1)}%, 95th percentile `
      + `${(100 * null95).toFixed(1)}%), annulus spectra ${(100 * sp.accuracy).toFixed(1)}%`);
    expect(m0.accuracy).toBeLessThan(Math.max(null95 + 0.03, 0.33));
    expect(sp.accuracy).toBeGreaterThan(0.7);
    for (const cls of SURVEY_CLASSES.cubes) expect(sp.perClass[cls], cls).toBeGreaterThan(0.5);
  });
});
