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
import { byBlock, weighedBlocks } from './quality-metrics.ts';

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
const version = stored.descriptor_version;
const other = version === 2 ? 1 : 2;
/** Each image read once, then described in the run's descriptor version and in the other one. */
const framed = items.map((_, i) => { const s = source.get(i); return { ...s, mask: s.mask ?? new Uint8Array(s.width * s.height).fill(1) }; });
const described = framed.map((f) => descriptorBlocks(f, 'morphology', config.coordinates === 'polar', version));
const describedOther = framed.map((f) => descriptorBlocks(f, 'morphology', config.coordinates === 'polar', other));
const blocks = described.map((d) => d.map((b) => b.values));
console.log(projectFile, 'network dims', net[0]!.length, `descriptor version ${version}, blocks`, blocks[0]!.map((b) => b.length));

const B = byBlock(blocks);
/** The network part (weight w) beside the descriptor blocks (weights bw), as embeddings weigh them. */
const joined = (w: number | null, bw: number[]) => weighedBlocks([...(w === null ? [] : [net]), ...B], [...(w === null ? [] : [w]), ...bw]);
/** The blocks as embeddings weigh them (descriptor.ts), or all alike. */
const alike = described[0]!.map((b) => b.weight);
const same = B.map(() => 1);
const report = (name: string, vs: Float32Array[]) => {
  const e = evaluateLabels(vs, names);
  console.log(`${name.padEnd(36)} kNN ${(100 * e.knn.accuracy).toFixed(1)} probe ${(100 * e.linearProbe.accuracy).toFixed(1)} P@10 ${(100 * e.precisionAtK).toFixed(1)}  ` + e.classes.map((c) => `${c} ${(100 * e.knn.perClass[c]!).toFixed(0)}`).join(' '));
};
report('network only', joined(1, B.map(() => 0)));
report('descriptor only (as weighed)', joined(null, alike));
report('descriptor only (blocks alike)', joined(null, same));
report('network 1/2, blocks share 1/2', joined(Math.sqrt(B.length), alike));
report('network and blocks as embeddings weigh them', joined(1, alike));
report('network and each block alike', joined(1, same));
report('network 1/3, blocks 2/3', joined(Math.sqrt(B.length / 2), alike));
report('network + block 0 only (radial)', joined(1, B.map((_, b) => (b === 0 ? 1 : 0))));
for (const w of [0.25, 0.5, 0.7]) report(`network weight ${w} of a block`, joined(w, alike));
// The same network part beside the other descriptor version (images): what the descriptor's version alone changes.
if (kind === 'disks') {
  const B2 = byBlock(describedOther.map((d) => d.map((b) => b.values)));
  report(`network and version ${other} blocks`, weighedBlocks([net, ...B2], [1, ...describedOther[0]!.map((b) => b.weight)]));
  report(`version ${other} descriptor only`, weighedBlocks(B2, describedOther[0]!.map((b) => b.weight)));
}
