// Child-process probe for the conformance test: opens a file, reads every image HDU, prints what happened as JSON.
// Run under `node --max-old-space-size=256` with a timeout, so a hang or a huge allocation fails the test, not vitest;
// the peak RSS it reports catches large ArrayBuffer allocations, which the heap limit does not cover.

import { HduList } from '../../../src-main/fits/index.ts';

const file = process.argv[2];
try {
  const list = HduList.open(file);
  try {
    list.primaryImage();
    for (const hdu of list.imageHdus()) {
      hdu.read();
      for (let p = 0; p < hdu.nPlanes; p++) hdu.readPlane(p);
    }
  } finally {
    list.close();
  }
  console.log(JSON.stringify({ threw: false, maxRssKb: process.resourceUsage().maxRSS }));
} catch (e) {
  const err = e as Error & { code?: string; file?: string };
  console.log(JSON.stringify({ threw: true, name: err.name, code: err.code, file: err.file, message: err.message, maxRssKb: process.resourceUsage().maxRSS }));
}
