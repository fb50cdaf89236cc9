// Exports the bench's labelled synthetic set (preprocessed) and the ViewPairLoader's view pairs as
// raw float32 files, so bench/quality-torch.py can train a reference BYOL in PyTorch on exactly the
// same data and augmentations (a cross-check of the tfjs trainer: is a poor score the data's fault?).
//
//   node bench/quality-export.ts OUT_DIR [--n 720] [--size 32] [--epochs 20] [--batch 32] [--seed 1]
//   /usr/bin/python3 bench/quality-torch.py OUT_DIR
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_AUGMENTATIONS, DEFAULT_PREPROCESS, openSampleSource, ViewPairLoader, type SampleSourceSpec } from '../src-main/model/data/index.ts';
import { writeSyntheticDataset } from '../src-main/synthetic/index.ts';

const { values: a, positionals } = parseArgs({
  allowPositionals: true,
  options: { n: { type: 'string', default: '720' }, size: { type: 'string', default: '32' }, epochs: { type: 'string', default: '20' },
    batch: { type: 'string', default: '32' }, seed: { type: 'string', default: '1' } },
});
const out = positionals[0];
if (!out) throw new Error('usage: node bench/quality-export.ts OUT_DIR [--n 720] [--size 32] [--epochs 20] [--batch 32] [--seed 1]');
const N = Number(a.n), S = Number(a.size), EPOCHS = Number(a.epochs), B = Number(a.batch), SEED = Number(a.seed);
mkdirSync(out, { recursive: true });
const fits = mkdtempSync(join(tmpdir(), 'astromorph-quality-export-'));
try {
  const { items } = writeSyntheticDataset(fits, { n: N, seed: SEED, formats: ['float32', 'int16-bscale', '4d-alma', 'gz'] });
  const spec: SampleSourceSpec = { kind: 'files', items: items.map((it) => ({ path: join(fits, it.file), hdu: 0 })), preprocess: { ...DEFAULT_PREPROCESS, size: S } };
  const source = openSampleSource(spec);
  const images = new Float32Array(N * S * S);
  for (let i = 0; i < N; i++) images.set(source.get(i).data, i * S * S);
  writeFileSync(join(out, 'images.f32'), images);
  writeFileSync(join(out, 'labels.txt'), items.map((it) => it.className).join('\n'));
  const loader = new ViewPairLoader(spec, { batchSize: B, augmentations: DEFAULT_AUGMENTATIONS, seed: SEED, workers: 1 });
  const fd = openSync(join(out, 'views.f32'), 'w');
  for (let e = 0; e < EPOCHS; e++) {
    for (let s = 0; s < loader.stepsPerEpoch; s++) {
      const b = await loader.batch(e, s);
      writeSync(fd, b.view1); writeSync(fd, b.view2);
    }
  }
  closeSync(fd);
  await loader.close();
  writeFileSync(join(out, 'meta.json'), JSON.stringify({ n: N, size: S, batch: B, steps: EPOCHS * loader.stepsPerEpoch }));
  console.log(`wrote ${N} images and ${EPOCHS * loader.stepsPerEpoch} view-pair batches to ${out}`);
} finally {
  rmSync(fits, { recursive: true, force: true });
}
