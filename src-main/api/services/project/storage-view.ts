// What takes a project file's space, as the app and `ls` show it. Apart from compact.ts so that
// opening a project (and `ls`) does not load the checkpoint codec.
import type { Project } from '../../../project/index.ts';
import type { ProjectStorageView } from '../../contract/reports.ts';

export function storageView(s: ReturnType<Project['storage']>): ProjectStorageView {
  return {
    fileBytes: s.fileBytes + s.walBytes, freeBytes: s.freeBytes, tables: s.tables,
    trainingStateBytes: s.checkpoints.trainingState, encoderWeightsBytes: s.checkpoints.encoderWeights,
    trainingStateRuns: s.checkpoints.trainingStateRuns, resumableRuns: s.checkpoints.resumableRuns,
  };
}
