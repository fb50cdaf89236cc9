// The Electron IPC adapter with the real dispatch and service on a real project; Electron's ipcMain
// and webContents are stood in by the few members the adapter uses (Electron cannot run in CI here).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { IpcMain, WebContents } from 'electron';
import { createDispatch } from '../../../src-main/api/transport/dispatch.ts';
import { DesktopService } from '../../../src-main/api/services/desktop-service.ts';
import { EventHub, METHOD_NAMES } from '../../../src-main/api/contract/index.ts';
import { mountIpc } from '../../../src-main/shell/ipc-adapter.ts';
import type { IpcMount } from '../../../src-main/shell/ipc-adapter.ts';

type Handler = (event: unknown, message: unknown) => unknown;
const handlers = new Map<string, Handler>();
const ipcMain = {
  handle: (channel: string, fn: Handler) => {
    if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    handlers.set(channel, fn);
  },
  removeHandler: (channel: string) => handlers.delete(channel),
} as unknown as IpcMain;
const sent: [string, unknown][] = [];
const mainFrame = { url: 'file:///app/out/renderer/index.html' };
const contents = { mainFrame, isDestroyed: () => false, send: (c: string, p: unknown) => sent.push([c, p]) } as unknown as WebContents;
const fromPage = { sender: contents, senderFrame: mainFrame };

let service: DesktopService;
let events: EventHub;
let mount: IpcMount;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'astromorph-ipc-'));
  cpSync(resolve(import.meta.dirname, '../../../resources/sample-data/disks'), join(dir, 'disks'), { recursive: true });
  events = new EventHub();
  service = new DesktopService({ events, host: 'electron' });
  service.createPath(join(dir, 'p'));
  await service.addFolders({ folders: [join(dir, 'disks')] }, { signal: new AbortController().signal });
  mount = mountIpc(ipcMain, contents, createDispatch(service), events, (url) => url === mainFrame.url);
});

afterAll(async () => {
  mount?.dispose();
  await service?.close();
});

const invoke = (method: string, message: unknown, event: unknown = fromPage) => handlers.get(`astromorph:${method}`)!(event, message) as Promise<{ ok: boolean; value?: unknown; error?: { code: string; message: string } }>;

describe('IPC adapter', () => {
  it('registers one astromorph: channel per method, plus cancel', () => {
    expect([...handlers.keys()].sort()).toEqual([...METHOD_NAMES.map((m) => `astromorph:${m}`), 'astromorph:cancel'].sort());
  });

  it('dispatches a well-formed call and returns typed arrays as they are', async () => {
    const page = await invoke('queryItems', { requestId: 1, args: { limit: 1 } });
    expect(page.ok).toBe(true);
    const id = (page.value as { items: { id: number }[] }).items[0].id;
    const plane = await invoke('imagePlane', { requestId: 2, args: { id } });
    expect((plane.value as { pixels: unknown }).pixels).toBeInstanceOf(Float32Array);
  });

  it('refuses malformed envelopes, bad arguments, and calls from other frames', async () => {
    expect((await invoke('project', { args: {} })).error!.code).toBe('refused');
    expect((await invoke('project', { requestId: 1, args: {}, extra: 1 })).error!.code).toBe('refused');
    const bad = await invoke('imageInfo', { requestId: 3, args: { id: -1 } });
    expect(bad.ok).toBe(false);
    expect(bad.error!.code).toBe('bad-argument');
    expect(bad.error!.message).toMatch(/^imageInfo: id/);
    const foreign = await invoke('project', { requestId: 4, args: {} }, { sender: contents, senderFrame: { url: 'https://evil.example/' } });
    expect(foreign.error!.code).toBe('refused');
    const otherContents = await invoke('project', { requestId: 5, args: {} }, { sender: {}, senderFrame: mainFrame });
    expect(otherContents.error!.code).toBe('refused');
  });

  it('forwards events on astromorph:event:<name>', () => {
    events.emit('menuCommand', { command: 'show-map' });
    expect(sent.at(-1)).toEqual(['astromorph:event:menuCommand', { command: 'show-map' }]);
  });

  it('removes every handler on dispose', () => {
    const count = handlers.size;
    mount.dispose();
    expect(count).toBe(METHOD_NAMES.length + 1);
    expect(handlers.size).toBe(0);
  });
});
