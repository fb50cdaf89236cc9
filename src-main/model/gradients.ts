// tfjs-core's Node build (dist/tf-core.node.js) ships no gradient functions: they are registered by
// the ESM file dist/register_all_gradients.js, whose relative imports have no '.js' extension (they
// are written for bundlers). Under plain Node we add a resolve hook that retries those imports with
// '.js'. The ESM copy shares the engine and registries with the CJS one (tfjs keeps them on a global
// and Tensor has Symbol.hasInstance for exactly this); in a bundled app the bundler resolves them.
import module from 'node:module';

let loaded: Promise<void> | undefined;

export function registerGradients(): Promise<void> {
  loaded ??= (async () => {
    const hooks = (module as unknown as { registerHooks?: (h: object) => void }).registerHooks;
    if (typeof hooks === 'function') {
      hooks({
        resolve(specifier: string, context: { parentURL?: string }, next: (s: string, c: unknown) => unknown) {
          try {
            return next(specifier, context);
          } catch (e) {
            const parent = context.parentURL ?? '';
            if (parent.includes('/@tensorflow/tfjs-core/dist/') && specifier.startsWith('.') && !specifier.endsWith('.js')) {
              return next(`${specifier}.js`, context);
            }
            throw e;
          }
        },
      });
    }
    await import('@tensorflow/tfjs-core/dist/register_all_gradients.js');
  })();
  return loaded;
}
