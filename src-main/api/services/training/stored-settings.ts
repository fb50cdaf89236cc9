// A run's settings as the project stores them: the one source of truth for how the run's images are
// prepared and embedded (training, embedding, embedding a file outside the project alike).
import type { EmbeddingRun } from '../../../project/index.ts';
import { SettingsError } from '../../../model/errors.ts';
import { parseSettings, type TrainingSettings } from '../../../model/settings.ts';
import { ApiError } from '../../contract/errors.ts';

/** A run's stored settings, checked as they are read back (a project file may come from elsewhere). */
export function storedSettings(run: EmbeddingRun): TrainingSettings {
  try {
    return parseSettings(run.config, `run ${run.id}'s stored settings`);
  } catch (e) {
    if (e instanceof SettingsError) throw new ApiError('no-run', e.message);
    throw e;
  }
}

