// Scan throughput: 10,000 small FITS files (32×32 float32) added to a fresh project with one worker
// thread and with the default pool, plus the incremental re-add where nothing changed.
// Run: node bench/scan.ts [count] [side]   (defaults: 10000 files of 32×32)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { addFolders, defaultWorkerCount } from '../src-main/dataset/index.ts';
import { writeImageFits } from '../src-main/fits/index.ts';
import { Project } from '../src-main/project/index.ts';

const count = Number(process.argv[2] ?? 10_000);
const side = Number(process.argv[3] ?? 32);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-scan-'));
const data = path.join(dir, 'data');

try {
  let t = performance.now();
  const pixels = new Float32Array(side * side);
  for (let i = 0; i < count; i++) {
    const sub = path.join(data, `d${String(i % 100).padStart(2, '0')}`);
    if (i < 100) fs.mkdirSync(sub, { recursive: true });
    for (let k = 0; k < pixels.length; k++) pixels[k] = Math.sin(k * 0.1 + i) * 100 + (k % side);
    writeImageFits(path.join(sub, `img${String(i).padStart(5, '0')}.fits`), pixels, [side, side], {
      cards: { OBJECT: `src ${i}`, CTYPE1: 'RA---TAN', CTYPE2: 'DEC--TAN', CRVAL1: i % 360, CRVAL2: 10, BUNIT: 'Jy' },
    });
  }
  console.log(`wrote ${count} files of ${side}x${side} float32 in ${((performance.now() - t) / 1000).toFixed(1)} s (${os.availableParallelism()} cores)`);

  const run = async (label: string, workers: number): Promise<void> => {
    const file = path.join(dir, `${label}.amproj`);
    const project = Project.create(file);
    try {
      t = performance.now();
      let walked = 0;
      const s = await addFolders(project, [data], {
        workers,
        onProgress: (p) => {
          if (p.phase === 'read' && walked === 0) walked = performance.now() - t;
        },
      });
      const secs = (performance.now() - t) / 1000;
      if (s.added !== count) throw new Error(`expected ${count} added, got ${JSON.stringify(s)}`);
      console.log(`${label.padEnd(22)} workers=${workers}: ${secs.toFixed(2)} s, ${(count / secs).toFixed(0)} files/s (walk ${(walked / 1000).toFixed(2)} s)`);
      t = performance.now();
      const again = await addFolders(project, [data], { workers });
      const secs2 = (performance.now() - t) / 1000;
      if (again.unchanged !== count) throw new Error(`expected ${count} unchanged, got ${JSON.stringify(again)}`);
      console.log(`${'  re-add (unchanged)'.padEnd(22)} workers=${workers}: ${secs2.toFixed(2)} s, ${(count / secs2).toFixed(0)} files/s`);
    } finally {
      project.close();
    }
    console.log(`  project file: ${(fs.statSync(file).size / 1e6).toFixed(1)} MB`);
  };

  await run('one worker', 1);
  await run('default pool', defaultWorkerCount());
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
