// Running a slow analysis (a t-SNE or UMAP map, density clusters, outlier scores) from the command
// line: progress on stderr (a bar on a terminal, a line every few seconds otherwise, nothing with
// --no-progress), and Ctrl-C stops the worker at once and stores nothing (exit 130).
import { SingleBar } from 'cli-progress';
import type { AnalysisProgress } from '../api/index.ts';
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

/**
 * Runs `work` with a progress display and Ctrl-C wired to its signal. Resolves with its result, or
 * with null after a Ctrl-C (having said so on stderr and set exit status 130).
 */
export async function runAnalysis<T>(
  showProgress: boolean,
  work: (control: { signal: AbortSignal; onProgress: (p: AnalysisProgress) => void }) => Promise<T>,
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
