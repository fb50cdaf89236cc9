// The window's state: the open project, the view shown, long operations in progress (each with its
// progress and a cancel), and errors as readable messages.
import { isCancelled } from '../../api/client.ts';
import { inWords } from '../notices.ts';
import type { ApiClient } from '../../api/client.ts';
import type { HostInfo, ProjectSummary } from '../../../src-main/api/contract/index.ts';

export type { ViewName } from '../view-state.ts';
import type { ViewName } from '../view-state.ts';

export class Task {
  readonly id: number;
  readonly label: string;
  progress = $state<number | null>(null);
  detail = $state('');
  readonly #controller = new AbortController();

  constructor(id: number, label: string) {
    this.id = id;
    this.label = label;
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  cancel(): void {
    this.#controller.abort();
  }
}

export interface ErrorMessage {
  id: number;
  title: string;
  message: string;
  /** How many times the same failure came; repeats bump this instead of stacking. */
  count: number;
}

/** Notices shown at once: the newest; older ones give way. */
const MAX_NOTICES = 3;

export class AppState {
  readonly api: ApiClient;
  #summary = $state.raw<ProjectSummary | null>(null);
  #host = $state.raw<HostInfo | null>(null);
  #view = $state<ViewName>('dataset');
  #tasks = $state.raw<Task[]>([]);
  #errors = $state.raw<ErrorMessage[]>([]);
  #next = 1;
  /** The item the viewer shows (dataset view) and the query of the similarity view. */
  openItem = $state<number | null>(null);
  similarQuery = $state<number | null>(null);

  /** View states kept while their tab is hidden, so a half-filled form or a computed map survives tab changes. */
  readonly #kept = new Map<string, unknown>();

  constructor(api: ApiClient) {
    this.api = api;
  }

  /** The view state under `key` for this window's project, made on first use. */
  keep<T>(key: string, make: () => T): T {
    const k = `${this.#summary?.path ?? ''}\0${key}`;
    if (!this.#kept.has(k)) {
      // Made under its own root, not under the component that asked first: its $derived values must
      // outlive that component's unmount (a tab change), or they stop updating.
      let made: T | undefined;
      $effect.root(() => {
        made = make();
      });
      this.#kept.set(k, made);
    }
    return this.#kept.get(k) as T;
  }

  get summary(): ProjectSummary | null { return this.#summary; }
  get host(): HostInfo | null { return this.#host; }
  get view(): ViewName { return this.#view; }
  get tasks(): Task[] { return this.#tasks; }
  get errors(): ErrorMessage[] { return this.#errors; }

  async load(): Promise<void> {
    await this.guard('Connecting', async () => {
      this.#host = await this.api.call('hostInfo', {});
      this.#summary = await this.api.call('project', {});
    });
  }

  setSummary(summary: ProjectSummary | null): void {
    this.#summary = summary;
  }

  show(view: ViewName): void {
    this.#view = view;
  }

  showItem(id: number): void {
    this.openItem = id;
    this.#view = 'dataset';
  }

  showSimilar(id: number): void {
    this.similarQuery = id;
    this.#view = 'similar';
  }

  /** Runs a call, turning a failure into an error message; resolves to undefined on failure. */
  async guard<T>(title: string, fn: () => Promise<T>): Promise<T | undefined> {
    try {
      return await fn();
    } catch (e) {
      if (!isCancelled(e)) this.report(title, e);
      return undefined;
    }
  }

  /** A long operation: listed with progress and a Cancel button until it ends. */
  async task<T>(label: string, fn: (task: Task) => Promise<T>): Promise<T | undefined> {
    const task = new Task(this.#next++, label);
    this.#tasks = [...this.#tasks, task];
    try {
      return await this.guard(label, () => fn(task));
    } finally {
      this.#tasks = this.#tasks.filter((t) => t !== task);
    }
  }

  /** Scans a folder into the project (asks for one with a native dialog when none is given and the host has them). */
  async addFolder(path?: string): Promise<void> {
    let folder: string | null = path?.trim() || null;
    if (!folder && this.#host?.kind === 'electron') folder = (await this.guard('Choosing a folder', () => this.api.call('chooseFolder', {}))) ?? null;
    if (!folder) return;
    const chosen = folder;
    await this.task(`Scanning ${chosen}`, async (task) => {
      const off = this.api.on('scanProgress', (p) => {
        task.progress = p.total > 0 && p.phase === 'read' ? p.done / p.total : null;
        task.detail = `${p.phase === 'walk' ? 'finding' : 'reading'} ${p.done}${p.total ? `/${p.total}` : ''}`;
      });
      try {
        const report = await this.api.call('addFolders', { folders: [chosen] }, { signal: task.signal });
        if (report.noFitsFiles.length > 0) {
          this.report('Scan', new Error(`No FITS files found in ${report.noFitsFiles.join(', ')}: nothing was added, and the folder was neither recorded nor trusted`));
        }
        if (report.failed > 0) this.report('Scan', new Error(`${report.failed} file(s) could not be read; filter by status "failed" to see why`));
      } finally {
        off();
      }
    });
  }

  /** Menu > Export: the map's lasso selection when there is one (the map view asks), else every item. */
  exportRequests = $state(0);

  report(title: string, e: unknown): void {
    const message = inWords(e instanceof Error ? e.message : String(e));
    const same = this.#errors.find((x) => x.title === title && x.message === message);
    const rest = this.#errors.filter((x) => x !== same);
    const notice = same ? { ...same, count: same.count + 1 } : { id: this.#next++, title, message, count: 1 };
    this.#errors = [...rest.slice(-(MAX_NOTICES - 1)), notice];
  }

  dismiss(id: number): void {
    this.#errors = this.#errors.filter((e) => e.id !== id);
  }
}
