// The views beyond the dataset browser, by tab name (the dataset view holds the viewer and is mounted directly).
import type { Component } from 'svelte';
import type { ViewName } from '../lib/state/app-state.svelte.ts';

export const VIEWS: Record<Exclude<ViewName, 'dataset'>, Component> = {} as Record<Exclude<ViewName, 'dataset'>, Component>;
