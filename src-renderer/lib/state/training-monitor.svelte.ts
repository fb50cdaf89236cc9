// The training monitor: the settings form (checked by the main side with the same schema as the TOML
// file), the run in progress with its live loss curve, throughput and ETA, and the history of runs.
import type { ApiClient } from '../../api/client.ts';
import type { RunSummary, TrainingProgressReport } from '../../../src-main/api/contract/index.ts';
import { formSettings, restoreForm } from '../training-form.ts';

export interface SettingsForm {
  epochs: number | null;
  batch_size: number | null;
  learning_rate: number | null;
  encoder: 'small-cnn' | 'resnet18';
  width: number | null;
  depth: number | null;
  image_size: number | null;
  channels: number | null;
  projection_size: number | null;
  projection_hidden_size: number | null;
  seed: number | null;
  backend: 'auto' | 'tensorflow' | 'wasm' | 'cpu';
  framing: 'source' | 'field';
  normalisation: 'asinh' | 'minmax';
  /** Augmentation names; null: the defaults (noise, the source framed again). */
  augmentations: string[] | null;
}

const FORM_DEFAULTS: SettingsForm = {
  epochs: 10, batch_size: 32, learning_rate: 3e-4, encoder: 'small-cnn', width: null, depth: null, image_size: 64,
  channels: 1, projection_size: 256, projection_hidden_size: 1024, seed: 0, backend: 'auto', framing: 'source', normalisation: 'asinh',
  augmentations: null,
};

export interface Curve {
  steps: number[];
  losses: number[];
}

export class TrainingMonitor {
  readonly #api: ApiClient;
  form = $state<SettingsForm>({ ...FORM_DEFAULTS });
  /** Runs whose loss curves are drawn under the shown one. */
  overlays = $state.raw<{ runId: number; steps: number[]; losses: number[] }[]>([]);
  readonly #storageKey: string;
  #errors = $state.raw<string[]>([]);
  #runs = $state.raw<RunSummary[]>([]);
  #active = $state.raw<{ runId: number } | null>(null);
  #progress = $state.raw<TrainingProgressReport | null>(null);
  #curve = $state.raw<Curve>({ steps: [], losses: [] });
  #shownRun = $state<number | null>(null);
  #status = $state('');
  #checking = 0;
  #pausedRun: number | null = null;

  /** `storageKey`: where the form is kept between sessions (per project). */
  constructor(api: ApiClient, storageKey = 'astromorph.training-form') {
    this.#api = api;
    this.#storageKey = storageKey;
    try {
      this.form = restoreForm(localStorage.getItem(storageKey), FORM_DEFAULTS);
    } catch {
      // No storage (a locked-down browser): the defaults.
    }
  }

