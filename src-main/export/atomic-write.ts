// Files appear whole or not at all: written beside the target under a temporary name, then renamed.
import { renameSync, rmSync, writeFileSync } from 'node:fs';

export function writeAtomically(path: string, data: Uint8Array | string): void {
  const temp = `${path}.${process.pid}.partial`;
  try {
    writeFileSync(temp, data, { flag: 'wx' });
    renameSync(temp, path);
  } catch (e) {
    rmSync(temp, { force: true });
    throw new Error(`cannot write ${path}: ${(e as Error).message}`, { cause: e });
  }
}
