// `npm run demo` runs the main job headless on the bundled sample data: init, add, train, embed,
// export. This checks the part after `add`: a finished run, one vector per item, the CSV table.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Project } from '../../../src-main/project/index.ts';
import { NODE, REPO } from './run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'astromorph-train-demo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run demo: train, embed, export', () => {
  it('trains a short run on the sample data, embeds every item and writes embeddings.csv', () => {
    const res = spawnSync(NODE, [join(REPO, 'scripts', 'demo.ts'), dir], { cwd: REPO, encoding: 'utf8', timeout: 300_000 });
    expect(res.status, res.stdout + res.stderr).toBe(0);
    expect(res.stdout).toMatch(/^\$ astromorph train .*sample\.amproj --config scripts\/demo-settings\.toml$/m);
    expect(res.stdout).toMatch(/^run 1 finished 5 epochs \(20 steps\) on \w+/m);
    const dim = Number(/^embedded 64 items with run 1: (\d+) values each/m.exec(res.stdout)?.[1]);
    expect(dim).toBeGreaterThan(0);
    expect(res.stdout).toMatch(new RegExp(`embeddings table.*: +${join(dir, 'embeddings.csv').replaceAll('/', '\\/')}$`, 'm'));
    const p = Project.open(join(dir, 'sample.amproj'));
    try {
      expect(p.runs.get(1)).toMatchObject({ status: 'done', epochsDone: 5 });
      expect(p.embeddings.count(1)).toBe(64);
      const means = res.stdout.match(/mean loss per epoch (.*)$/m)![1]!.split(', ').map(Number);
      expect(means).toHaveLength(5);
      expect(means[4]!).toBeLessThan(means[0]!);
    } finally {
      p.close();
    }
    const lines = readFileSync(join(dir, 'embeddings.csv'), 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(65);
    expect(lines[0]!.startsWith('file,')).toBe(true);
    expect(lines[0]!.endsWith(`,emb_${dim - 2},emb_${dim - 1}`)).toBe(true);
  });
});
