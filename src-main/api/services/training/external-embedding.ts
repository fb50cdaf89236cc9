// The embedding of a FITS file that is not in the dataset, made on the fly with a run's encoder: the
// run's latest checkpoint and its own preprocessing settings, so the vector is comparable with the
// stored ones.
import { chooseHdu } from '../../../dataset/index.ts';
import { HduList } from '../../../fits/index.ts';
import { embed, parseSettings, preprocessFor } from '../../../model/index.ts';
import type { EmbeddingRun, Project } from '../../../project/index.ts';
import { ApiError } from '../../contract/errors.ts';

export async function embedExternalFile(
  project: Project, run: EmbeddingRun, file: string, signal?: AbortSignal,
): Promise<{ vector: Float32Array; hdu: number }> {
  const checkpoint = project.checkpoints.latest(run.id);
  if (!checkpoint) throw new ApiError('no-run', `run ${run.id} has no checkpoint to embed ${file} with`);
  const settings = parseSettings(run.config, `run ${run.id}`);
  const list = HduList.open(file); // a FitsError here names the file and the problem
  let hdu: number;
  try {
    hdu = chooseHdu(list).index;
  } finally {
    list.close();
  }
  const preprocess = preprocessFor(settings);
  for await (const e of embed(checkpoint.weights, settings, { kind: 'files', items: [{ path: file, hdu }], preprocess }, { signal })) {
    return { vector: e.vector, hdu };
  }
  throw new Error(`embedding ${file} produced no vector`);
}
