// Ctrl-C during `astromorph add`: the scan stops, the project closes cleanly, exit 130, and the
// project is intact (ls works, a second add finishes the job).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeImageFits } from '../../../src-main/fits/index.ts';
import { cli, cliProcess } from './run-cli.ts';

const FILES = 4000;
let dir: string;
let data: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'astromorph-cancel-'));
  data = join(dir, 'many');
  for (let f = 0; f < FILES; f++) {
    const folder = join(data, `batch${Math.floor(f / 500)}`);
    if (f % 500 === 0) mkdirSync(folder, { recursive: true });
    writeImageFits(join(folder, `tile${f}.fits`), new Int16Array(8 * 8).fill(f % 1000), [8, 8], { bitpix: 16 });
  }
  expect(cli(['init', 'big'], dir).status).toBe(0);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Ctrl-C during add', () => {
  it('exits 130 after a clean stop, keeps what was scanned, and a re-add completes', async () => {
    const child = cliProcess(['add', 'big', data], dir);
    let stdout = '';
    let stderr = '';
    let interrupted = false;
    child.stdout.on('data', (chunk) => (stdout += chunk));
    const status = await new Promise<number | null>((resolve) => {
      child.stderr.on('data', (chunk) => {
        stderr += chunk;
        // Interrupt at the first progress line, as a person watching it would.
        if (!interrupted && /scanning/.test(stderr)) {
          interrupted = true;
          child.kill('SIGINT');
          // The second Ctrl-C a hurried person sends must not cut the clean shutdown short.
          setTimeout(() => child.kill('SIGINT'), 5);
        }
      });
      child.on('exit', (code) => resolve(code));
    });
    expect(interrupted).toBe(true);
    expect(status, stderr).toBe(130);
    expect(stderr).toMatch(/cancelling/);
    expect(stdout).toMatch(/^cancelled after/m);

    const kept = cli(['ls', 'big', '--json'], dir);
    expect(kept.status, kept.stderr).toBe(0);
    const keptRows = JSON.parse(kept.stdout);
    expect(keptRows.length).toBeLessThan(FILES);
    for (const row of keptRows) expect(row.status).toBe('ok');

    const again = cli(['add', 'big', data, '--json'], dir);
    expect(again.status, again.stderr).toBe(0);
    const report = JSON.parse(again.stdout);
    expect(report).toMatchObject({ cancelled: false, failed: 0, itemsInProject: FILES });
    expect(report.added + report.unchanged + report.updated).toBe(FILES);
    const rows = JSON.parse(cli(['ls', 'big', '--json', '--status', 'ok'], dir).stdout);
    expect(rows).toHaveLength(FILES);
  });
});
