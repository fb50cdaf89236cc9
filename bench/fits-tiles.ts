// Tile decompression speed: MiB/s of decompressed output for 2048x2048 images made with fpack in a temp dir.
// Run: node bench/fits-tiles.ts   (needs fpack/funpack from libcfitsio-bin)

import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FitsFile } from '../src-main/fits/fits-file.ts';
import { Header } from '../src-main/fits/header.ts';
import { readStructure } from '../src-main/fits/structure.ts';
import { writeImageFits, type WritableArray } from '../src-main/fits/writer.ts';
import { decompressImage } from '../src-main/fits/tile-compression/index.ts';

const N = 2048;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-fits-tiles-'));

let seed = 12345;
function gaussian(): number {
  // Park–Miller is plenty for test pixels
  seed = (seed * 16807) % 2147483647;
  const u = seed / 2147483647;
  seed = (seed * 16807) % 2147483647;
  const v = seed / 2147483647;
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

function sky(): Float32Array {
  const a = new Float32Array(N * N);
  for (let y = 0; y < N; y++) {
    for (let x = 0; x < N; x++) {
      const d2 = (x - 700) ** 2 + (y - 1100) ** 2;
      a[y * N + x] = 100 + 8 * gaussian() + 5000 * Math.exp(-d2 / 2000);
    }
  }
  return a;
}

function bench(name: string, data: WritableArray, fpackArgs: string[]): void {
  const input = path.join(dir, `${name}.fits`);
  const packed = `${input}.fz`;
  writeImageFits(input, data, [N, N]);
  execFileSync('fpack', ['-C', ...fpackArgs, '-O', packed, input]);
  const f = FitsFile.open(packed);
  const layout = readStructure(f, [])[1];
  const header = Header.fromRecords(layout.headerText);
  const bytes = f.read(layout.dataOffset, layout.dataBytes);
  f.close();

  const outBytes = N * N * 4;
  decompressImage(header, bytes, packed, 1); // warm-up (JIT)
  // best and median of several runs: the machine may be busy with other work
  const times: number[] = [];
  for (let i = 0; i < 9; i++) {
    const t0 = performance.now();
    decompressImage(header, bytes, packed, 1);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const best = times[0];
  const median = times[4];

  const t1 = performance.now();
  execFileSync('funpack', ['-C', '-O', path.join(dir, `${name}.out.fits`), packed]);
  const funpackMs = performance.now() - t1;

  console.log(
    `${name.padEnd(34)} ${(outBytes / 2 ** 20).toFixed(0)} MiB out, ${(bytes.length / 2 ** 20).toFixed(1)} MiB in: ` +
      `best ${best.toFixed(1)} ms = ${(outBytes / 2 ** 20 / (best / 1000)).toFixed(0)} MiB/s, ` +
      `median ${median.toFixed(1)} ms = ${(outBytes / 2 ** 20 / (median / 1000)).toFixed(0)} MiB/s` +
      `   (funpack process incl. file I/O: ${funpackMs.toFixed(0)} ms)`,
  );
}

try {
  const s = sky();
  bench('RICE_1 int32 2048x2048', Int32Array.from(s, (v) => Math.round(v * 10)), ['-r']);
  bench('RICE_1 float32 q=4 dither1', s, ['-r', '-q17', '4']);
  bench('GZIP_2 float32 q=4 dither2', s, ['-g2', '-qz17', '4']);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
