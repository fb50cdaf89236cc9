// README's generated parts, rewritten from their source (`npm run docs`): the training settings table
// from the schema in src-main/model/settings.ts. test/main/model/settings.test.ts fails while README's
// copy differs.   node scripts/update-readme.ts [--check]
import { readFileSync, writeFileSync } from 'node:fs';
import { settingsTable } from '../src-main/model/settings.ts';

export const README = new URL('../README.md', import.meta.url);
const BEGIN = '<!-- settings table: generated from src-main/model/settings.ts by npm run docs -->';
const END = '<!-- end of settings table -->';

/** README with the block between the markers replaced by `table`. */
export function withSettingsTable(readme: string, table = settingsTable('markdown')): string {
  const start = readme.indexOf(BEGIN), end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${BEGIN} ... ${END} block`);
  return `${readme.slice(0, start + BEGIN.length)}\n${table}\n${readme.slice(end)}`;
}

if (import.meta.main) {
  const readme = readFileSync(README, 'utf8');
  const updated = withSettingsTable(readme);
  if (process.argv.includes('--check')) {
    console.log(updated === readme ? 'README.md is up to date' : 'README.md is stale: run npm run docs');
    process.exitCode = updated === readme ? 0 : 1;
  } else {
    writeFileSync(README, updated);
    console.log(updated === readme ? 'README.md was up to date' : 'README.md updated');
  }
}
