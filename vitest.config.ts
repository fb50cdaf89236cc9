import os from 'node:os';
import path from 'node:path';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The renderer's state classes (*.svelte.ts) use runes: compiled as the app compiles them.
  plugins: [svelte({ configFile: false })],
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Tests never write the user's real trust list (src-main/project/trusted-folders.ts).
    env: { ASTROMORPH_CONFIG_DIR: path.join(os.tmpdir(), 'astromorph-test-config') },
  },
});
