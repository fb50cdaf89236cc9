// The progress display: a bar with rate and ETA on a terminal, sparse plain lines elsewhere,
// nothing when disabled. A PassThrough stands in for stderr (isTTY decides the mode, as on a real one).
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { scanProgressDisplay } from '../../../src-main/cli/scan-progress.ts';
import type { ScanProgress } from '../../../src-main/api/contract/index.ts';

function stream(isTTY: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  const s = new PassThrough();
  let text = '';
  s.on('data', (chunk) => (text += chunk));
  Object.assign(s, { isTTY, columns: 120 });
  return { stream: s as unknown as NodeJS.WriteStream, text: () => text };
}

const read = (done: number, total = 1000, failed = 0): ScanProgress => ({ phase: 'read', done, total, failed, path: null });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('scan progress display', () => {
  it('draws a bar with files/s and ETA on a terminal, and clears it when stopped', async () => {
    const out = stream(true);
    const display = scanProgressDisplay(out.stream, true);
    display.update({ phase: 'walk', done: 10, total: 10, failed: 0, path: null });
    display.update(read(0));
    await sleep(300);
    display.update(read(300, 1000, 2));
    await sleep(150); // cli-progress redraws at most 10 times a second
    display.update(read(600, 1000, 2));
    const drawn = out.text();
    expect(drawn).toMatch(/scanning \S+ \d+\/1000 files \| [1-9]\d* files\/s \| ETA \d+s \| 2 failed/);
    display.stop();
    expect(out.text().length).toBeGreaterThan(drawn.length); // the clearing sequence
  });

  it('a cancel message ends the bar on a clean line and later updates draw nothing', () => {
    const out = stream(true);
    const display = scanProgressDisplay(out.stream, true);
    display.update(read(5));
    display.interrupt('cancelling');
    const after = out.text();
    expect(after.endsWith('cancelling\n')).toBe(true);
    display.update(read(50));
    display.stop();
    expect(out.text()).toBe(after);
  });

  it('writes plain lines when stderr is not a terminal: the first of each phase, then at most one every few seconds', () => {
    const out = stream(false);
    const display = scanProgressDisplay(out.stream, true);
    display.update({ phase: 'walk', done: 0, total: 0, failed: 0, path: null });
    display.update({ phase: 'walk', done: 500, total: 500, failed: 0, path: null });
    for (let i = 0; i <= 1000; i += 10) display.update(read(i));
    display.stop();
    expect(out.text()).not.toContain('\x1b');
    expect(out.text().trim().split('\n')).toEqual(['finding FITS files: 0 so far', expect.stringMatching(/^scanning: 0\/1000 files, \d+ files\/s$/)]);
  });

  it('--no-progress writes nothing but the cancel message', () => {
    const out = stream(true);
    const display = scanProgressDisplay(out.stream, false);
    display.update(read(10));
    display.stop();
    expect(out.text()).toBe('');
    display.interrupt('cancelling');
    expect(out.text()).toBe('cancelling\n');
  });
});
