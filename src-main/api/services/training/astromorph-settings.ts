// astromorph's (the Python package's) settings file read into ours (model/astromorph-settings.ts):
// for `astromorph import-settings` and `astromorph train --astromorph-settings`.
// The files, not the model's index.ts: reading settings needs no tfjs.
import { readAstromorphSettings, type AstromorphSettings } from '../../../model/astromorph-settings.ts';
import { SettingsError } from '../../../model/errors.ts';
import { ApiError } from '../../contract/errors.ts';

/** The file's keys mapped to ours; a key that cannot be mapped is a bad-argument error naming the file. */
export function importAstromorphSettings(file: string): AstromorphSettings {
  try {
    return readAstromorphSettings(file);
  } catch (e) {
    throw e instanceof SettingsError ? new ApiError('bad-argument', e.message) : e;
  }
}
