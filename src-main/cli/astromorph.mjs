#!/usr/bin/env node
// Launcher for `astromorph`: the CLI is TypeScript run by Node 24's type stripping. When an older
// system Node starts this file, hand over to the Node 24 the project installs in node_modules.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const entry = join(here, 'main.ts');
if (Number(process.versions.node.split('.')[0]) >= 24) {
  await import(entry);
} else {
  const local = join(here, '..', '..', 'node_modules', '.bin', 'node');
  if (!existsSync(local)) {
    console.error(`astromorph needs Node 24 or newer (this is ${process.version}); run npm ci in ${join(here, '..', '..')}`);
    process.exit(2);
  }
  process.on('SIGINT', () => {}); // the child gets Ctrl-C too and shuts down cleanly
  const res = spawnSync(local, [entry, ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(res.status ?? 1);
}
