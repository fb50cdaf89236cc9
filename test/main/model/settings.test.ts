import { describe, it, expect } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSettings, parseSettings, representationSize, settingsTable } from '../../../src-main/model/settings.ts';
import { SettingsError } from '../../../src-main/model/errors.ts';
import { DEFAULT_AUGMENTATIONS } from '../../../src-main/model/data/augmentations/registry.ts';
import { README, withSettingsTable } from '../../../scripts/update-readme.ts';

describe('training settings', () => {
  it('fills every default, per encoder', () => {
    const s = parseSettings({});
    expect(s).toMatchObject({
      epochs: 40, batch_size: 32, encoder: 'small-cnn', width: 32, depth: 5, image_size: 48, moving_average_decay: 0.99,
      coordinates: 'polar', pooling: 'azimuthal', embed_rotations: 4, embed_standardise: true, embed_profile: 'morphology', cube: 'spectrum',
    });
    // Azimuthal pooling keeps the 3 final rows (48 -> 24 -> 12 -> 6 -> 3) of 512 channels.
    expect(representationSize(s)).toBe(3 * 512);
    const r = parseSettings({ encoder: 'resnet18', coordinates: 'cartesian' });
    expect([r.width, r.depth, r.pooling]).toEqual([64, 4, 'global']);
    expect(representationSize(r)).toBe(512);
    expect(representationSize(parseSettings({ representation_size: 100 }))).toBe(100);
  });

  it("reads embed_profile's booleans as runs made before the descriptor stored them", () => {
    expect(parseSettings({ embed_profile: true }).embed_profile).toBe('radial');
    expect(parseSettings({ embed_profile: false }).embed_profile).toBe('none');
    expect(parseSettings({ embed_profile: 'morphology' }).embed_profile).toBe('morphology');
    expect(() => parseSettings({ embed_profile: 'shape' })).toThrow(/embed_profile/);
  });

  it('reads a TOML file with astromorph key names', () => {
    const dir = mkdtempSync(join(tmpdir(), 'settings-'));
    const path = join(dir, 'train.toml');
    writeFileSync(path, 'epochs = 3\nlearning_rate = 1e-3\nmoving_average_decay = 0.996\nencoder = "small-cnn"\n[[augmentations]]\nname = "flip"\n');
    const s = loadSettings(path);
    expect(s).toMatchObject({ epochs: 3, learning_rate: 1e-3, moving_average_decay: 0.996, encoder: 'small-cnn' });
    expect(s.augmentations).toEqual([{ name: 'flip', p: 1, horizontal: true, vertical: true }]); // every parameter, as the run stores them
  });

  it('rejects unknown keys by name, bad values, and broken TOML naming the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'settings-'));
    const bad = join(dir, 'bad.toml');
    writeFileSync(bad, 'epochs = 0\nlearnig_rate = 0.1\nencoder = "vgg"\n');
    let err: unknown;
    try {
      loadSettings(bad);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SettingsError);
    const msg = (err as Error).message;
    expect(msg).toContain(bad);
    expect(msg).toContain("'learnig_rate'");
    expect(msg).toContain('epochs');
    expect(msg).toContain('encoder');
    const broken = join(dir, 'broken.toml');
    writeFileSync(broken, 'epochs = = 3');
    expect(() => loadSettings(broken)).toThrow(/broken\.toml.*not valid TOML/);
    expect(() => parseSettings({ clip_percentiles: [99, 1] })).toThrow(/clip_percentiles/);
    expect(() => parseSettings({ encoder: 'resnet18', depth: 5 })).toThrow(/depth/);
    expect(() => parseSettings({ moving_average_decay: 1 })).toThrow(/moving_average_decay/);
  });

  it('checks each augmentation against its own parameters, and fills in the defaults', () => {
    expect(() => parseSettings({ augmentations: [{ name: 'rotation', degree: 90 }] }))
      .toThrow(/augmentations\[0\]: unknown key 'degree' \(rotation takes p, degrees, corners\)/);
    expect(() => parseSettings({ augmentations: [{ name: 'rotation' }, { name: 'warp' }] })).toThrow(/augmentations\[1\]\.name: unknown augmentation "warp"/);
    expect(() => parseSettings({ augmentations: [{ name: 'noise', snr: [0, 10] }] })).toThrow(/augmentations\[0\]\.snr/);
    expect(parseSettings({}).augmentations.map((a) => a.name)).toEqual(DEFAULT_AUGMENTATIONS.map((a) => a.name));
    expect(parseSettings({ augmentations: [{ name: 'rotation', degrees: 90 }] }).augmentations).toEqual([{ name: 'rotation', p: 1, degrees: 90, corners: 'crop' }]);
  });

  it('names the option that gave a bad value, and prints every key with its default and meaning', () => {
    expect(() => parseSettings({ backend: 'gpu' }, 'train.toml', { backend: '--backend' })).toThrow(/train\.toml: .*backend: .*\(given by --backend\)/);
    const table = settingsTable();
    for (const key of Object.keys(parseSettings({}))) expect(table).toMatch(new RegExp(`^${key} +`, 'm'));
    expect(table).toMatch(/^learning_rate +3e-3 +peak AdamW/m);
    expect(table).toMatch(/^augmentations +noise reframe = true +list of/m);
    expect(DEFAULT_AUGMENTATIONS).toEqual([{ name: 'noise', reframe: true }]);
    expect(table).toMatch(/^rotation +p = 1, degrees = 180, corners = 'crop'$/m);
  });

  it("README's settings table is the schema's (npm run docs rewrites it)", () => {
    const readme = readFileSync(README, 'utf8');
    expect(withSettingsTable(readme)).toBe(readme);
  });
});
