// A project file worth sharing: how large a survey's project is while its run trains (full training
// state, 3 checkpoints), once the run has finished (encoder only, vacuumed), and after embedding, a map
// and clusters. Target: 480 small images trained with the default settings under 60 MB.
//
//   node bench/project-size.ts [--n 480] [--epochs 40] [--out DIR]
//
// Writes a survey (bench/make-survey.ts's disks, 48-128 px) and a fresh project, trains with the
// default settings (only --epochs changes; 40 is the default, about 30 min of CPU), cancels once
// after the first epoch to see the resumable state, resumes to the end, then embeds and maps.
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ProjectSession } from '../src-main/api/services/project/project-session.ts';
import { computeMap } from '../src-main/api/services/exploration/maps.ts';
import { embedItems } from '../src-main/api/services/training/embedding.ts';
import { train } from '../src-main/api/services/training/training.ts';
import { writeSurveyDataset } from '../src-main/synthetic/index.ts';
import type { ProjectStorageView } from '../src-main/api/contract/index.ts';

const { values: args } = parseArgs({ options: { n: { type: 'string', default: '480' }, epochs: { type: 'string', default: '40' }, out: { type: 'string' } } });
const n = Number(args.n), epochs = Number(args.epochs);
const dir = args.out ?? mkdtempSync(join(tmpdir(), 'am-project-size-'));
const mb = (b: number) => `${(b / 1e6).toFixed(1)} MB`;

function line(label: string, s: ProjectStorageView): void {
  const top = s.tables.slice(0, 4).map((t) => `${t.table} ${mb(t.bytes)}`).join(', ');
  console.log(`${label.padEnd(34)} ${mb(s.fileBytes).padStart(9)}  (${top}; training state ${mb(s.trainingStateBytes)}, free ${mb(s.freeBytes)})`);
}

writeSurveyDataset(join(dir, 'data'), { kind: 'disks', n, seed: 101, ranges: { size: [48, 128] } });
const session = ProjectSession.create(join(dir, 'survey'));
try {
  await session.addFolders([join(dir, 'data')]);
  line(`${n} items scanned`, session.storage());
  const controller = new AbortController();
  const first = await train(session, { epochs, signal: controller.signal, onEpoch: (e) => { if (e.epoch === 1) controller.abort(); } });
  line(`run ${first.runId} cancelled after epoch 1`, session.storage());
  const started = performance.now();
  const done = await train(session, { resume: true, epochs });
  line(`run ${done.runId} finished (${done.epochsDone} epochs)`, session.storage());
  console.log(`  training ${((performance.now() - started) / 1000).toFixed(0)} s for epochs 2-${done.epochsDone}`);
  await embedItems(session, { runId: done.runId });
  await computeMap(session, { runId: done.runId, method: 'umap' });
  line('embedded, UMAP map', session.storage());
} finally {
  session.close();
}
console.log(`file on disk after closing: ${mb(statSync(join(dir, 'survey.amproj')).size)}  (${join(dir, 'survey.amproj')})`);
