// A second real process for the lock tests: opens the project with the lock, says so, then waits
// until it is killed (SIGKILL leaves a stale lock) or told to close (a line on stdin).
import { Project } from '../../../src-main/project/index.ts';

const p = Project.open(process.argv[2]!, { lock: true });
process.stdout.write(`${JSON.stringify({ pid: process.pid, readOnly: p.readOnly })}\n`);
process.stdin.once('data', () => {
  p.close();
  process.exit(0);
});
