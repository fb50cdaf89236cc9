// The page's only bridge to the main process: invoke(method, args) and on(event, cb), both confined
// to `astromorph:` channels with plain names. Everything else of ipcRenderer stays out of reach.
import { contextBridge, ipcRenderer } from 'electron';
import type { IpcRendererEvent } from 'electron';

const NAME = /^[A-Za-z][A-Za-z0-9]{0,63}$/;

contextBridge.exposeInMainWorld('astromorph', {
  invoke(method: string, args: unknown): Promise<unknown> {
    if (typeof method !== 'string' || !NAME.test(method)) return Promise.reject(new Error(`invalid method name ${String(method)}`));
    return ipcRenderer.invoke(`astromorph:${method}`, args);
  },
  on(event: string, listener: (payload: unknown) => void): () => void {
    if (typeof event !== 'string' || !NAME.test(event) || typeof listener !== 'function') throw new Error(`invalid event ${String(event)}`);
    const channel = `astromorph:event:${event}`;
    // The page never sees the IpcRendererEvent (it would expose sender internals).
    const wrapped = (_e: IpcRendererEvent, payload: unknown) => listener(payload);
    ipcRenderer.on(channel, wrapped);
    return () => ipcRenderer.removeListener(channel, wrapped);
  },
});
