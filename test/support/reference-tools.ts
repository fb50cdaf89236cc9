// The reference tools our cross-checks compare against (astropy, numpy, CFITSIO, a system Node,
// the FITS corpus). On a developer's laptop a missing tool skips its cross-checks with a warning;
// under CI=true it is a failing test naming the Debian package, so a CI machine that lacks one
// cannot pass by skipping (.ci/run installs them all).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { it } from 'vitest';

export const PYTHON = '/usr/bin/python3';

const inCi = Boolean(process.env.CI) && process.env.CI !== 'false';

/** Whether a reference tool is there; registers a failing test in CI when it is not. */
export function referenceTool(what: string, remedy: string, available: boolean): boolean {
  if (available) return true;
  const message = `${what} is not available (${remedy})`;
  if (inCi) {
    it(`reference tool: ${what}`, () => {
      throw new Error(`${message}: its cross-checks cannot be skipped in CI`);
    });
  } else {
    console.warn(`${message}: its cross-checks are skipped`);
  }
  return false;
}

export const debian = (pkg: string): string => `Debian package ${pkg}; .ci/run installs it`;

/** Python modules importable by Debian's /usr/bin/python3 (not a pyenv or venv python). */
export function havePythonModules(...modules: string[]): boolean {
  if (!fs.existsSync(PYTHON)) return false;
  return spawnSync(PYTHON, ['-c', modules.map((m) => `import ${m}`).join('; ')], { encoding: 'utf8' }).status === 0;
}

export const haveAstropy = (): boolean => referenceTool('astropy', debian('python3-astropy'), havePythonModules('numpy', 'astropy.io.fits', 'astropy.wcs'));
export const haveNumpy = (): boolean => referenceTool('numpy', debian('python3-numpy'), havePythonModules('numpy'));
export const haveCfitsio = (...tools: string[]): boolean =>
  referenceTool(`CFITSIO tools (${tools.join(', ')})`, debian('libcfitsio-bin'), tools.every((t) => fs.existsSync(`/usr/bin/${t}`)));
export const haveReproject = (): boolean => referenceTool('reproject', debian('python3-reproject'),
  havePythonModules('numpy', 'astropy.io.fits', 'astropy.wcs', 'reproject'));
