// Writes the app icon (build/icon.png, 1024 px, from which electron-builder makes the .icns and
// .ico) and the Linux icon set (build/icons/NxN.png): a ringed protoplanetary disk with a gap,
// drawn analytically so every size is sharp. Usage: node scripts/make-icons.ts
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';

export const ICON_SIZES = [16, 32, 48, 64, 128, 256, 512] as const;

export function drawIcon(size: number): Buffer {
  const png = new PNG({ width: size, height: size });
  const c = (size - 1) / 2;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      // Inclined by 40 degrees: the minor axis shortened to cos(40).
      const dx = (x - c) / (size / 2), dy = (y - c) / (size / 2) / 0.77;
      const r = Math.hypot(dx, dy);
      const disk = Math.exp(-((r / 0.18) ** 2)) + 0.9 * Math.exp(-(((r - 0.55) / 0.07) ** 2)) + 0.5 * Math.exp(-(((r - 0.8) / 0.05) ** 2));
      const v = Math.min(1, disk);
      const o = (y * size + x) * 4;
      // Dark sky to a warm 'inferno'-like ramp.
      png.data[o] = Math.round(255 * Math.min(1, 1.6 * v));
      png.data[o + 1] = Math.round(255 * Math.max(0, Math.min(1, 1.4 * v - 0.35)));
      png.data[o + 2] = Math.round(255 * Math.max(0, 0.35 - 0.3 * v + Math.max(0, v - 0.85) * 3));
      png.data[o + 3] = r < 0.98 ? 255 : 0;
    }
  }
  return PNG.sync.write(png);
}

if (import.meta.main) {
  const dir = join(import.meta.dirname, '..', 'build');
  mkdirSync(join(dir, 'icons'), { recursive: true });
  writeFileSync(join(dir, 'icon.png'), drawIcon(1024));
  for (const s of ICON_SIZES) writeFileSync(join(dir, 'icons', `${s}x${s}.png`), drawIcon(s));
  console.log(`wrote build/icon.png and ${ICON_SIZES.length} sizes in build/icons/`);
}
