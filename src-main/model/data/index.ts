// Data for the model: FITS -> preprocessed samples -> augmented view pairs in batches.
export { type ImageSample, type PreprocessOptions, DEFAULT_PREPROCESS } from './sample.ts';
export { preprocess, loadSample, checkPreprocessOptions } from './preprocess.ts';
export {
  Augmentation, AugmentationSequence, buildAugmentations, DEFAULT_AUGMENTATIONS, AUGMENTATION_NAMES, AugmentationSpecError,
  type AugmentationSpec, type AugmentationName,
} from './augmentations/index.ts';
export { openSampleSource, parseSourceSpec, SampleSourceError, type SampleSource, type SampleSourceSpec } from './sample-source.ts';
export { SampleCache, DEFAULT_CACHE_BYTES } from './sample-cache.ts';
export { ViewPairLoader, ViewPairLoaderError, type ViewPairLoaderOptions } from './view-pair-loader.ts';
export type { Batch } from './view-batch.ts';
export { layoutProblem } from './channel-layout.ts';
