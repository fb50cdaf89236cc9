// Progress of training and embedding on stderr: a live bar on a terminal (epoch, step, loss, images/s,
// data-wait share, ETA, backend), plain lines every few seconds otherwise, and always one line per
// finished epoch, so a log of a long run shows the loss curve. stdout stays for results and --json.
import { SingleBar } from 'cli-progress';
import type { EmbedProgress, TrainingEpochReport, TrainingProgressReport, TrainingStart } from '../api/contract/index.ts';
import { formatSeconds } from './scan-progress.ts';
import { formatLoss } from './table.ts';

const PLAIN_INTERVAL_MS = 5000;
const BAR_WIDTH = 24;

export interface TrainingDisplay {
  start(start: TrainingStart): void;
  update(progress: TrainingProgressReport): void;
  epoch(epoch: TrainingEpochReport): void;
  /** A line of its own (a warning, "cancelling…"); with `final`, later updates draw nothing. */
  message(text: string, final?: boolean): void;
  stop(): void;
}

export { formatLoss };

function describeStart(s: TrainingStart): string {
  const where = s.resumed
    ? s.fromStep > 0 ? `resuming run ${s.runId} at step ${s.fromStep} (epoch ${s.fromEpoch + 1})` : `restarting run ${s.runId} from the beginning (it had no checkpoint)`
    : `training run ${s.runId}`;
  const what = s.bands ? `multi-band object${s.items === 1 ? '' : 's'} (channels ${s.bands.names.join(', ')}, reprojected ${s.bands.method} onto the `
    + `${s.bands.grid}${s.bands.beam === 'common' ? ', at a common beam' : ''})` : `item${s.items === 1 ? '' : 's'}`;
  const line = `${where} on ${s.items} ${what}, ${s.epochs} epoch${s.epochs === 1 ? '' : 's'}; backend: ${s.backend}`;
  if (s.skipped.length === 0) return line;
  return [line, `skipping ${s.skipped.length} item${s.skipped.length === 1 ? '' : 's'} that cannot be used for training:`,
    ...s.skipped.map((k) => `  ${k.path}: ${k.reason}`)].join('\n');
}

function stepLine(p: TrainingProgressReport): string {
  return `epoch ${p.epoch}/${p.epochs} step ${p.step}/${p.stepsPerEpoch}: loss ${formatLoss(p.loss)}, ` +
    `${p.imagesPerSecond.toFixed(1)} images/s, data wait ${Math.round(p.dataWaitShare * 100)}%, ETA ${formatSeconds(p.etaSeconds)}`;
}

function epochLine(e: TrainingEpochReport): string {
  const rank = e.effectiveRank ? `, effective rank ${e.effectiveRank.representation.toFixed(1)} (projection ${e.effectiveRank.projection.toFixed(1)})` : '';
  return `epoch ${e.epoch}/${e.epochs} done: mean loss ${formatLoss(e.meanLoss)}${rank} (checkpoint ${e.checkpointId} saved)`;
}

export function trainingProgressDisplay(stream: NodeJS.WriteStream, enabled: boolean): TrainingDisplay {
  if (!enabled) {
    // Still say what computes and where the run stands: they matter even without a progress display.
    return { start: (s) => void stream.write(describeStart(s) + '\n'), update() {}, epoch: (e) => void stream.write(epochLine(e) + '\n'), message: (m) => void stream.write(m + '\n'), stop() {} };
  }
  return stream.isTTY ? new TrainingBar(stream) : new TrainingLines(stream);
}

class TrainingBar implements TrainingDisplay {
  #stream: NodeJS.WriteStream;
  #bar: SingleBar;
  #running = false;
  #final = false;

