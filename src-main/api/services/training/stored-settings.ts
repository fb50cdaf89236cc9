// A run's settings as the project stores them: the one source of truth for how the run's images are
// prepared and embedded (training, embedding, embedding a file outside the project alike).
import type { EmbeddingRun } from '../../../project/index.ts';
import { SettingsError } from '../../../model/errors.ts';
import { parseSettings, settingsAsTrained, type TrainingSettings } from '../../../model/settings.ts';
import { ApiError } from '../../contract/errors.ts';

/**
 * A run's stored settings as given to parseSettings. A run stores every setting, so one that lacks a
 * setting added later was made before it, and gets the behaviour it trained with, not the new default.
 */
export function storedConfig(run: EmbeddingRun): Record<string, unknown> {
  return settingsAsTrained(run.config);
}

/** A run's stored settings, checked as they are read back (a project file may come from elsewhere). */
export function storedSettings(run: EmbeddingRun): TrainingSettings {
  try {
    return parseSettings(storedConfig(run), `run ${run.id}'s stored settings`);
  } catch (e) {
    if (e instanceof SettingsError) throw new ApiError('no-run', e.message);
    throw e;
  }
}

