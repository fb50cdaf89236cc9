// Running a slow analysis (a t-SNE or UMAP map, density clusters, outlier scores) from the command
// line: progress on stderr (a bar on a terminal, a line every few seconds otherwise, nothing with
// --no-progress), and Ctrl-C stops the worker at once and stores nothing (exit 130).
import { SingleBar } from 'cli-progress';
import { ProjectSession } from '../api/services/project/project-session.ts';
import type { AnalysisProgress, EmbeddingCoverageView } from '../api/contract/index.ts';
import { EXIT_CANCELLED } from './exit-codes.ts';
import { stopOnSignals } from './stop-signals.ts';

const PLAIN_INTERVAL_MS = 5000;

interface Display {
  update(p: AnalysisProgress): void;
  stop(): void;
}

function display(stream: NodeJS.WriteStream, enabled: boolean): Display {
  if (!enabled) return { update() {}, stop() {} };
  if (stream.isTTY) {
    const bar = new SingleBar({
      stream, barsize: 30, hideCursor: true, clearOnComplete: true, fps: 10,
      format: (options, params, payload: { stage: string }) => {
        const width = options.barsize ?? 30;
        const filled = Math.round(params.progress * width);
        return `${payload.stage} ${'█'.repeat(filled)}${'░'.repeat(width - filled)} ${params.value}/${params.total}`;
      },
    });
    let started = false;
    return {
      update(p) {
        if (!started) bar.start(Math.max(1, p.total), p.done, { stage: p.stage });
        else {
          if (Math.max(1, p.total) !== bar.getTotal()) bar.setTotal(Math.max(1, p.total));
          bar.update(p.done, { stage: p.stage });
        }
        started = true;
      },
      stop() {
        if (started) bar.stop();
        started = false;
      },
    };
  }
  let last = -Infinity;
  let stage = '';
  return {
    update(p) {
      const now = performance.now();
      if (p.stage === stage && now - last < PLAIN_INTERVAL_MS) return;
      stage = p.stage;
      last = now;
      stream.write(`${p.stage}: ${p.done}/${p.total}\n`);
    },
    stop() {},
  };
}

interface AnalysisControl {
  signal: AbortSignal;
  onProgress: (p: AnalysisProgress) => void;
}

/**
 * Runs `work` with a progress display and Ctrl-C wired to its signal. Resolves with its result, or
 * with null after a Ctrl-C (having said so on stderr and set exit status 130).
 */
async function runAnalysis<T>(
  showProgress: boolean,
  work: (control: AnalysisControl) => Promise<T>,
): Promise<T | null> {
  const view = display(process.stderr, showProgress);
  const stop = stopOnSignals(() => view.stop());
  try {
    return await work({ signal: stop.signal, onProgress: (p) => view.update(p) });
  } catch (e) {
    if (!stop.signal.aborted) throw e;
    process.stderr.write('cancelled: nothing was stored\n');
    process.exitCode = EXIT_CANCELLED;
    return null;
  } finally {
    view.stop();
    stop.dispose();
  }
}

/** A result made from an incomplete or partly stale set of vectors says so, on stderr (--json too). */
export function warnIfIncomplete(coverage: EmbeddingCoverageView | undefined): void {
  if (coverage?.warning) process.stderr.write(`astromorph: warning: ${coverage.warning}\n`);
}

/**
 * The whole of an analysis command (map, clusters, outliers): open the project, run `work` as
 * runAnalysis does, print its result as JSON (--json) or as `render` writes it, close the project.
 */
export async function runAnalysisCommand<T extends { coverage?: EmbeddingCoverageView }>(
  projectArg: string,
  opts: { progress: boolean; json?: boolean },
  work: (session: ProjectSession, control: AnalysisControl) => Promise<T>,
  render: (view: T) => string,
): Promise<void> {
  const session = ProjectSession.open(projectArg);
  try {
    const view = await runAnalysis(opts.progress, (control) => work(session, control));
    if (view === null) return;
    warnIfIncomplete(view.coverage);
    process.stdout.write((opts.json ? JSON.stringify(view, null, 2) : render(view)) + '\n');
  } finally {
    session.close();
  }
}