  constructor(stream: NodeJS.WriteStream) {
    this.#stream = stream;
    this.#bar = new SingleBar({
      stream,
      format: (_options, params, p: TrainingProgressReport) => {
        const filled = Math.round(params.progress * BAR_WIDTH);
        return `epoch ${p.epoch}/${p.epochs} ${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)} step ${p.step}/${p.stepsPerEpoch}` +
          ` | loss ${formatLoss(p.loss)} | ${p.imagesPerSecond.toFixed(1)} img/s | data wait ${Math.round(p.dataWaitShare * 100)}%` +
          ` | ETA ${formatSeconds(p.etaSeconds)} | ${p.backend}`;
      },
      hideCursor: true,
      clearOnComplete: true,
      fps: 10,
    });
  }

  start(s: TrainingStart): void {
    this.#stream.write(describeStart(s) + '\n');
  }

  update(p: TrainingProgressReport): void {
    if (this.#final) return;
    if (!this.#running) {
      this.#bar.start(p.stepsPerEpoch, p.step, p);
      this.#running = true;
    } else {
      this.#bar.update(p.step, p);
    }
  }

  epoch(e: TrainingEpochReport): void {
    if (this.#final) return;
    this.message(epochLine(e));
  }

  message(text: string, final = false): void {
    // Stop the bar first, or cli-progress would draw over the line; the next update starts a new one.
    this.stop();
    this.#final ||= final;
    this.#stream.write(text + '\n');
  }

  stop(): void {
    if (this.#running) this.#bar.stop();
    this.#running = false;
  }
}

class TrainingLines implements TrainingDisplay {
  #stream: NodeJS.WriteStream;
  #last = -Infinity;
  #final = false;

  constructor(stream: NodeJS.WriteStream) {
    this.#stream = stream;
  }

  start(s: TrainingStart): void {
    this.#stream.write(describeStart(s) + '\n');
  }

  update(p: TrainingProgressReport): void {
    const now = performance.now();
    if (this.#final || now - this.#last < PLAIN_INTERVAL_MS) return;
    this.#last = now;
    this.#stream.write(stepLine(p) + '\n');
  }

  epoch(e: TrainingEpochReport): void {
    if (!this.#final) this.#stream.write(epochLine(e) + '\n');
  }

  message(text: string, final = false): void {
    this.#final ||= final;
    this.#stream.write(text + '\n');
  }

  stop(): void {}
}

export interface EmbeddingDisplay {
  update(progress: EmbedProgress): void;
  message(text: string, final?: boolean): void;
  stop(): void;
}

export function embeddingProgressDisplay(stream: NodeJS.WriteStream, enabled: boolean): EmbeddingDisplay {
  const started = performance.now();
  const rate = (done: number) => done / Math.max(1e-3, (performance.now() - started) / 1000);
  if (!enabled) return { update() {}, message: (m) => void stream.write(m + '\n'), stop() {} };
  if (!stream.isTTY) {
    let last = -Infinity;
    let final = false;
    return {
      update(p) {
        const now = performance.now();
        if (final || (now - last < PLAIN_INTERVAL_MS && p.done < p.total)) return;
        last = now;
        stream.write(`embedding: ${p.done}/${p.total} items, ${rate(p.done).toFixed(1)} items/s\n`);
      },
      message(m, f = false) {
        final ||= f;
        stream.write(m + '\n');
      },
      stop() {},
    };
  }
  const bar = new SingleBar({
    stream,
    format: (_options, params, payload: { rate: number }) => {
      const filled = Math.round(params.progress * BAR_WIDTH);
      const eta = payload.rate > 0 ? formatSeconds((params.total - params.value) / payload.rate) : '--';
      return `embedding ${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)} ${params.value}/${params.total} items | ${payload.rate.toFixed(1)} items/s | ETA ${eta}`;
    },
    hideCursor: true,
    clearOnComplete: true,
    fps: 10,
  });
  let running = false;
  let final = false;
  const stop = () => {
    if (running) bar.stop();
    running = false;
  };
  return {
    update(p) {
      if (final) return;
      if (!running) bar.start(p.total, p.done, { rate: rate(p.done) });
      else bar.update(p.done, { rate: rate(p.done) });
      running = true;
    },
    message(m, f = false) {
      stop();
      final ||= f;
      stream.write(m + '\n');
    },
    stop,
  };
}
