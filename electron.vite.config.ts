// Electron bundles: main and preload run in Electron's Node; the renderer is the same Svelte app
// that `astromorph serve` hands to a browser.
import { defineConfig } from 'electron-vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { resolve } from 'node:path';

export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        input: { index: resolve('src-main/shell/main.ts') },
        // The core stays as TypeScript sources that Electron's Node (22.18+, type stripping) loads as they are:
        // its worker threads start from `new URL('./x-worker.ts', import.meta.url)`, which bundling would break.
        external: [/[\\/]src-main[\\/](api|base|fits|dataset|project|model|analysis|export|synthetic)[\\/]/],
        // out/main/index.js reaches them from where it is written, not from src-main/shell/.
        output: { paths: (id: string) => (id.includes('src-main') ? `../../src-main/${id.split(/src-main[\\/]/)[1]}` : id) },
      },
      // Native and wasm packages are loaded from node_modules at run time, never bundled.
      externalizeDeps: true,
    },
  },
  preload: {
    build: {
      rollupOptions: { input: { index: resolve('src-main/shell/preload.ts') }, output: { format: 'cjs' } },
    },
  },
  renderer: {
    root: 'src-renderer',
    build: { rollupOptions: { input: { index: resolve('src-renderer/index.html') } } },
    plugins: [svelte({ configFile: resolve('svelte.config.js') })],
  },
});
