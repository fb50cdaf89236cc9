// Embedding and CSV export of a whole project: items/s, rows/s and peak memory, at two project sizes,
// each in its own process so its peak RSS is its own. Memory should not grow with the number of items
// (embed holds one batch, export one row); the figures show whether it does.
//
//   node bench/embed-export.ts [--sizes 1000,4000] [--side 64]
//
// Per size: N float32 FITS images (side x side, noise plus a Gaussian blob) are written and added to a
// fresh project, a small CNN is trained for one epoch on 64 of them (32x32, not timed), then `embed` and
// `export` run through the same services the CLI uses.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeImageFits } from '../src-main/fits/index.ts';
import { ProjectSession } from '../src-main/api/services/project/project-session.ts';
import { embedItems, exportEmbeddings } from '../src-main/api/services/training/embedding.ts';
import { train } from '../src-main/api/services/training/training.ts';
import { Rng } from '../src-main/base/random.ts';

const args = process.argv.slice(2);
const opt = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : fallback;
};

interface Figures { n: number; embedS: number; embedPerS: number; embedRssMb: number; exportS: number; exportPerS: number; exportRssMb: number; csvMb: number; dim: number }

/** Wall time and the highest RSS sampled while fn runs (the process's maxRSS would include training). */
async function peakRss<T>(fn: () => Promise<T>): Promise<{ value: T; seconds: number; peakMb: number }> {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 5);
  const t = performance.now();
  try {
    const value = await fn();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { value, seconds: (performance.now() - t) / 1000, peakMb: peak / 1024 ** 2 };
  } finally {
    clearInterval(timer);
  }
}

async function one(n: number, side: number): Promise<Figures> {
  const dir = mkdtempSync(join(tmpdir(), 'astromorph-bench-embed-'));
  try {
    // The model trains on the first 64 images only (training speed is bench/train.ts's subject).
    const first = join(dir, 'first');
    const rest = join(dir, 'rest');
    mkdirSync(first);
    mkdirSync(rest);
    const rng = new Rng(n);
    const img = new Float32Array(side * side);
    for (let i = 0; i < n; i++) {
      const cx = rng.uniform(side * 0.3, side * 0.7), cy = rng.uniform(side * 0.3, side * 0.7), w = rng.uniform(2, side / 5);
      for (let y = 0; y < side; y++) for (let x = 0; x < side; x++) {
        img[y * side + x] = Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * w * w)) + 0.05 * rng.normal();
      }
      writeImageFits(join(i < 64 ? first : rest, `img${String(i).padStart(6, '0')}.fits`), img, [side, side], { bitpix: -32 });
    }
    const session = ProjectSession.create(join(dir, 'bench'));
    try {
      await session.addFolders([first]);
      const settings = join(dir, 'settings.toml');
      writeFileSync(settings, 'encoder = "small-cnn"\nwidth = 16\ndepth = 3\nimage_size = 32\nbatch_size = 16\nepochs = 1\nprojection_size = 32\nprojection_hidden_size = 64\n');
      await train(session, { settingsFile: settings });
      await session.addFolders([rest]);
      const e = await peakRss(() => embedItems(session, { batchSize: 64 }));
      const x = await peakRss(() => exportEmbeddings(session, { format: 'csv', out: join(dir, 'e.csv') }));
      return {
        n, dim: e.value.dim, embedS: e.seconds, embedPerS: e.value.items / e.seconds, embedRssMb: e.peakMb,
        exportS: x.seconds, exportPerS: x.value.rows / x.seconds, exportRssMb: x.peakMb, csvMb: statSync(x.value.path).size / 1024 ** 2,
      };
    } finally {
      session.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (args[0] === '--one') {
  const figures = await one(Number(args[1]), Number(args[2]));
  process.stdout.write(JSON.stringify(figures) + '\n');
} else {
  const sizes = opt('sizes', '1000,4000').split(',').map(Number);
  const side = Number(opt('side', '64'));
  const self = fileURLToPath(import.meta.url);
  console.log(`embed + export CSV, small CNN 32x32 (dim 64), ${side}x${side} float32 images, batch 64`);
  console.log('items   embed s  items/s  RSS MB (peak) | export s  rows/s  RSS MB (peak)  CSV MB');
  for (const n of sizes) {
    const res = spawnSync(process.execPath, [self, '--one', String(n), String(side)], { encoding: 'utf8' });
    if (res.status !== 0) throw new Error(res.stderr);
    const f = JSON.parse(res.stdout.trim().split('\n').at(-1)!) as Figures;
    console.log(`${String(f.n).padStart(5)}  ${f.embedS.toFixed(1).padStart(7)}  ${f.embedPerS.toFixed(0).padStart(7)}  ${f.embedRssMb.toFixed(0).padStart(13)} | ` +
      `${f.exportS.toFixed(2).padStart(8)}  ${f.exportPerS.toFixed(0).padStart(6)}  ${f.exportRssMb.toFixed(0).padStart(13)}  ${f.csvMb.toFixed(1).padStart(6)}`);
  }
}
