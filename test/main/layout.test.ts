// README's Layout section draws the folders of src-main/ (and of api/ and api/services/) as they are:
// a folder added, moved or removed without the map fails here.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url);
const folders = (path: string) => readdirSync(new URL(path, ROOT), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();

/** The folder names the map lists at one indentation, under the folder named on the line `parent` matches. */
function mapped(indent: number, parent: RegExp): string[] {
  const readme = readFileSync(new URL('README.md', ROOT), 'utf8');
  const layout = readme.slice(readme.indexOf('## Layout'));
  const lines = layout.split('\n');
  const from = lines.findIndex((l) => parent.test(l));
  const parentIndent = lines[from]!.search(/\S/);
  const names: string[] = [];
  for (const line of lines.slice(from + 1)) {
    if (line.trim() === '') continue;
    const at = line.search(/\S/);
    if (at <= parentIndent) break;
    const m = /^(\S+)\/(\s|$)/.exec(line.slice(at));
    if (at === indent && m) names.push(m[1]!);
  }
  return names.sort();
}

describe("README's Layout", () => {
  it('names every folder of src-main/, api/ and api/services/, and no other', () => {
    expect(mapped(6, /^ {4}src-main\/$/)).toEqual(folders('src-main'));
    expect(mapped(8, /^ {6}api\/$/)).toEqual(folders('src-main/api'));
    expect(mapped(10, /^ {8}services\//)).toEqual(folders('src-main/api/services'));
  });
});
