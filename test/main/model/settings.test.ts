import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSettings, parseSettings, representationSize } from '../../../src-main/model/settings.ts';
import { SettingsError } from '../../../src-main/model/errors.ts';

describe('training settings', () => {
  it('fills every default, per encoder', () => {
    const s = parseSettings({});
    expect(s).toMatchObject({
      epochs: 40, batch_size: 32, encoder: 'small-cnn', width: 32, depth: 5, image_size: 48, moving_average_decay: 0.99,
      coordinates: 'polar', pooling: 'azimuthal', embed_rotations: 4, embed_standardise: true, embed_profile: true, cube: 'spectrum',
    });
    // Azimuthal pooling keeps the 3 final rows (48 -> 24 -> 12 -> 6 -> 3) of 512 channels.
    expect(representationSize(s)).toBe(3 * 512);
    const r = parseSettings({ encoder: 'resnet18', coordinates: 'cartesian' });
    expect([r.width, r.depth, r.pooling]).toEqual([64, 4, 'global']);
    expect(representationSize(r)).toBe(512);
    expect(representationSize(parseSettings({ representation_size: 100 }))).toBe(100);
  });

  it('reads a TOML file with astromorph key names', () => {
    const dir = mkdtempSync(join(tmpdir(), 'settings-'));
    const path = join(dir, 'train.toml');
    writeFileSync(path, 'epochs = 3\nlearning_rate = 1e-3\nmoving_average_decay = 0.996\nencoder = "small-cnn"\n[[augmentations]]\nname = "flip"\n');
    const s = loadSettings(path);
    expect(s).toMatchObject({ epochs: 3, learning_rate: 1e-3, moving_average_decay: 0.996, encoder: 'small-cnn' });
    expect(s.augmentations).toEqual([{ name: 'flip' }]);
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
});
