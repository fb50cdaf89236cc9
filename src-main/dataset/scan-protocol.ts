// Messages between a scan and its worker threads.
import type { Inspection } from './inspect.ts';

export interface ScanRequest {
  seq: number;
  file: string;
}

export type ScanReply =
  | { seq: number; ok: true; inspection: Inspection }
  | { seq: number; ok: false; error: string };
