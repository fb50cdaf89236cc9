// A kept bench:morphology project (--keep DIR) scored by parts: the network part alone, the descriptor
// blocks alone, and weightings of the two, without training again (node bench/combine-exp.ts DIR disks|cubes SEED [PROJECT]).
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { csvParse } from 'd3-dsv';
import { evaluateLabels } from '../src-main/analysis/index.ts';
import { embed, parseSettings, preprocessFor } from '../src-main/model/index.ts';
import { openSampleSource } from '../src-main/model/data/index.ts';
import { descriptorBlocks } from '../src-main/model/data/descriptor.ts';
import { Project } from '../src-main/project/index.ts';

const [keep, kind, seed] = [process.argv[2]!, process.argv[3]!, process.argv[4]!];
const dataDir = join(keep, `${kind}-${seed}`);
const labels = csvParse(readFileSync(join(dataDir, 'labels.csv'), 'utf8'));
const names = labels.map((l) => l.label!);
const projectFile = process.argv[5] ?? readdirSync(keep).filter((f) => f.startsWith('p-') && f.endsWith('.amproj')).sort().at(-1)!;
const p = Project.open(join(keep, projectFile));
const run = p.runs.list().at(-1)!;
const weights = p.checkpoints.latest(run.id)!.weights;
const stored = parseSettings(run.config);
p.close();
const config = { ...stored, embed_profile: 'none' as const, embed_standardise: false };
const items = labels.map((l) => ({ path: join(dataDir, l.file!), hdu: 0 }));
const cacheFile = join(keep, `${projectFile}.features.json`);
let net: Float32Array[] = [];
if (existsSync(cacheFile)) net = (JSON.parse(readFileSync(cacheFile, 'utf8')) as number[][]).map((v) => Float32Array.from(v));
else {
  for await (const e of embed(weights, config, { kind: 'files', items, preprocess: preprocessFor(config) })) net.push(e.vector);
  writeFileSync(cacheFile, JSON.stringify(net.map((v) => Array.from(v))));
}
const source = openSampleSource({ kind: 'files', items, preprocess: { ...preprocessFor(config) } });
const blocks = items.map((_, i) => { const s = source.get(i); return descriptorBlocks({ ...s, mask: s.mask ?? new Uint8Array(s.width * s.height).fill(1) }, 'morphology', config.coordinates === 'polar'); });
console.log(projectFile, 'network dims', net[0]!.length, 'blocks', blocks[0]!.map((b) => b.length));

function standardise(vs: Float32Array[]): Float32Array[] {
  const d = vs[0]!.length, n = vs.length, m = new Float64Array(d), s = new Float64Array(d);
  for (const v of vs) for (let j = 0; j < d; j++) { m[j]! += v[j]! / n; s[j]! += v[j]! ** 2 / n; }
  return vs.map((v) => Float32Array.from(v, (x, j) => { const sd = Math.sqrt(Math.max(0, s[j]! - m[j]! ** 2)); return (x - m[j]!) / (sd > 1e-6 ? sd : 1); }));
}
const N = standardise(net);
const B = blocks[0]!.map((_, b) => standardise(blocks.map((bl) => bl[b]!)));
function join2(parts: [Float32Array[], number][]): Float32Array[] {
  return N.map((_, i) => { const d = parts.reduce((a, [x]) => a + x[i]!.length, 0); const v = new Float32Array(d); let o = 0;
    for (const [x, w] of parts) { const len = x[i]!.length; for (let j = 0; j < len; j++) v[o + j] = x[i]![j]! * w / Math.sqrt(len); o += len; } return v; });
}
const report = (name: string, vs: Float32Array[]) => {
  const e = evaluateLabels(vs, names);
  console.log(`${name.padEnd(36)} kNN ${(100 * e.knn.accuracy).toFixed(1)} probe ${(100 * e.linearProbe.accuracy).toFixed(1)} P@10 ${(100 * e.precisionAtK).toFixed(1)}  ` + e.classes.map((c) => `${c} ${(100 * e.knn.perClass[c]!).toFixed(0)}`).join(' '));
};
report('network only', N);
report('descriptor only (blocks alike)', join2(B.map((b) => [b, 1])));
report('network 1/2, blocks share 1/2', join2([[N, Math.sqrt(B.length)], ...B.map((b) => [b, 1] as [Float32Array[], number])]));
report('network and each block alike', join2([[N, 1], ...B.map((b) => [b, 1] as [Float32Array[], number])]));
report('network 1/3, blocks 2/3', join2([[N, Math.sqrt(B.length / 2)], ...B.map((b) => [b, 1] as [Float32Array[], number])]));
report('network + block 0 only (radial)', join2([[N, 1], [B[0]!, 1]]));
for (const w of [0.25, 0.5, 0.7]) report(`network weight ${w} of a block`, join2([[N, w], ...B.map((b) => [b, 1] as [Float32Array[], number])]));
