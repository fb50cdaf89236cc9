// Lists the node_modules files bench/gpu.ts needs at run time on a machine with no npm: the
// dependency closure of the model layer's runtime packages, less what Node never loads there
// (other platforms' Dawn builds, source maps, type declarations, tests, browser bundles). Prints
// one path per line, relative to the repository root, for `tar -T -`.
import fs from 'node:fs';
import path from 'node:path';

const ROOTS = [
  '@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-cpu', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-webgpu',
  'webgpu', 'zod', 'smol-toml',
];
const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const SKIP = [
  /\.map$/, /\.d\.ts$/, /\.d\.mts$/, /\.d\.cts$/, /_test\.js$/, /(^|\/)(test|tests|miniprogram)\//,
  // Top-level browser bundles of the tfjs packages (Node loads dist/*.node.js and the ESM modules).
  /^node_modules\/@tensorflow\/[^/]+\/dist\/tf-[^/]*\.(min|es2017|fesm)[^/]*\.js$/,
  /^node_modules\/@tensorflow\/[^/]+\/dist\/tf-[^/.]+\.js$/,
  /^node_modules\/webgpu\/dist\/(?!linux-x64\/)[^/]+/, /^node_modules\/webgpu\/build\//, /(^|\/)(coverage|\.nyc_output)\//,
];

const seen = new Set<string>();
function resolvePackage(name: string, from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (fs.existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (dir === repo || dir === path.dirname(dir)) throw new Error(`${name} not found from ${from}`);
  }
}
function walk(dir: string): void {
  if (seen.has(dir)) return;
  seen.add(dir);
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  for (const dep of Object.keys(pkg.dependencies ?? {})) {
    if (dep.startsWith('@types/') || dep === '@webgpu/types') continue; // types only
    walk(resolvePackage(dep, dir));
  }
}
for (const r of ROOTS) walk(resolvePackage(r, repo));

const out: string[] = [];
function files(dir: string): void {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    const rel = path.relative(repo, full);
    if (e.isDirectory()) {
      // Nested packages are visited through the closure, not as folders of their parent.
      if (e.name === 'node_modules') continue;
      if (!SKIP.some((re) => re.test(rel + '/'))) files(full);
    } else if (e.isFile() && !SKIP.some((re) => re.test(rel))) {
      out.push(rel);
    }
  }
}
for (const dir of seen) files(dir);
process.stdout.write(out.sort().join('\n') + '\n');
