// A plain Node for child processes that need Dawn: in Electron's main process the Dawn addon does
// not load (V8's memory cage forbids the external ArrayBuffers it hands out: "External buffers
// are not allowed"), and ELECTRON_RUN_AS_NODE or utilityProcess children run the same V8. So the
// desktop app trains on webgpu in a child process of a real Node (>= 24, for type stripping):
// ASTROMORPH_NODE if set, else the `node` npm package this project installs (node_modules/node),
// else `node` on the PATH; this process's own binary when it is Node already.
import fs from 'node:fs';
import path from 'node:path';
import { execFile, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ModelError } from '../errors.ts';
import type { AdapterSummary } from './dawn.ts';

/** Whether Dawn can load in this process (not Electron, unless ASTROMORPH_WEBGPU_CHILD says so). */
export function dawnInProcess(): boolean {
  if (process.env.ASTROMORPH_WEBGPU_CHILD === '1') return false;
  return process.versions.electron == null;
}

let found: string | undefined;

function majorOf(node: string): number {
  const r = spawnSync(node, ['-p', 'process.versions.node'], { encoding: 'utf8', timeout: 10_000, env: { ...process.env, ELECTRON_RUN_AS_NODE: '' } });
  return r.status === 0 ? Number(r.stdout.trim().split('.')[0]) : 0;
}

/** The Node binary for a child process that runs Dawn. */
export function childNode(): string {
  if (found != null) return found;
  if (process.versions.electron == null && process.env.ASTROMORPH_NODE == null) return (found = process.execPath);
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [
    process.env.ASTROMORPH_NODE,
    // src-main/model/webgpu -> the package root's node_modules (also from out/main after a build).
    ...[3, 2, 1].map((up) => path.join(here, ...Array<string>(up).fill('..'), 'node_modules', 'node', 'bin', process.platform === 'win32' ? 'node.exe' : 'node')),
    'node',
  ].filter((c): c is string => c != null && c !== '');
  for (const c of candidates) {
    if (c !== 'node' && !fs.existsSync(c)) continue;
    if (majorOf(c) >= 24) return (found = c);
  }
  throw new ModelError('webgpu needs a Node 24 binary for its child process (set ASTROMORPH_NODE, or install Node 24 on the PATH)');
}

/** The environment of such a child: Dawn in-process there, and Node, not Electron, semantics. */
export function childEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.ASTROMORPH_WEBGPU_CHILD;
  delete env.ELECTRON_RUN_AS_NODE;
  return env;
}

export type ChildProbe = { ok: true; summary: AdapterSummary } | { ok: false; reason: string };
let probed: Promise<ChildProbe> | undefined;

/** The adapter a child Node process finds (probe.ts), once per process (again when forced after a failure). */
export async function probeInChild(forced: boolean): Promise<ChildProbe> {
  if (probed != null) {
    const p = await probed;
    if (p.ok || !forced) return p;
  }
  probed = new Promise<ChildProbe>((resolve) => {
    let node: string;
    try {
      node = childNode();
    } catch (e) {
      resolve({ ok: false, reason: (e as Error).message });
      return;
    }
    const script = fileURLToPath(new URL('./probe.ts', import.meta.url));
    execFile(node, [script, forced ? 'forced' : 'auto'], { env: childEnv(), encoding: 'utf8', timeout: 60_000 }, (err, stdout) => {
      const line = stdout.trim().split('\n').at(-1) ?? '';
      try {
        resolve(JSON.parse(line) as ChildProbe);
      } catch {
        resolve({ ok: false, reason: `the WebGPU probe in a child Node process failed${err != null ? `: ${err.message}` : ''}` });
      }
    });
  });
  return probed;
}
