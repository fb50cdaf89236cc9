// The project file's size and what takes it, as `astromorph ls` and `astromorph compact` print it.
import type { ProjectStorageView } from '../api/contract/index.ts';
import { formatBytes } from './table.ts';

/** One line: the total, then the largest parts (tables over 1% of the file, training state, free pages). */
export function storageLine(name: string, s: ProjectStorageView): string {
  const parts: string[] = [];
  for (const t of s.tables) {
    if (t.bytes < s.fileBytes / 100) continue;
    if (t.table === 'checkpoints' && s.trainingStateBytes > 0) {
      parts.push(`checkpoints ${formatBytes(t.bytes)} (training state ${formatBytes(s.trainingStateBytes)} of run${s.trainingStateRuns.length > 1 ? 's' : ''} `
        + `${s.trainingStateRuns.join(', ')}, encoders ${formatBytes(s.encoderWeightsBytes)})`);
    } else parts.push(`${t.table} ${formatBytes(t.bytes)}`);
  }
  if (s.freeBytes >= s.fileBytes / 100) parts.push(`free pages ${formatBytes(s.freeBytes)}`);
  return `${name}: ${formatBytes(s.fileBytes)}${parts.length > 0 ? `: ${parts.join(', ')}` : ''}`;
}

/** A hint when compacting would give back room: free pages, or the training state of finished runs. */
export function compactHint(path: string, s: ProjectStorageView): string | null {
  const finished = s.trainingStateRuns.filter((id) => !s.resumableRuns.includes(id));
  if (s.freeBytes < Math.max(1e6, s.fileBytes / 10) && finished.length === 0) return null;
  const what = [
    ...(finished.length > 0 ? [`the training state of finished run${finished.length > 1 ? 's' : ''} ${finished.join(', ')}`] : []),
    ...(s.freeBytes > 0 ? [`${formatBytes(s.freeBytes)} of free pages`] : []),
  ];
  return `astromorph compact ${path} drops ${what.join(' and ')}`;
}
