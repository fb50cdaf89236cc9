// Writes a survey-like labelled benchmark (FITS + labels.csv): src-main/synthetic/survey.ts.
//
//   node bench/make-survey.ts --kind disks|cubes --n 480 --seed 101 --out DIR
//        [--snr 8,15] [--size 160,256] [--beam 2,6] [--radius 0.3,0.85] [--inclination 0,70] [--flux 1e-3,1]
//        [--channels 8,24] [--classes ring,spiral] [--ranges '{"pbMask":0.5,"formats":{"int16":1}}']
//
// A train/test split on shifted nuisances: the same classes, other ranges (other ranges draw other objects
// even with the same seed: the ranges are hashed into each item's seed), e.g.
//   node bench/make-survey.ts --kind disks --n 480 --seed 101 --out train --snr 15,300 --size 48,128
//   node bench/make-survey.ts --kind disks --n 480 --seed 202 --out test  --snr 8,15  --size 160,256
import { parseArgs } from 'node:util';
import {
  DEFAULT_SURVEY_RANGES, SURVEY_KINDS, writeSurveyDataset, type SurveyKind, type SurveyRangeOverrides,
} from '../src-main/synthetic/index.ts';

const { values: args } = parseArgs({
  options: {
    kind: { type: 'string', default: 'disks' }, n: { type: 'string', default: '480' }, seed: { type: 'string', default: '1' },
    out: { type: 'string' }, snr: { type: 'string' }, size: { type: 'string' }, beam: { type: 'string' }, radius: { type: 'string' },
    inclination: { type: 'string' }, flux: { type: 'string' }, channels: { type: 'string' }, classes: { type: 'string' },
    ranges: { type: 'string' },
  },
});
if (!SURVEY_KINDS.includes(args.kind as SurveyKind)) throw new Error(`--kind must be one of ${SURVEY_KINDS.join(', ')}, got ${JSON.stringify(args.kind)}`);
if (!args.out) throw new Error('--out DIR is required');
const kind = args.kind as SurveyKind;

/** "lo,hi" -> [lo, hi]; one number -> [x, x]. */
function interval(name: string, text: string): [number, number] {
  const parts = text.split(',').map((s) => Number(s.trim()));
  if (parts.length === 1) parts.push(parts[0]!);
  if (parts.length !== 2 || !parts.every(Number.isFinite)) throw new Error(`--${name} must be lo,hi (two numbers), got ${JSON.stringify(text)}`);
  return [parts[0]!, parts[1]!];
}
const ranges: SurveyRangeOverrides = args.ranges ? JSON.parse(args.ranges) : {};
for (const key of ['snr', 'size', 'beam', 'radius', 'inclination', 'flux', 'channels'] as const) {
  const text = args[key];
  if (text !== undefined) ranges[key] = interval(key, text);
}
const n = Number(args.n), seed = Number(args.seed);
if (!Number.isInteger(n) || n < 0) throw new Error(`--n must be a non-negative integer, got ${args.n}`);
if (!Number.isFinite(seed)) throw new Error(`--seed must be a number, got ${args.seed}`);

const { items, labels, seconds } = writeSurveyDataset(args.out, { kind, n, seed, ranges, classes: args.classes?.split(',') });
const counts = new Map<string, number>();
for (const it of items) counts.set(it.label, (counts.get(it.label) ?? 0) + 1);
const effective = { ...DEFAULT_SURVEY_RANGES[kind], ...ranges };
console.log(`${n} ${kind} written to ${args.out} in ${seconds.toFixed(1)} s (${((1000 * seconds) / Math.max(1, n)).toFixed(0)} ms each)`);
console.log(`classes: ${[...counts].map(([c, k]) => `${c} ${k}`).join(', ')}`);
console.log(`ranges: size ${effective.size.join('-')} px, beam ${effective.beam.join('-')} px, SNR ${effective.snr.join('-')}, inclination ${effective.inclination.join('-')} deg`
  + (kind === 'cubes' ? `, channels ${effective.channels.join('-')}` : ''));
console.log(`labels: ${labels}`);
