// astromorph's (Python) settings file, as its README and settings.py write it, read into ours: every
// key mapped or named as having no equivalent, values checked by our schema, and the CLI's report.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fromAstromorphSettings, readAstromorphSettings } from '../../../src-main/model/astromorph-settings.ts';
import { SettingsError } from '../../../src-main/model/errors.ts';
import { loadSettings } from '../../../src-main/model/settings.ts';
import { Project } from '../../../src-main/project/index.ts';
import { writeSyntheticDataset } from '../../../src-main/synthetic/index.ts';
import { cli } from '../cli/run-cli.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'am-astromorph-settings-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

// Every key astromorph's TrainingSettings and InferenceSettings take, in its own layout.
const FILE = `# Configfile for using a filelist
datafile = "data/inputfiles.txt"
maskfile = "data/mask.fits"
epochs = 5
network_name = "n_layer_resnet"
trained_network_name = "saved_models/improved_net_e_5_20240101_1200.pt"
export_to_csv = true
core_limit = 4
learning_rate = 5e-6
exponential_lr = true
gamma = 0.95
batch_size = 16

[network_settings]
last_layer = "layer2"

[data_settings]
stacksize = 3

[byol_settings]
representation_size = 128
projection_size = 16
projection_hidden_size = 512
use_momentum = true
`;

describe("astromorph's settings file", () => {
  it('maps each key to ours or names it as having no equivalent', () => {
    const file = path.join(dir, 'training_settings.toml');
    fs.writeFileSync(file, FILE);
    const m = readAstromorphSettings(file);
    const ours = Object.fromEntries(m.keys.map((k) => [k.key, k.ours]));
    expect(ours).toEqual({
      datafile: null, maskfile: null, epochs: 'epochs', network_name: 'encoder', trained_network_name: null, export_to_csv: null,
      core_limit: 'core_limit', learning_rate: 'learning_rate', exponential_lr: null, gamma: null, batch_size: 'batch_size',
      'network_settings.last_layer': 'depth', 'data_settings.stacksize': null, 'byol_settings.representation_size': 'representation_size',
      'byol_settings.projection_size': 'projection_size', 'byol_settings.projection_hidden_size': 'projection_hidden_size',
      'byol_settings.use_momentum': null,
    });
    expect(m.given).toEqual({
      epochs: 5, encoder: 'resnet18', depth: 2, core_limit: 4, learning_rate: 5e-6, batch_size: 16,
      representation_size: 128, projection_size: 16, projection_hidden_size: 512,
    });
    expect(m.settings).toMatchObject({ ...m.given, width: 64, image_size: 48 });
    expect(m.datafile).toBe('data/inputfiles.txt');
    for (const k of m.keys) expect(k.note.length).toBeGreaterThan(5);
    expect(m.keys.find((k) => k.key === 'export_to_csv')!.note).toMatch(/astromorph export PROJECT embeddings --format csv/);
  });

  it('refuses what cannot be mapped, naming the file and the key', () => {
    expect(() => fromAstromorphSettings({ network_settings: { last_layer: 'layer9' }, network_name: 'n_layer_resnet' }, 'a.toml'))
      .toThrow(/a\.toml: invalid training settings: network_settings\.last_layer: expected one of layer1/);
    expect(() => fromAstromorphSettings({ batch_size: 1 }, 'b.toml')).toThrow(SettingsError);
    expect(() => fromAstromorphSettings({ batch_size: 1 }, 'b.toml')).toThrow(/b\.toml: .*batch_size.*mapped from astromorph's settings/);
    expect(() => fromAstromorphSettings({ byol_settings: 3 }, 'c.toml')).toThrow(/byol_settings: expected a table/);
    // A key astromorph does not have is reported, not an error.
    expect(fromAstromorphSettings({ colour: 'red' }).keys).toEqual([{ key: 'colour', value: '"red"', ours: null, note: expect.stringMatching(/ignored/) }]);
  });

  it('import-settings prints the report and writes our settings file; train --astromorph-settings rejects --config with it', () => {
    const file = path.join(dir, 'cli.toml');
    fs.writeFileSync(file, FILE);
    const out = path.join(dir, 'ours.toml');
    const res = cli(['import-settings', file, '--out', out]);
    expect(res.status, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/^ASTROMORPH\s+VALUE\s+OURS\s+NOTE/);
    expect(res.stdout).toMatch(/network_settings\.last_layer\s+"layer2"\s+depth\s/);
    expect(res.stdout).toMatch(/data_settings\.stacksize\s+3\s+\(none\)\s+not needed/);
    expect(res.stdout).toMatch(/9 of 17 keys map to our settings; 8 have no equivalent; wrote /);
    expect(loadSettings(out)).toMatchObject({ encoder: 'resnet18', depth: 2, epochs: 5, batch_size: 16, projection_size: 16 });
    const again = cli(['import-settings', file, '--out', out]);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/ours\.toml: already exists; not overwriting it/);
    const json = JSON.parse(cli(['import-settings', file, '--json']).stdout);
    expect(json.given.encoder).toBe('resnet18');
    const both = cli(['train', path.join(dir, 'none.amproj'), '--config', out, '--astromorph-settings', file]);
    expect(both.status).toBe(2);
    expect(both.stderr).toMatch(/either --config or --astromorph-settings/);
  });

  it('train --astromorph-settings trains with the mapped settings, the mapping on stderr', () => {
    writeSyntheticDataset(path.join(dir, 'disks'), { n: 8, seed: 4 });
    expect(cli(['init', path.join(dir, 'p')]).status).toBe(0);
    expect(cli(['add', path.join(dir, 'p'), path.join(dir, 'disks')]).status).toBe(0);
    const file = path.join(dir, 'small.toml');
    fs.writeFileSync(file, 'datafile = "files.txt"\nnetwork_name = "astro_morphology_model"\nepochs = 1\nbatch_size = 4\n'
      + 'core_limit = 2\n[byol_settings]\nprojection_size = 8\nprojection_hidden_size = 16\nuse_momentum = true\n');
    const res = cli(['train', path.join(dir, 'p'), '--astromorph-settings', file, '--backend', 'wasm', '--no-progress', '--json']);
    expect(res.status, res.stderr).toBe(0);
    expect(res.stderr).toMatch(/network_name\s+"astro_morphology_model"\s+encoder\s/);
    expect(res.stderr).toMatch(/datafile\s+"files\.txt"\s+\(none\)\s+the data are the project's items/);
    expect(JSON.parse(res.stdout)).toMatchObject({ status: 'done', epochsDone: 1, stepsDone: 2 });
    const p = Project.open(path.join(dir, 'p.amproj'));
    try {
      expect(p.runs.list()[0]!.config).toMatchObject({ encoder: 'small-cnn', epochs: 1, batch_size: 4, projection_size: 8, projection_hidden_size: 16, core_limit: 2 });
    } finally {
      p.close();
    }
  }, 120_000);
});
