// The typed event map (what the main side pushes to the page) and a tiny hub that the transports
// subscribe to. Node-free: the renderer `import type`s ApiEvents.
import type { EmbedProgress, EmbedReport, ScanProgress, ScanReport, TrainingEpochReport, TrainingProgressReport, TrainingReport, TrainingStart } from './reports.ts';
import type { MapProgress, MenuCommand, ProjectSummary } from './desktop.ts';

export interface ApiEvents {
  scanProgress: ScanProgress;
  scanDone: ScanReport;
  trainingStart: TrainingStart;
  trainingProgress: TrainingProgressReport;
  trainingEpoch: TrainingEpochReport;
  /** The run ended: done, cancelled, or failed (then `error` says why). */
  trainingEnd: { runId: number; status: 'done' | 'cancelled' | 'failed'; error: string | null; report: TrainingReport | null };
  trainingPaused: { runId: number; paused: boolean };
  embedProgress: EmbedProgress & { runId: number };
  embedDone: EmbedReport;
  mapProgress: MapProgress;
  /** Another project was opened (or the current one changed shape: folders, tags). */
  projectChanged: ProjectSummary | null;
  menuCommand: { command: MenuCommand };
}

export type EventName = keyof ApiEvents;
export const EVENT_NAMES: readonly EventName[] = [
  'scanProgress', 'scanDone', 'trainingStart', 'trainingProgress', 'trainingEpoch', 'trainingEnd', 'trainingPaused',
  'embedProgress', 'embedDone', 'mapProgress', 'projectChanged', 'menuCommand',
];

export type EventListener = <E extends EventName>(event: E, payload: ApiEvents[E]) => void;

/** Fans events out to every transport listening (one IPC window, any number of SSE streams). */
export class EventHub {
  readonly #listeners = new Set<EventListener>();

  emit<E extends EventName>(event: E, payload: ApiEvents[E]): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(event, payload);
      } catch {
        // one broken transport must not stop the others
      }
    }
  }

  /** Returns the unsubscribe function. */
  listen(listener: EventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
