// Worker thread of a scan: inspects the files the main thread sends, one message each way per file.
// Never throws out of the loop: every failure goes back as text for the item's error column.
import { parentPort } from 'node:worker_threads';
import { inspectFile } from './inspect.ts';
import type { ScanReply, ScanRequest } from './scan-protocol.ts';

if (!parentPort) throw new Error('scan-worker.ts must run in a worker thread');
const port = parentPort;

port.on('message', (req: ScanRequest) => {
  let reply: ScanReply;
  try {
    const inspection = inspectFile(req.file);
    reply = { id: req.id, ok: true, inspection };
  } catch (e) {
    reply = { id: req.id, ok: false, error: describeError(e) };
  }
  const transfer = reply.ok && reply.inspection.thumbnail ? [reply.inspection.thumbnail.png.buffer as ArrayBuffer] : [];
  port.postMessage(reply, transfer);
});

function describeError(e: unknown): string {
  if (e instanceof Error) return e.name === 'FitsError' || e.name === 'Error' ? e.message : `${e.name}: ${e.message}`;
  return String(e);
}
