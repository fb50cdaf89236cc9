// The desktop's handle on training: one run at a time per open project, started from the settings
// form and driven in the background while events report progress. The page's pause is the run's own
// checkpoint-and-stop (train's abort), and its resume continues that same run from the checkpoint, so a
// paused run survives closing the app too.
import { checkSettings as checkTrainingSettings } from '../../../model/settings.ts';
import { ApiError } from '../../contract/errors.ts';
import type { EventHub } from '../../contract/events.ts';
import type { ProjectSession } from '../project/project-session.ts';
import { listRuns, train } from './training.ts';
import type { TrainingStart } from '../../contract/reports.ts';
import type { SettingsCheck, TrainingState } from '../../contract/methods.ts';

interface ActiveRun {
  runId: number | null;
  controller: AbortController;
  /** Set when the stop was a pause (the run is continued later), not a cancel. */
  pausing: boolean;
  done: Promise<void>;
}

/** The form's settings as a run would take them, defaults filled in, or every problem (shown as the form is edited). */
export function checkSettings(settings: Record<string, unknown>): SettingsCheck {
  const r = checkTrainingSettings(settings);
  return r.settings !== null
    ? { ok: true, errors: [], settings: r.settings as unknown as Record<string, unknown> }
    : { ok: false, errors: r.errors, settings: null };
}

export class TrainingControl {
  readonly #session: ProjectSession;
  readonly #events: EventHub;
  #active: ActiveRun | null = null;
  /** Runs paused in this session: resumed with their own settings. */
  readonly #paused = new Set<number>();

  constructor(session: ProjectSession, events: EventHub) {
    this.#session = session;
    this.#events = events;
  }

  get busy(): boolean {
    return this.#active !== null;
  }

  state(): TrainingState {
    const a = this.#active;
    const runs = listRuns(this.#session);
    return {
      active: a && a.runId !== null ? { runId: a.runId, paused: false } : null,
      runs: runs.map((r) => (this.#paused.has(r.id) && r.status === 'cancelled' ? { ...r, status: 'paused' as const } : r)),
    };
  }

  /** Starts a new run (settings from the form) or continues the latest unfinished one; resolves once it has started. */
  start(settings: Record<string, unknown> | null): Promise<TrainingStart> {
    if (this.#active) throw new ApiError('run-busy', `run ${this.#active.runId ?? ''} is training; cancel or pause it first`.replace('  ', ' '));
    this.#session.assertWritable('train');
    const controller = new AbortController();
    const active: ActiveRun = { runId: null, controller, pausing: false, done: Promise.resolve() };
    this.#active = active;
    return new Promise<TrainingStart>((resolveStart, rejectStart) => {
      let started = false;
      // train() validates the form's settings (once) and stores them with the run.
      active.done = train(this.#session, {
        ...(settings !== null && { settings, settingsSource: 'the training form' }),
        resume: settings === null,
        signal: controller.signal,
        onStart: (s) => {
          started = true;
          active.runId = s.runId;
          this.#paused.delete(s.runId);
          this.#events.emit('trainingStart', s);
          resolveStart(s);
        },
        onProgress: (p) => this.#events.emit('trainingProgress', p),
        onEpoch: (e) => this.#events.emit('trainingEpoch', e),
      }).then((report) => {
        if (active.pausing && report.status === 'cancelled') {
          this.#paused.add(report.runId);
          this.#events.emit('trainingPaused', { runId: report.runId, paused: true });
        }
        this.#events.emit('trainingEnd', { runId: report.runId, status: report.status, error: null, report });
      }, (e: unknown) => {
        const message = e instanceof Error ? e.message : String(e);
        if (!started) rejectStart(e);
        else this.#events.emit('trainingEnd', { runId: active.runId ?? 0, status: 'failed', error: message, report: null });
      }).finally(() => {
        if (this.#active === active) this.#active = null;
      });
    });
  }

  /** Pause: checkpoint and stop the run now; resume: continue it from there. */
  async pause(runId: number, paused: boolean): Promise<{ paused: boolean }> {
    if (paused) {
      const a = this.#requireActive(runId);
      a.pausing = true;
      a.controller.abort();
      await a.done;
      return { paused: true };
    }
    if (this.#active) throw new ApiError('run-busy', `run ${this.#active.runId} is training already`);
    const latest = listRuns(this.#session).filter((r) => r.status !== 'done').at(-1);
    if (!latest || latest.id !== runId) throw new ApiError('no-run', `run ${runId} is not the latest unfinished run; only that one can be resumed`);
    await this.start(null);
    this.#events.emit('trainingPaused', { runId, paused: false });
    return { paused: false };
  }

  async cancel(runId: number): Promise<{ cancelled: boolean }> {
    if (this.#paused.delete(runId)) return { cancelled: true }; // already stopped with its checkpoint; it stays cancelled
    const a = this.#requireActive(runId);
    a.controller.abort();
    await a.done;
    return { cancelled: true };
  }

  /** Stops any run (the project is closing); the checkpoint is kept. */
  async stop(): Promise<void> {
    const a = this.#active;
    if (!a) return;
    a.controller.abort();
    await a.done;
  }

  #requireActive(runId: number): ActiveRun {
    const a = this.#active;
    if (!a || a.runId !== runId) throw new ApiError('no-run', `run ${runId} is not training in this session`);
    return a;
  }
}
