// The views beyond the dataset browser, by tab name (the dataset view holds the viewer and is mounted directly).
import type { Component } from 'svelte';
import type { ViewName } from '../lib/state/app-state.svelte.ts';
import AnomalyList from './AnomalyList.svelte';
import EmbeddingMap from './EmbeddingMap.svelte';
import SimilarityGallery from './SimilarityGallery.svelte';
import TrainingMonitor from './TrainingMonitor.svelte';

export const VIEWS: Record<Exclude<ViewName, 'dataset'>, Component> = {
  training: TrainingMonitor,
  map: EmbeddingMap,
  anomalies: AnomalyList,
  similar: SimilarityGallery,
};
