#!/usr/bin/env node
// `npm test`: every vitest suite (unit, CLI end-to-end, browser end-to-end), then one plain
// closing line `N passed, N failed, N skipped` that CI and people can read at a glance.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  console.error(`npm test needs Node 24 (found ${process.version}); run it through npm so node_modules/.bin/node is used.`);
  process.exit(2);
}
const out = join('test-results', 'vitest.json');
mkdirSync('test-results', { recursive: true });
if (existsSync(out)) rmSync(out);
const args = ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`, ...process.argv.slice(2)];
const res = spawnSync('npx', ['--no-install', ...args], { stdio: 'inherit', env: process.env });
let passed = 0, failed = 0, skipped = 0;
if (existsSync(out)) {
  const report = JSON.parse(readFileSync(out, 'utf8'));
  passed = report.numPassedTests;
  skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  // A suite that fails to load has no failed tests of its own; count it so it cannot pass silently.
  failed = report.numFailedTests + report.testResults.filter((r) => r.status === 'failed' && r.assertionResults.length === 0).length;
} else {
  failed = 1;
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(res.status === 0 && failed === 0 ? 0 : 1);
