// The preload exposes only invoke/on over `astromorph:` channels; main validates every message.
import { contextBridge, ipcRenderer } from 'electron';

contextBridge.exposeInMainWorld('astromorph', {
  invoke: (method: string, args: unknown) => ipcRenderer.invoke(`astromorph:${method}`, args),
});
