// The project file's size and what takes it, as `astromorph ls` and `astromorph compact` print it.
import type { ProjectStorageView } from '../api/contract/index.ts';
import { formatBytes } from './table.ts';

/** One line: the total, then the largest parts (tables over 1% of the file, training state, free pages). */
export function storageLine(name: string, s: ProjectStorageView): string {
  const parts: string[] = [];
  for (const t of s.tables) {
    if (t.bytes < s.fileBytes / 100) continue;
    if (t.table === 'checkpoints' && s.trainingStateBytes > 0) {
      parts.push(`checkpoints ${formatBytes(t.bytes)} (training state ${formatBytes(s.trainingStateBytes)} of run${s.resumableRuns.length > 1 ? 's' : ''} `
        + `${s.resumableRuns.join(', ')}, encoders ${formatBytes(s.encoderWeightsBytes)})`);
    } else parts.push(`${t.table} ${formatBytes(t.bytes)}`);
  }
  if (s.freeBytes >= s.fileBytes / 100) parts.push(`free pages ${formatBytes(s.freeBytes)}`);
  return `${name}: ${formatBytes(s.fileBytes)}${parts.length > 0 ? `: ${parts.join(', ')}` : ''}`;
}

/** A hint when compacting would give back room. */
export function compactHint(path: string, s: ProjectStorageView): string | null {
  if (s.freeBytes < Math.max(1e6, s.fileBytes / 10)) return null;
  return `astromorph compact ${path} gives back ${formatBytes(s.freeBytes)} of free pages`;
}
