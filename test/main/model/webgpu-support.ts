// WebGPU tests run on SwiftShader, the software Vulkan driver (and loader) that Debian's chromium
// package ships in /usr/lib/chromium. On a developer's machine without it the tests are skipped
// with a warning; under CI=true its absence is a failing test naming the package (as
// test/support/reference-tools.ts does for the other reference tools).
import fs from 'node:fs';
import { debian, referenceTool } from '../../support/reference-tools.ts';

export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/** The environment a process needs to see SwiftShader as its only Vulkan driver. */
export const swiftShaderEnv = (): Record<string, string> => ({ VK_ICD_FILENAMES: SWIFTSHADER_ICD });

/** Whether SwiftShader is there; points this process's Vulkan loader at it (before Dawn loads). */
export function haveSwiftShader(): boolean {
  const ok = referenceTool('SwiftShader Vulkan driver (for the webgpu backend)', debian('chromium'), fs.existsSync(SWIFTSHADER_ICD));
  if (ok) Object.assign(process.env, swiftShaderEnv());
  return ok;
}
