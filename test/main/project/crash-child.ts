// Run by crash.test.ts: writes one checkpoint, then dies (SIGKILL from the test) in the middle of
// writing a second, large one.
import fs from 'node:fs';
import { Project } from '../../../src-main/project/index.ts';

const [file, marker] = process.argv.slice(2);
const project = Project.open(file);
const run = project.runs.create({ config: { epochs: 2 }, backend: 'cpu', seed: 3 });
project.checkpoints.save({ runId: run.id, epoch: 1, step: 100, weights: new Uint8Array(1 << 20).fill(1), rng: { n: 1 } });
project.transaction(() => {
  // 48 MB: more than SQLite's page cache, so pages of the unfinished transaction spill into the WAL.
  project.checkpoints.save({ runId: run.id, epoch: 2, step: 200, weights: new Uint8Array(48 << 20).fill(2), rng: { n: 2 } });
  project.losses.append(run.id, [{ epoch: 2, step: 200, loss: 0.1, imagesPerS: null, dataWait: null }]);
  fs.writeFileSync(marker, 'inside');
  for (;;) {
    // wait here, transaction open, until killed
  }
});
