#!/usr/bin/env node
// `npm start`: the desktop app through electron-vite. Electron's binary is downloaded on first start
// from outside the npm registry; where that cannot happen, say so in one line and what to do.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const electronDir = join('node_modules', 'electron');
const pathFile = join(electronDir, 'path.txt');
const binary = existsSync(pathFile)
  ? join(process.env.ELECTRON_OVERRIDE_DIST_PATH ?? join(electronDir, 'dist'), readFileSync(pathFile, 'utf8'))
  : null;
if (!binary || !existsSync(binary)) {
  console.error(
    "astromorph: Electron's binary is not installed (it downloads on first start, which needs network access beyond the npm registry); " +
      'run `npx install-electron` where you have it, or use the same interface in a browser: `npm run -s astromorph -- serve PROJECT`',
  );
  process.exit(1);
}
const res = spawnSync('npx', ['--no-install', 'electron-vite', 'dev', ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(res.status ?? 1);
