// Wall time of short `astromorph` commands, end to end (a fresh Node process each time, as a person
// or a script runs them): `--version`, `ls` and `similar` on a project. What it measures is mostly
// start-up: which modules a command loads before it can answer. Targets: --version and ls < 150 ms,
// similar on a 480-item project < 500 ms.
//   node bench/cli-latency.ts PROJECT [ITEM] [RUNS]      default ITEM: the project's first item, RUNS 10
// Make a 480-item project first (about a minute on 2 cores):
//   node bench/make-survey.ts --kind disks --n 480 --seed 1 --out /tmp/d
//   astromorph init /tmp/p && astromorph add /tmp/p /tmp/d
//   astromorph train /tmp/p --config tiny.toml   # encoder = "small-cnn", image_size = 16, epochs = 1
//   astromorph embed /tmp/p
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../src-main/cli/astromorph.mjs', import.meta.url));
const [project, itemArg, runsArg] = process.argv.slice(2);
if (!project) {
  console.error('usage: node bench/cli-latency.ts PROJECT [ITEM] [RUNS]');
  process.exit(2);
}
const runs = Number(runsArg ?? 10);

function run(args: string[]): { ms: number; stdout: string } {
  const t0 = performance.now();
  const res = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (res.status !== 0) throw new Error(`astromorph ${args.join(' ')} exited ${res.status}: ${res.stderr}`);
  return { ms, stdout: res.stdout };
}

const item = itemArg || (JSON.parse(run(['ls', project, '--json']).stdout) as { path: string }[])[0].path;
const commands: [string, string[]][] = [
  ['--version', ['--version']],
  ['ls', ['ls', project]],
  ['similar', ['similar', project, item, '--k', '12']],
];
for (const [name, args] of commands) {
  run(args); // warm the file cache
  const ms = Array.from({ length: runs }, () => run(args).ms).sort((a, b) => a - b);
  const median = ms[Math.floor(ms.length / 2)];
  console.log(`${name.padEnd(10)} median ${median.toFixed(0).padStart(5)} ms   min ${ms[0].toFixed(0).padStart(5)} ms   max ${ms[ms.length - 1].toFixed(0).padStart(5)} ms   (${runs} runs)`);
}
