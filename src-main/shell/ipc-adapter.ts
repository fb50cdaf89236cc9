// The Electron transport: one ipcMain handler per method of the table on `astromorph:<method>`, plus
// `astromorph:cancel`. Every message is checked here before dispatch: it must come from our window's
// top frame and be an envelope {requestId, args}; dispatch then checks args against the method's zod
// schema. Failures go back as {ok: false, error: {name, code, message}}, never as a thrown stack.
// Events go out on `astromorph:event:<name>`.
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { EVENT_NAMES, METHOD_NAMES } from '../api/contract/index.ts';
import { toFailure } from '../api/transport/dispatch.ts';
import type { Dispatch } from '../api/transport/dispatch.ts';
import type { EventHub } from '../api/contract/index.ts';

export const CHANNEL_PREFIX = 'astromorph:';

interface Envelope {
  requestId: number;
  args: unknown;
}

function isEnvelope(v: unknown): v is Envelope {
  if (v === null || typeof v !== 'object') return false;
  const e = v as Record<string, unknown>;
  return Number.isSafeInteger(e.requestId) && (e.requestId as number) > 0 && 'args' in e && Object.keys(e).length === 2;
}

export interface IpcMount {
  /** Removes the handlers and the event forwarding. */
  dispose(): void;
}

/**
 * Serves `dispatch` to `contents` only. `trusted(url)` says whether a sender frame's URL is our page
 * (the packaged file or the dev server), so a navigated-away or embedded frame gets nothing.
 */
export function mountIpc(ipcMain: IpcMain, contents: WebContents, dispatch: Dispatch, events: EventHub, trusted: (url: string) => boolean): IpcMount {
  const running = new Map<number, AbortController>();
  const fromOurPage = (e: IpcMainInvokeEvent) => e.sender === contents && e.senderFrame !== null && e.senderFrame === contents.mainFrame && trusted(e.senderFrame.url);
  const refused = (message: string) => ({ ok: false, error: { name: 'IpcError', code: 'refused', message } });

  for (const method of METHOD_NAMES) {
    ipcMain.handle(`${CHANNEL_PREFIX}${method}`, async (e, message: unknown) => {
      if (!fromOurPage(e)) return refused('call from an unknown frame');
      if (!isEnvelope(message)) return refused(`${method}: malformed message (expected {requestId, args})`);
      const controller = new AbortController();
      running.set(message.requestId, controller);
      try {
        return { ok: true, value: await dispatch(method, message.args, controller.signal) };
      } catch (err) {
        return { ok: false, error: toFailure(err) };
      } finally {
        running.delete(message.requestId);
      }
    });
  }
  ipcMain.handle(`${CHANNEL_PREFIX}cancel`, (e, message: unknown) => {
    if (!fromOurPage(e)) return refused('call from an unknown frame');
    const id = (message as { requestId?: unknown } | null)?.requestId;
    if (typeof id !== 'number') return refused('cancel: expected {requestId}');
    running.get(id)?.abort();
    return { ok: true, value: null };
  });

  const stop = events.listen((event, payload) => {
    if (!contents.isDestroyed()) contents.send(`${CHANNEL_PREFIX}event:${event}`, payload);
  });

  return {
    dispose() {
      stop();
      for (const c of running.values()) c.abort();
      for (const method of [...METHOD_NAMES, 'cancel']) ipcMain.removeHandler(`${CHANNEL_PREFIX}${method}`);
    },
  };
}

export { EVENT_NAMES };
