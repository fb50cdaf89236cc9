// Labelled synthetic protoplanetary-disk images and cubes: for tests, benchmarks and sample data.
export { DISK_CLASSES, sampleObject, componentsOf, type DiskClass, type DiskObject, type Ring } from './morphology.ts';
export { sampleObservation, withFieldOfView, withPixelScale, withBeam, withSnr, DEFAULT_OBSERVATION_RANGES,
  type Observation, type ObservationRanges } from './observation.ts';
export { renderObject, type SyntheticImage } from './render.ts';
export { beamKernel, convolveBeam, convolveBeamChannels, convolveBeamInterior, beamAreaPixels, type Beam } from './beam.ts';
export { writeSyntheticImage, quantiseInt16, fileNameFor, SYNTHETIC_FORMATS, type SyntheticFormat } from './fits-format.ts';
export { writeSyntheticDataset, syntheticItem, renderSyntheticItem, checkClasses,
  type SyntheticDatasetOptions, type SyntheticItemOptions, type SyntheticItem, type WrittenItem } from './dataset.ts';
// Survey-like benchmark (hard as real data): disks of six classes and line cubes of four kinematic classes.
export { DEFAULT_SURVEY_RANGES, SURVEY_FORMATS, SURVEY_KINDS, INT16_BLANK, resolveSurveyRanges, sampleFrame, storedShape, surveyFileName,
  writeSurveyFits, type SurveyFormat, type SurveyFrame, type SurveyKind, type SurveyRanges, type SurveyRangeOverrides, type Interval } from './survey-common.ts';
export { SURVEY_DISK_CLASSES, sampleDiskParams, renderSurveyDisk, diskBrightness, profileValue, profileMoments, radialCheck, convolvedRadialProfile,
  type SurveyDiskClass, type SurveyDiskParams, type RadialProfile, type RingFeature, type GapFeature, type BinaryComponent,
  type RenderedSurveyImage } from './survey-disks.ts';
export { SURVEY_CUBE_CLASSES, SURVEY_LINES, sampleCubeParams, renderSurveyCube, channelVelocities, spectralCards,
  type SurveyCubeClass, type SurveyCubeParams, type RenderedSurveyCube } from './survey-cubes.ts';
export { SURVEY_CLASSES, surveyItem, surveyClassOf, renderItem, renderSurveyItem, writeSurveyDataset, surveyColumns,
  type SurveyItem, type SurveyItemOptions, type SurveyDatasetOptions, type RenderedSurveyItem, type WrittenSurveyItem } from './survey.ts';
// Multi-band molecular clouds (infrared-dark-cloud case): four morphology classes, four bands of different resolution.
export { CLOUD_BANDS, CLOUD_CLASSES, column, observeCloud, sampleCloud, writeCloudDataset,
  type CloudBand, type CloudClass, type CloudImage, type CloudModel, type WrittenCloud } from './clouds.ts';
