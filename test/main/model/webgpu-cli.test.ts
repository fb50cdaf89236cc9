// `astromorph train --backend webgpu` and `embed` through the real CLI on a tiny project, on
// SwiftShader (forced: auto never takes a software adapter). Training runs in the CLI's worker
// thread, so this also shows Dawn working inside a worker_thread; embedding runs on the main thread.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSyntheticDataset } from '../../../src-main/synthetic/index.ts';
import { Project } from '../../../src-main/project/index.ts';
import { cli, hasStackTrace } from '../cli/run-cli.ts';
import { haveSwiftShader, swiftShaderEnv } from './webgpu-support.ts';

const swiftShader = haveSwiftShader();
const ITEMS = 8;
const DIM = 8;
const SETTINGS = `encoder = "small-cnn"
width = 4
depth = 2
image_size = 16
coordinates = "cartesian"
embed_profile = false
batch_size = 4
projection_size = 8
projection_hidden_size = 16
learning_rate = 3e-3
core_limit = 2
`;

describe.skipIf(!swiftShader)('astromorph train --backend webgpu, then embed', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'astromorph-webgpu-'));
    writeSyntheticDataset(join(dir, 'disks'), { n: ITEMS, seed: 11 });
    writeFileSync(join(dir, 'settings.toml'), SETTINGS);
    expect(cli(['init', 'survey'], dir).status).toBe(0);
    expect(cli(['add', 'survey', 'disks'], dir).status).toBe(0);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('trains on the SwiftShader adapter, names it, records it in the run, and embeds with it', () => {
    const env = swiftShaderEnv();
    const res = cli(['train', 'survey', '--config', 'settings.toml', '--epochs', '1', '--backend', 'webgpu', '--no-progress'], dir, env);
    expect(res.status, res.stderr).toBe(0);
    expect(hasStackTrace(res.stderr)).toBe(false);
    expect(res.stderr).toMatch(/^training run 1 on 8 items, 1 epoch; backend: webgpu \(.*SwiftShader.*, software\)$/m);
    expect(res.stdout).toMatch(/^run 1 finished 1 epochs \(2 steps\) on webgpu \(.*SwiftShader/m);
    const p = Project.open(join(dir, 'survey.amproj'));
    try {
      const [run] = p.runs.list();
      expect(run!.status).toBe('done');
      expect(run!.backend).toMatch(/^webgpu \(.*SwiftShader.*\)$/);
    } finally {
      p.close();
    }
    // embed takes the run's backend (the recorded name forces webgpu again).
    const emb = cli(['embed', 'survey', '--batch-size', '5'], dir, env);
    expect(emb.status, emb.stderr).toBe(0);
    expect(emb.stderr).toMatch(/backend: webgpu \(.*SwiftShader/);
    expect(emb.stdout).toMatch(new RegExp(`^embedded ${ITEMS} items with run 1: ${DIM} values each`, 'm'));
    const q = Project.open(join(dir, 'survey.amproj'));
    try {
      const set = q.embeddings.all(1);
      expect(set.dim).toBe(DIM);
      expect(set.itemIds).toHaveLength(ITEMS);
      expect(set.vectors.every(Number.isFinite)).toBe(true);
    } finally {
      q.close();
    }
  });

  it('without SwiftShader in view, --backend webgpu is a clear error, not a fallback', () => {
    // No driver manifest where the loader looks: Dawn finds no adapter.
    const res = cli(['train', 'survey', '--config', 'settings.toml', '--epochs', '1', '--backend', 'webgpu'], dir, { VK_ICD_FILENAMES: join(dir, 'none.json') });
    expect(res.status).not.toBe(0);
    expect(hasStackTrace(res.stderr)).toBe(false);
    expect(res.stderr).toMatch(/backend 'webgpu' is not available here/);
  });
});
