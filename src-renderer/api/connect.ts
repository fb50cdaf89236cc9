// The page talks through the preload bridge when Electron put one there, else over HTTP to the
// server that served it.
import type { ApiClient } from './client.ts';
import { HttpClient } from './http-client.ts';
import { IpcClient } from './ipc-client.ts';
import type { PreloadBridge } from './ipc-client.ts';

export function connect(): ApiClient {
  const bridge = (globalThis as { astromorph?: PreloadBridge }).astromorph;
  return bridge ? new IpcClient(bridge) : new HttpClient();
}
