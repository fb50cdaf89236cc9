// The installers' configuration (build/electron-builder.json) is complete and agrees with
// package.json, the icons, the desktop entry and the MIME type of .amproj files. Installers
// themselves need network access (electron-builder downloads Electron): see README.
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { ICON_SIZES, drawIcon } from '../../../scripts/make-icons.ts';

const root = join(import.meta.dirname, '..', '..', '..');
const read = (f: string) => readFileSync(join(root, f), 'utf8');
const config = JSON.parse(read('build/electron-builder.json'));
const pkg = JSON.parse(read('package.json'));

describe('packaging configuration', () => {
  it('builds AppImage and deb, dmg, and nsis, from the built app that package.json names', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.mac.target).toEqual(['dmg']);
    expect(config.win.target).toEqual(['nsis']);
    expect(pkg.main.startsWith('out/')).toBe(true);
    expect(config.files).toContain('out/**');
    expect(config.appId).toMatch(/^[a-z]+(\.[a-z]+)+$/);
    expect(config.version).toBeUndefined(); // the version is package.json's
  });

  it('associates .amproj with the app, with one MIME type in the config, the desktop entry and shared-mime-info', () => {
    const mime = 'application/x-astromorph-project';
    expect(config.fileAssociations).toEqual([expect.objectContaining({ ext: 'amproj', mimeType: mime })]);
    expect(config.linux.mimeTypes).toEqual([mime]);
    const desktop = read('build/astromorph.desktop');
    expect(desktop).toMatch(new RegExp(`^MimeType=${mime};$`, 'm'));
    expect(desktop).toMatch(/^Exec=\S+ %f$/m);
    expect(config.linux.desktop.entry.MimeType).toBe(`${mime};`);
    const xml = read('build/astromorph-project.xml');
    expect(xml).toContain(`type="${mime}"`);
    expect(xml).toContain('<glob pattern="*.amproj"/>');
  });

  it('has every icon it names, at the sizes the platforms need, drawn by scripts/make-icons.ts', () => {
    const size = (f: string) => { const p = PNG.sync.read(readFileSync(join(root, f))); return [p.width, p.height]; };
    expect(size('build/icon.png')).toEqual([1024, 1024]); // electron-builder makes .icns and .ico from it
    for (const s of ICON_SIZES) {
      const file = `build/icons/${s}x${s}.png`;
      expect(existsSync(join(root, file)), file).toBe(true);
      expect(size(file)).toEqual([s, s]);
      expect(readFileSync(join(root, file)).equals(drawIcon(s)), `${file} is what make-icons draws`).toBe(true);
    }
    expect(existsSync(join(root, config.mac.icon))).toBe(true);
    expect(existsSync(join(root, config.win.icon))).toBe(true);
  });
});
