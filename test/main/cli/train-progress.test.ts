// The training display: a bar with epoch, step, loss, images/s, data wait, ETA and backend on a
// terminal; on a pipe, plain lines at most every few seconds plus one line per epoch. A PassThrough
// stands in for stderr (isTTY picks the mode, as on a real one).
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { embeddingProgressDisplay, trainingProgressDisplay } from '../../../src-main/cli/training-progress.ts';
import type { TrainingProgressReport, TrainingStart } from '../../../src-main/api/contract/index.ts';

function stream(isTTY: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  const s = new PassThrough();
  let text = '';
  s.on('data', (chunk) => (text += chunk));
  Object.assign(s, { isTTY, columns: 160 });
  return { stream: s as unknown as NodeJS.WriteStream, text: () => text };
}

const start: TrainingStart = { runId: 3, resumed: false, backend: 'wasm', items: 64, epochs: 2, fromEpoch: 0, fromStep: 0, skipped: [] };
const step = (epoch: number, s: number): TrainingProgressReport => ({
  runId: 3, epoch, epochs: 2, step: s, stepsPerEpoch: 8, globalStep: (epoch - 1) * 8 + s, totalSteps: 16,
  loss: 4 - s * 0.1, imagesPerSecond: 123.4, dataWaitShare: 0.07, etaSeconds: 75, backend: 'wasm',
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('training progress display', () => {
  it('draws a bar with the step, loss, rate, data wait, ETA and backend, and an epoch line between bars', async () => {
    const out = stream(true);
    const d = trainingProgressDisplay(out.stream, true);
    d.start(start);
    d.update(step(1, 1));
    d.update(step(1, 5));
    await sleep(150); // cli-progress redraws on a 10-per-second timer
    expect(out.text()).toMatch(/epoch 1\/2 \S+ step 5\/8 \| loss 3\.5000 \| 123\.4 img\/s \| data wait 7% \| ETA 1m15s \| wasm/);
    d.epoch({ runId: 3, epoch: 1, epochs: 2, meanLoss: 3.25, effectiveRank: null, checkpointId: 9 });
    expect(out.text()).toMatch(/(\n|\x1b\[2K)epoch 1\/2 done: mean loss 3\.2500 \(checkpoint 9 saved\)\n$/);
    d.epoch({ runId: 3, epoch: 2, epochs: 2, meanLoss: 3, effectiveRank: { representation: 41.26, projection: 12.04 }, checkpointId: 10 });
    expect(out.text()).toMatch(/epoch 2\/2 done: mean loss 3\.0000, effective rank 41\.3 \(projection 12\.0\) \(checkpoint 10 saved\)\n$/);
    d.update(step(2, 1));
    d.message('cancelling', true);
    const after = out.text();
    d.update(step(2, 2));
    d.stop();
    expect(out.text()).toBe(after);
    expect(out.text().startsWith('training run 3 on 64 items, 2 epochs; backend: wasm\n')).toBe(true);
  });

  it('writes plain lines on a pipe: the first step at once, then epochs; no escape codes', () => {
    const out = stream(false);
    const d = trainingProgressDisplay(out.stream, true);
    d.start({ ...start, resumed: true, fromEpoch: 1, fromStep: 8 });
    for (let s = 1; s <= 8; s++) d.update(step(2, s));
    d.epoch({ runId: 3, epoch: 2, epochs: 2, meanLoss: 3, effectiveRank: null, checkpointId: 10 });
    d.stop();
    expect(out.text()).not.toContain('\x1b');
    expect(out.text().trim().split('\n')).toEqual([
      'resuming run 3 at step 8 (epoch 2) on 64 items, 2 epochs; backend: wasm',
      'epoch 2/2 step 1/8: loss 3.9000, 123.4 images/s, data wait 7%, ETA 1m15s',
      'epoch 2/2 done: mean loss 3.0000 (checkpoint 10 saved)',
    ]);
  });

  it('--no-progress keeps the start and epoch lines only', () => {
    const out = stream(true);
    const d = trainingProgressDisplay(out.stream, false);
    d.start(start);
    d.update(step(1, 1));
    d.epoch({ runId: 3, epoch: 1, epochs: 2, meanLoss: 3, effectiveRank: null, checkpointId: 1 });
    expect(out.text().trim().split('\n')).toHaveLength(2);
  });

  it('embedding: plain lines end with the full count', () => {
    const out = stream(false);
    const d = embeddingProgressDisplay(out.stream, true);
    for (let i = 10; i <= 100; i += 10) d.update({ done: i, total: 100 });
    d.stop();
    const lines = out.text().trim().split('\n');
    expect(lines[0]).toMatch(/^embedding: 10\/100 items, [\d.]+ items\/s$/);
    expect(lines.at(-1)).toMatch(/^embedding: 100\/100 items/);
    expect(lines.length).toBe(2);
  });
});
