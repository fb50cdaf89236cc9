// Scan progress on stderr: a live bar with files/s and ETA on a terminal, occasional plain lines
// when stderr is a pipe or a file (logs stay readable), nothing with --no-progress. stdout is never
// touched, so --json output stays clean.
import { SingleBar } from 'cli-progress';
import type { ScanProgress } from '../api/index.ts';

export interface ProgressDisplay {
  update(progress: ScanProgress): void;
  /** A one-off message (e.g. "cancelling…") that must not garble the bar. */
  note(message: string): void;
  stop(): void;
}

const PLAIN_INTERVAL_MS = 5000;

export function scanProgressDisplay(stream: NodeJS.WriteStream, enabled: boolean): ProgressDisplay {
  if (!enabled) return { update() {}, note: (m) => void stream.write(m + '\n'), stop() {} };
  return stream.isTTY ? new BarDisplay(stream) : new PlainDisplay(stream);
}

class BarDisplay implements ProgressDisplay {
  #bar: SingleBar;
  #started = false;
  #t0 = performance.now();
  #stream: NodeJS.WriteStream;

  constructor(stream: NodeJS.WriteStream) {
    this.#stream = stream;
    this.#bar = new SingleBar({
      stream,
      format: 'scanning [{bar}] {value}/{total} files | {rate} files/s | ETA {eta_formatted}',
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 200,
      fps: 10,
    });
  }

  update(p: ScanProgress): void {
    const rate = rateOf(p.done, this.#t0);
    if (!this.#started) {
      this.#bar.start(p.total, p.done, { rate });
      this.#started = true;
    } else {
      if (p.total !== this.#bar.getTotal()) this.#bar.setTotal(p.total);
      this.#bar.update(p.done, { rate });
    }
  }

  note(message: string): void {
    // cli-progress redraws over the current line; start the message on a fresh one.
    this.#stream.write((this.#started ? '\n' : '') + message + '\n');
  }

  stop(): void {
    if (this.#started) this.#bar.stop();
    this.#started = false;
  }
}

class PlainDisplay implements ProgressDisplay {
  #stream: NodeJS.WriteStream;
  #t0 = performance.now();
  #last = -Infinity;

  constructor(stream: NodeJS.WriteStream) {
    this.#stream = stream;
  }

  update(p: ScanProgress): void {
    const now = performance.now();
    if (now - this.#last < PLAIN_INTERVAL_MS) return;
    this.#last = now;
    this.#stream.write(`scanning: ${p.done}/${p.total} files, ${rateOf(p.done, this.#t0)} files/s\n`);
  }

  note(message: string): void {
    this.#stream.write(message + '\n');
  }

  stop(): void {}
}

function rateOf(done: number, t0: number): string {
  const seconds = (performance.now() - t0) / 1000;
  return seconds > 0 ? String(Math.round(done / seconds)) : '0';
}
