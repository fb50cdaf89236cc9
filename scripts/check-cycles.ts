// Import cycles among our sources, type-only imports included (eslint's import-x/no-cycle skips
// those), at two levels: between files, and between the folders of src-main/ (fits, model, api/…).
// A type-only cycle costs nothing at run time, but it still ties two modules into one unit that
// cannot be understood, tested or moved alone. Part of `npm run lint`; exits 1 when it finds any.
//   node scripts/check-cycles.ts [--verbose]
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const root = path.resolve(import.meta.dirname, '..');
const FOLDERS = ['src-main', 'src-renderer'];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : sources(p);
    return /\.(ts|mts)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

const files = FOLDERS.flatMap((f) => sources(path.join(root, f)));
const known = new Set(files);
const graph = new Map<string, string[]>();
for (const file of files) {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  const targets = info.importedFiles
    .map((f) => f.fileName)
    .filter((s) => s.startsWith('.'))
    .map((s) => path.resolve(path.dirname(file), s))
    .filter((t) => known.has(t));
  graph.set(file, [...new Set(targets)]);
}

/** Strongly connected components with more than one member (Tarjan), each a set of nodes in a cycle. */
function cycles(g: Map<string, string[]>): string[][] {
  let index = 0;
  const indexOf = new Map<string, number>(), low = new Map<string, number>(), stack: string[] = [], onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    indexOf.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of g.get(v) ?? []) {
      if (!indexOf.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, indexOf.get(w)!));
    }
    if (low.get(v) === indexOf.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (g.get(v) ?? []).includes(v)) out.push(component.sort());
    }
  };
  for (const v of g.keys()) if (!indexOf.has(v)) visit(v);
  return out;
}

/** The folder a file belongs to for the folder-level check: src-main/<f>, or src-main/api/<f>. */
function folderOf(file: string): string {
  const parts = path.relative(root, file).split(path.sep);
  if (parts[0] !== 'src-main') return parts[0]!;
  return parts[1] === 'api' && parts.length > 3 ? parts.slice(0, 3).join('/') : parts.slice(0, 2).join('/');
}

const folderGraph = new Map<string, string[]>();
for (const [file, targets] of graph) {
  const from = folderOf(file);
  const list = folderGraph.get(from) ?? [];
  for (const t of targets) if (folderOf(t) !== from && !list.includes(folderOf(t))) list.push(folderOf(t));
  folderGraph.set(from, list);
}

const rel = (f: string) => path.relative(root, f);
const fileCycles = cycles(graph);
const folderCycles = cycles(folderGraph);
for (const c of fileCycles) console.error(`import cycle between files: ${c.map(rel).join(' <-> ')}`);
for (const c of folderCycles) {
  console.error(`import cycle between folders: ${c.join(' <-> ')}`);
  // Name the imports that close it, so the fix is obvious.
  for (const [file, targets] of graph) {
    for (const t of targets) {
      if (c.includes(folderOf(file)) && c.includes(folderOf(t)) && folderOf(file) !== folderOf(t)) console.error(`  ${rel(file)} -> ${rel(t)}`);
    }
  }
}
if (process.argv.includes('--verbose')) console.log(`${graph.size} files, ${folderGraph.size} folders checked`);
if (fileCycles.length + folderCycles.length > 0) process.exit(1);