  /** Keeps the form for the next session (called as it changes). */
  saveForm(): void {
    try {
      localStorage.setItem(this.#storageKey, JSON.stringify(this.form));
    } catch {
      // Storage full or refused: the form still works, it is only not kept.
    }
  }

  /** Draws (or stops drawing) another run's loss curve under the shown one. */
  async toggleOverlay(runId: number): Promise<void> {
    if (this.overlays.some((o) => o.runId === runId)) {
      this.overlays = this.overlays.filter((o) => o.runId !== runId);
      return;
    }
    const c = await this.#api.call('lossCurve', { runId });
    this.overlays = [...this.overlays.filter((o) => o.runId !== runId), { runId, steps: c.steps, losses: c.losses }];
  }

  get errors(): string[] { return this.#errors; }
  get runs(): RunSummary[] { return this.#runs; }
  get active(): { runId: number } | null { return this.#active; }
  get progress(): TrainingProgressReport | null { return this.#progress; }
  get curve(): Curve { return this.#curve; }
  get shownRun(): number | null { return this.#shownRun; }
  get status(): string { return this.#status; }

  /** The form as a settings table: empty fields are left to the defaults. */
  settings(): Record<string, unknown> {
    return formSettings({ ...this.form });
  }

  async check(): Promise<boolean> {
    const ticket = ++this.#checking;
    const r = await this.#api.call('checkSettings', { settings: this.settings() });
    if (ticket === this.#checking) this.#errors = r.errors;
    return r.ok;
  }

  async refresh(): Promise<void> {
    const state = await this.#api.call('trainingState', {});
    this.#runs = state.runs;
    this.#active = state.active ? { runId: state.active.runId } : null;
    const show = this.#active?.runId ?? this.#shownRun ?? state.runs.at(-1)?.id ?? null;
    // Reload the curve too: steps that arrived while the view was hidden are in the project.
    if (show !== null) await this.showRun(show);
  }

  async showRun(runId: number): Promise<void> {
    if (this.#shownRun !== runId) this.#curve = { steps: [], losses: [] };
    this.#shownRun = runId;
    const c = await this.#api.call('lossCurve', { runId });
    if (this.#shownRun !== runId) return;
    // The project holds losses up to the last finished epoch; keep live points that arrived after those.
    const last = c.steps.at(-1) ?? -1;
    const live = this.#curve.steps.map((step, i) => [step, this.#curve.losses[i]] as const).filter(([step]) => step > last);
    this.#curve = { steps: [...c.steps, ...live.map((p) => p[0])], losses: [...c.losses, ...live.map((p) => p[1])] };
  }

  /** Subscribes to the training events; returns the unsubscribe (call it from $effect). */
  listen(): () => void {
    const offs = [
      this.#api.on('trainingStart', (s) => {
        this.#active = { runId: s.runId };
        this.#status = `run ${s.runId} ${s.resumed ? 'resumed' : 'started'} on ${s.backend}: ${s.items} items, ${s.epochs} epochs`;
        if (this.#shownRun !== s.runId) {
          this.#shownRun = s.runId;
          this.#curve = { steps: [], losses: [] };
        }
        void this.refresh();
      }),
      this.#api.on('trainingProgress', (p) => {
        this.#progress = p;
        if (p.runId === this.#shownRun) {
          this.#curve = { steps: [...this.#curve.steps, p.globalStep], losses: [...this.#curve.losses, p.loss] };
        }
      }),
      this.#api.on('trainingEpoch', (e) => {
        const rank = e.effectiveRank ? `, effective rank ${e.effectiveRank.representation.toFixed(1)}` : '';
        this.#status = `run ${e.runId}: epoch ${e.epoch}/${e.epochs} mean loss ${e.meanLoss.toFixed(4)}${rank} (checkpoint ${e.checkpointId})`;
        void this.refresh();
      }),
      this.#api.on('trainingPaused', (e) => {
        this.#pausedRun = e.paused ? e.runId : null;
        if (e.paused) {
          // The epoch it stopped in, counted as the progress line and the runs table count it.
          const epoch = this.#progress?.runId === e.runId ? ` in epoch ${this.#progress.epoch}/${this.#progress.epochs}` : '';
          this.#status = `run ${e.runId} paused${epoch} at its last step (checkpoint saved)`;
        }
      }),
      this.#api.on('trainingEnd', (e) => {
        this.#active = null;
        // A pause ends the worker too (as a cancel with a checkpoint); say paused, not cancelled.
        if (this.#pausedRun !== e.runId) {
          this.#status = e.status === 'failed' ? `run ${e.runId} failed: ${e.error}` : `run ${e.runId} ${e.status}`;
        }
        void this.refresh();
      }),
    ];
    return () => offs.forEach((off) => off());
  }

  async start(): Promise<void> {
    if (!(await this.check())) return;
    this.#progress = null;
    this.#curve = { steps: [], losses: [] };
    const s = await this.#api.call('startTraining', { settings: this.settings() });
    this.#active = { runId: s.runId };
    this.#shownRun = s.runId;
  }

  async pause(runId: number): Promise<void> {
    this.#status = `pausing run ${runId}…`;
    await this.#api.call('pauseTraining', { runId, paused: true });
    await this.refresh();
  }

  async resume(runId: number): Promise<void> {
    await this.#api.call('pauseTraining', { runId, paused: false });
    await this.refresh();
  }

  async cancel(runId: number): Promise<void> {
    this.#status = `cancelling run ${runId}…`;
    await this.#api.call('cancelTraining', { runId });
    await this.refresh();
  }
}
