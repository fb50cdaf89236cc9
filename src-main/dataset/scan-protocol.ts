// Messages between a scan and its worker threads (base/worker-pool.ts matches replies by id).
import type { Inspection } from './inspect.ts';

export interface ScanRequest {
  id: number;
  file: string;
}

export type ScanReply =
  | { id: number; ok: true; inspection: Inspection }
  | { id: number; ok: false; error: string };
