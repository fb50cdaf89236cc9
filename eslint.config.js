// `npm run lint`: the architecture written down as rules (as VS Code does with its layers), so a
// wrong import fails CI instead of growing into a tangle. What each folder of src-main/ may import
// of ours is the LAYERS table below; README's Layout section draws the same map.
import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import path from 'node:path';

/**
 * Folder of src-main/ -> the folders of ours it may import (its own files always). `types`: folders
 * it may `import type` from only (erased at build time, so no code of theirs runs). `packages`:
 * whether it may import npm packages and Node built-ins (true), only these (a list), or none (false).
 * Capabilities (fits, dataset, project, model, analysis, export, synthetic) never import api, cli or
 * shell; nothing imports electron but shell; the renderer imports api/contract only (below).
 */
const LAYERS = {
  base: { ours: [], packages: false }, // plain pieces every layer may use: imports nothing at all
  fits: { ours: ['base'] },
  analysis: { ours: ['base'] },
  synthetic: { ours: ['base', 'fits'] },
  dataset: { ours: ['base', 'fits'] },
  project: { ours: ['base', 'fits', 'dataset'] },
  export: { ours: ['base', 'fits', 'dataset'] },
  model: { ours: ['base', 'fits', 'synthetic'] },
  // The API: contract (what the UI may see: Node-free), services over the capabilities, transports.
  // (dataset/display.ts: the Node-free pixel display the thumbnails use, shared with the views.)
  'api/contract': { ours: ['api/contract', 'base', 'dataset/display.ts'], types: ['dataset', 'project', 'model', 'analysis'], packages: ['zod'] },
  'api/services': { ours: ['api/contract', 'api/services', 'base', 'fits', 'dataset', 'project', 'model', 'analysis', 'export', 'synthetic'] },
  'api/transport': { ours: ['api/contract', 'base'] },
  cli: { ours: ['api', 'base', 'fits'] },
  shell: { ours: ['api', 'base'], electron: true },
};

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const MAX_DEPTH = 6;

/** One config object per depth below the folder, since the rule sees relative specifiers as written. */
function layerConfigs(folder, { ours, types = [], packages = true, electron = false }) {
  return Array.from({ length: MAX_DEPTH }, (_, depth) => {
    // How a file `depth` folders below src-main/<folder> spells a path to src-main/<target>/.
    // A folder allows everything under it; a file (name.ts) allows that file alone.
    const prefix = (target) => {
      const rel = escape(`${'../'.repeat(depth)}${path.posix.relative(folder, target)}`);
      return target.endsWith('.ts') ? `${rel}$` : `${rel}/`;
    };
    const leaves = `(?:\\.\\./){${depth + 1}}`;
    const none = (list) => (list.length > 0 ? `(?!(?:${list.map(prefix).join('|')}))` : '');
    const patterns = [{
      regex: `^${none([...ours, ...types])}${leaves}`,
      message: `src-main/${folder}/ may import ${ours.length > 0 ? `only ${ours.join(', ')} of ours` : 'nothing of ours'}${types.length > 0 ? ` (and types from ${types.join(', ')})` : ''}: see LAYERS in eslint.config.js`,
    }];
    if (types.length > 0) {
      patterns.push({
        regex: `^${none(ours)}(?:${types.map(prefix).join('|')})`,
        allowTypeImports: true,
        message: `src-main/${folder}/ may only \`import type\` from ${types.join(', ')}: no code of theirs may run here`,
      });
    }
    if (packages === false) patterns.push({ regex: '^[^.]', message: `src-main/${folder}/ imports no packages and no Node built-ins` });
    else if (Array.isArray(packages)) {
      patterns.push({ regex: `^(?!(?:${packages.map(escape).join('|')})(?:/|$))[^.]`, message: `src-main/${folder}/ imports only ${packages.join(', ')} (Node-free: the renderer reads it)` });
    } else if (!electron) {
      patterns.push({ regex: '^electron(?:/|$)', message: 'only src-main/shell/ imports electron' });
    }
    return {
      files: [`src-main/${folder}/${'*/'.repeat(depth)}*.ts`],
      rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns }] },
    };
  });
}

const RENDERER_RESTRICTIONS = ['error', {
  patterns: [
    { regex: 'src-main/(?!api/contract/)', message: 'the renderer imports only src-main/api/contract/ of the main side' },
    { regex: '^(?:electron|node:)', message: 'the renderer runs in a browser page: no electron, no Node built-ins' },
  ],
}];

export default tseslint.config(
  { ignores: ['node_modules/', 'out/', 'dist/', 'demo/', 'test-results/', 'bench/results/', 'bench/.scratch/', 'src-main/model/kernels/simd-bytes.ts'] },
  {
    files: ['**/*.{ts,mts,js,mjs}'],
    languageOptions: { parser: tseslint.parser, parserOptions: { ecmaVersion: 'latest', sourceType: 'module' } },
  },
  ...svelte.configs['flat/base'],
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] } },
  },
  {
    files: ['**/*.{ts,mts,js,mjs,svelte}'],
    plugins: { '@typescript-eslint': tseslint.plugin, 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.mjs', '.json'] })],
      'import-x/extensions': ['.ts', '.mts', '.js', '.mjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.mts'] },
    },
    rules: {
      // Every cycle of runtime imports (type-only ones are checked by scripts/check-cycles.ts).
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      // Every package imported is declared; the app and CLI need no devDependency at run time.
      'import-x/no-extraneous-dependencies': ['error', { devDependencies: true }],
    },
  },
  {
    files: ['src-main/**/*.ts'],
    ignores: ['src-main/shell/**', 'src-main/model/kernels/build-simd.ts'],
    rules: { 'import-x/no-extraneous-dependencies': ['error', { devDependencies: false, optionalDependencies: true }] },
  },
  ...Object.entries(LAYERS).flatMap(([folder, layer]) => layerConfigs(folder, layer)),
  { files: ['src-renderer/**/*.{ts,svelte}'], rules: { '@typescript-eslint/no-restricted-imports': RENDERER_RESTRICTIONS } },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.{ts,mjs}'],
    ignores: ['test/main/shell/**'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [{ regex: '^electron(?:/|$)', message: 'only src-main/shell/ (and its tests) import electron' }] }] },
  },
);
