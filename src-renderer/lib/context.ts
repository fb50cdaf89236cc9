// The open app's API client and state, handed to views through Svelte context (never module
// singletons: two windows may hold two projects).
import { getContext, setContext } from 'svelte';
import type { ApiClient } from '../api/client.ts';
import type { AppState } from './state/app-state.svelte.ts';

const KEY = Symbol('astromorph');

export interface ProjectContext {
  api: ApiClient;
  app: AppState;
}

export function setProjectContext(context: ProjectContext): void {
  setContext(KEY, context);
}

export function getProjectContext(): ProjectContext {
  const context = getContext<ProjectContext | undefined>(KEY);
  if (!context) throw new Error('getProjectContext called outside App');
  return context;
}
