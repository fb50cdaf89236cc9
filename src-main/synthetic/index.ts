// Labelled synthetic protoplanetary-disk images and cubes: for tests, benchmarks and sample data.
export { DISK_CLASSES, sampleObject, componentsOf, type DiskClass, type DiskObject, type Ring } from './morphology.ts';
export { sampleObservation, withFieldOfView, withPixelScale, withBeam, withSnr, DEFAULT_OBSERVATION_RANGES,
  type Observation, type ObservationRanges } from './observation.ts';
export { renderObject, type SyntheticImage } from './render.ts';
export { beamKernel, convolveBeam, convolveBeamChannels, convolveBeamInterior, beamAreaPixels, type Beam } from './beam.ts';
export { writeSyntheticImage, quantiseInt16, fileNameFor, SYNTHETIC_FORMATS, type SyntheticFormat } from './fits-format.ts';
export { writeSyntheticDataset, syntheticItem, renderSyntheticItem, checkClasses,
  type SyntheticDatasetOptions, type SyntheticItemOptions, type SyntheticItem, type WrittenItem } from './dataset.ts';
export { deriveSeed, nameSeed } from './derive-seed.ts';
