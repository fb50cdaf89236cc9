#!/usr/bin/env node
// Launcher for `astromorph`: the CLI is TypeScript run by Node 24's type stripping. When an older
// system Node starts this file, hand over to the Node 24 the project installs in node_modules.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import module from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const entry = join(here, 'main.ts');
if (Number(process.versions.node.split('.')[0]) >= 24) {
  // Node keeps the type-stripped, compiled modules in its compile cache (the system's temporary folder,
  // or NODE_COMPILE_CACHE; NODE_DISABLE_COMPILE_CACHE=1 turns it off): a warm start skips stripping and
  // parsing the TypeScript, most of the start-up time of a short command.
  module.enableCompileCache?.();
  await import(pathToFileURL(entry).href);
} else {
  const local = join(here, '..', '..', 'node_modules', '.bin', 'node');
  if (!existsSync(local)) {
    console.error(`astromorph needs Node 24 or newer (this is ${process.version}); run npm ci in ${join(here, '..', '..')}`);
    process.exit(2);
  }
  const child = spawn(local, [entry, ...process.argv.slice(2)], { stdio: 'inherit' });
  // Ctrl-C at a terminal reaches the child directly; a signal sent to this process alone (a process
  // manager, a script's kill) is passed on. The child ignores a second SIGINT while it shuts down.
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? 128 + (os.constants.signals[signal] ?? 0)));
}
