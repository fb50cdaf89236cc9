// The embedding of a FITS file that is not in the dataset, made on the fly with a run's encoder: the
// run's latest checkpoint and its own preprocessing settings, so the vector is comparable with the
// stored ones.
import { chooseHdu } from '../../../dataset/inspect.ts';
import { HduList } from '../../../fits/index.ts';
import { preprocessFor } from '../../../model/settings.ts';
import type { EmbeddingRun, Project } from '../../../project/index.ts';
import { ApiError } from '../../contract/errors.ts';
import { storedSettings } from './stored-settings.ts';
import { bandObjects } from './band-source.ts';

export async function embedExternalFile(
  project: Project, run: EmbeddingRun, file: string, signal?: AbortSignal,
): Promise<{ vector: Float32Array; hdu: number }> {
  const checkpoint = project.checkpoints.latest(run.id);
  if (!checkpoint) throw new ApiError('no-run', `run ${run.id} has no checkpoint to embed ${file} with`);
  const settings = storedSettings(run);
  const bands = bandObjects(project)?.bands;
  if (bands && bands.length === settings.channels) {
    // One file is one band: the model wants the object's bands as channels (group the file with its other bands instead).
    throw new ApiError('bad-argument', `run ${run.id} was trained on multi-band objects (${bands.join(', ')}): ${file} alone is one band, `
      + 'not an object; add its folder with the other bands and group them (astromorph group) to compare it');
  }
  const list = HduList.open(file); // a FitsError here names the file and the problem
  let hdu: number;
  try {
    hdu = chooseHdu(list).index;
  } finally {
    list.close();
  }
  const preprocess = preprocessFor(settings);
  // On a worker thread, as every embedding: tfjs loads there, and only when a file outside the project is the query.
  const { embedInWorker } = await import('../../../model/embed-in-worker.ts');
  let vector: Float32Array | undefined;
  let unreadable: Error | undefined;
  await embedInWorker({ weights: checkpoint.weights, settings, source: { kind: 'files', items: [{ path: file, hdu }], preprocess } }, {
    signal,
    onBatch: (embeddings) => (vector ??= embeddings[0]?.vector),
    onUnreadable: (_index, error) => (unreadable = error),
  });
  if (unreadable) throw unreadable;
  if (!vector) throw new Error(`embedding ${file} produced no vector`);
  return { vector, hdu };
}
