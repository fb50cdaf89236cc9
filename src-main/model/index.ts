// Public surface of the model layer: backend choice, settings, BYOL, training in a worker, embeddings.
export { selectBackend, BACKEND_ORDER, type BackendName } from './backend.ts';
export { ModelError, SettingsError, CheckpointError } from './errors.ts';
export {
  parseSettings, checkSettings, loadSettings, readSettingsFile, settingsSchema, settingsTable, representationSize, preprocessFor,
  type TrainingSettings, type TrainingSettingsInput,
} from './settings.ts';
export { createByol, Byol, type ByolConfig, type ByolSchedule } from './byol.ts';
export { buildEncoder, type EncoderConfig } from './encoders.ts';
export { startTraining, type StartTrainingOptions, type TrainingHandle, type TrainingEpochEvent, type SampleSourceSpec } from './train.ts';
export { runTraining, type TrainingProgress, type TrainingResult, type BatchLoader, type ViewBatch } from './training-loop.ts';
export { embed, loadEncoder, type Embedding, type EmbedOptions, type EmbeddableSource, type EmbeddableSample } from './embed.ts';
export {
  encodeCheckpoint, decodeCheckpoint, encoderOnlyCheckpoint, isResumableCheckpoint, type Checkpoint, type CheckpointManifest,
} from './serialization.ts';
export { fromAstromorphSettings, readAstromorphSettings, type AstromorphKey, type AstromorphSettings } from './astromorph-settings.ts';
export { encodeModelFiles, decodeModelFiles, writeModelFiles, readModelFiles, MODEL_JSON, WEIGHTS_BIN, type ModelJson } from './model-file.ts';
