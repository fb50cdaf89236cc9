// The pool the scanner and the training data loader share, on real worker threads.
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { WorkerPool } from '../../../src-main/base/worker-pool.ts';
import { runWorkerJob, postedError } from '../../../src-main/base/worker-job.ts';

// Answers { id, x } with { id, x, doubled, thread } after `delay` ms; x = -1 kills the thread.
const ECHO = `
const { parentPort, threadId } = require('node:worker_threads');
parentPort.on('message', (m) => {
  if (m.x === -1) process.exit(3);
  setTimeout(() => parentPort.postMessage({ id: m.id, x: m.x, doubled: 2 * m.x, thread: threadId }), m.delay ?? 0);
});`;
type Echo = { id: number; x: number; doubled: number; thread: number };
const pool = (size: number, respawn: boolean, perWorker = 1) =>
  new WorkerPool<Echo>({ size, perWorker, respawn, spawn: () => new Worker(ECHO, { eval: true }), died: (why) => new Error(`echo died: ${why}`) });

describe('WorkerPool', () => {
  it('answers every request, at most perWorker at a time per worker, and routes pinned requests', async () => {
    const p = pool(2, false, 2);
    try {
      const replies = Promise.all(Array.from({ length: 10 }, (_, x) => p.request({ x, delay: 5 })));
      expect(p.inFlight).toBe(10);
      expect(p.hasRoom).toBe(false);
      expect((await replies).map((r) => r.doubled)).toEqual(Array.from({ length: 10 }, (_, x) => 2 * x));
      const first = await p.request({ x: 1 }, { worker: 0 });
      const again = await Promise.all([p.request({ x: 2 }, { worker: 0 }), p.request({ x: 3 }, { worker: 1 })]);
      expect(again[0].thread).toBe(first.thread);
      expect(again[1].thread).not.toBe(first.thread);
    } finally {
      await p.close();
    }
  });

  it('a worker that dies fails what it held; it is replaced, or without respawn the pool fails', async () => {
    const replaced = pool(1, true);
    try {
      await expect(replaced.request({ x: -1 })).rejects.toThrow(/echo died: exited with code 3/);
      expect((await replaced.request({ x: 4 })).doubled).toBe(8);
      expect(replaced.failure).toBeNull();
    } finally {
      await replaced.close();
    }
    const failing = pool(1, false);
    try {
      await expect(failing.request({ x: -1 })).rejects.toThrow(/echo died/);
      await expect(failing.request({ x: 4 })).rejects.toThrow(/echo died/);
    } finally {
      await failing.close();
    }
  });

  it('close(reason) fails the requests not yet answered', async () => {
    const p = pool(1, false);
    const failed = expect(p.request({ x: 1, delay: 10_000 })).rejects.toThrow('closed');
    await p.close(new Error('closed'));
    await failed;
  });
});

describe('runWorkerJob', () => {
  const JOB = `
const { parentPort, workerData } = require('node:worker_threads');
for (let i = 1; i <= 3; i++) parentPort.postMessage({ type: 'event', event: i });
if (workerData.fail) { const e = new RangeError('bad input'); e.code = 'bad'; parentPort.postMessage({ type: 'error', error: { name: e.name, message: e.message, code: e.code } }); }
else if (workerData.hang) setInterval(() => {}, 1000);
else parentPort.postMessage({ type: 'done', result: 'ok' });`;
  const run = (workerData: object, signal?: AbortSignal, events: number[] = []) => runWorkerJob<number, string>(new Worker(JOB, { eval: true, workerData }), {
    signal, onEvent: (e) => events.push(e), revive: (e) => Object.assign(new Error(`${e.name}: ${e.message}`), { code: e.code }), died: (why) => new Error(why),
  });

  it('relays events, then the result or the revived error; abort ends the thread', async () => {
    const events: number[] = [];
    expect(await run({}, undefined, events)).toBe('ok');
    expect(events).toEqual([1, 2, 3]);
    await expect(run({ fail: true })).rejects.toMatchObject({ message: 'RangeError: bad input', code: 'bad' });
    const ctl = new AbortController();
    const hung = run({ hang: true }, ctl.signal);
    setTimeout(() => ctl.abort(new Error('stop')), 50);
    await expect(hung).rejects.toThrow('stop');
  });

  it('with stop, an abort settles at once and the thread is asked to stop and exits by itself; one that will not is terminated', async () => {
    // Stops (exit code 0) a tick after a 'stop' message unless told to ignore it.
    const STOPPABLE = `
const { parentPort, workerData } = require('node:worker_threads');
const beat = setInterval(() => parentPort.postMessage({ type: 'event', event: 1 }), 5);
parentPort.on('message', (m) => { if (m.type === 'stop' && !workerData.deaf) setTimeout(() => { clearInterval(beat); parentPort.close(); }, 20); });`;
    const job = (deaf: boolean) => {
      const worker = new Worker(STOPPABLE, { eval: true, workerData: { deaf } });
      const exit = new Promise<number>((r) => worker.once('exit', r));
      const stops: number[] = [];
      const ctl = new AbortController();
      const done = runWorkerJob<number, string>(worker, {
        signal: ctl.signal, onEvent: () => ctl.abort(new Error('cancelled')), revive: (e) => new Error(e.message), died: (why) => new Error(why),
        stop: () => { stops.push(Date.now()); worker.postMessage({ type: 'stop' }); }, graceMs: 300,
      });
      return { done, exit, stops };
    };
    const polite = job(false);
    await expect(polite.done).rejects.toThrow('cancelled');
    expect(polite.stops).toHaveLength(1);
    expect(await polite.exit).toBe(0); // left to finish: terminate() would give exit code 1
    const deaf = job(true);
    const t0 = Date.now();
    await expect(deaf.done).rejects.toThrow('cancelled');
    expect(await deaf.exit).toBe(1);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
  });

  it('postedError keeps the name, the message and string or number fields', () => {
    const e = Object.assign(new TypeError('nope'), { code: 'x', count: 2, nested: { a: 1 } });
    expect(postedError(e)).toEqual({ name: 'TypeError', message: 'nope', code: 'x', count: 2 });
    expect(postedError('plain')).toEqual({ name: 'Error', message: 'plain' });
  });
});
