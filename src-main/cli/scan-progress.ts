// Scan progress on stderr: a live bar with files/s and ETA on a terminal, occasional plain lines
// when stderr is a pipe or a file (logs stay readable), nothing with --no-progress. stdout is never
// touched, so --json output stays clean.
import { SingleBar } from 'cli-progress';
import type { ScanProgress } from '../api/contract/index.ts';

export interface ProgressDisplay {
  update(progress: ScanProgress): void;
  /** Ends the display early with a message (e.g. "cancelling…"); later updates are ignored. */
  interrupt(message: string): void;
  stop(): void;
}

const PLAIN_INTERVAL_MS = 5000;

export function scanProgressDisplay(stream: NodeJS.WriteStream, enabled: boolean): ProgressDisplay {
  if (!enabled) return { update() {}, interrupt: (m) => void stream.write(m + '\n'), stop() {} };
  return stream.isTTY ? new BarDisplay(stream) : new PlainDisplay(stream);
}

/** Files per second since the phase began. */
class Rate {
  #phase: ScanProgress['phase'] | null = null;
  #t0 = 0;

  of(p: ScanProgress): number {
    if (p.phase !== this.#phase) {
      this.#phase = p.phase;
      this.#t0 = performance.now();
    }
    const seconds = (performance.now() - this.#t0) / 1000;
    return seconds > 0.2 ? Math.round(p.done / seconds) : 0;
  }
}

class BarDisplay implements ProgressDisplay {
  #bar: SingleBar;
  #started = false;
  #interrupted = false;
  #rate = new Rate();
  #stream: NodeJS.WriteStream;

  constructor(stream: NodeJS.WriteStream) {
    this.#stream = stream;
    this.#bar = new SingleBar({
      stream,
      // While walking, the total is not known yet: a count instead of a bar.
      format: (options, params, payload: { phase: string; rate: number; failed: number }) => {
        if (payload.phase === 'walk') return `finding FITS files: ${params.value} so far`;
        const width = options.barsize ?? 30;
        const filled = Math.round(params.progress * width);
        const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
        const eta = params.value > 0 && payload.rate > 0 ? formatSeconds((params.total - params.value) / payload.rate) : '--';
        const failed = payload.failed > 0 ? ` | ${payload.failed} failed` : '';
        return `scanning ${bar} ${params.value}/${params.total} files | ${payload.rate} files/s | ETA ${eta}${failed}`;
      },
      barsize: 30,
      hideCursor: true,
      clearOnComplete: true,
      fps: 10,
    });
  }

  update(p: ScanProgress): void {
    if (this.#interrupted) return;
    const payload = { phase: p.phase, rate: this.#rate.of(p), failed: p.failed };
    const total = Math.max(p.total, 1);
    if (!this.#started) {
      this.#bar.start(total, p.done, payload);
      this.#started = true;
    } else {
      if (total !== this.#bar.getTotal()) this.#bar.setTotal(total);
      this.#bar.update(p.done, payload);
    }
  }

  interrupt(message: string): void {
    // Stop the bar first: cli-progress would redraw over the message.
    this.stop();
    this.#interrupted = true;
    this.#stream.write(message + '\n');
  }

  stop(): void {
    if (this.#started) this.#bar.stop();
    this.#started = false;
  }
}

class PlainDisplay implements ProgressDisplay {
  #stream: NodeJS.WriteStream;
  #rate = new Rate();
  #phase: ScanProgress['phase'] | null = null;
  #last = -Infinity;
  #interrupted = false;

  constructor(stream: NodeJS.WriteStream) {
    this.#stream = stream;
  }

  update(p: ScanProgress): void {
    if (this.#interrupted) return;
    const rate = this.#rate.of(p);
    const now = performance.now();
    // The first report of each phase at once, then one line every few seconds.
    if (p.phase === this.#phase && now - this.#last < PLAIN_INTERVAL_MS) return;
    this.#phase = p.phase;
    this.#last = now;
    if (p.phase === 'walk') this.#stream.write(`finding FITS files: ${p.done} so far\n`);
    else this.#stream.write(`scanning: ${p.done}/${p.total} files, ${rate} files/s${p.failed > 0 ? `, ${p.failed} failed` : ''}\n`);
  }

  interrupt(message: string): void {
    this.#interrupted = true;
    this.#stream.write(message + '\n');
  }

  stop(): void {}
}

export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
