/**
 * Bundles each preload into ONE self-contained CommonJS file in `dist/preload/`: a sandboxed
 * preload cannot be an ES module and may require nothing but `electron` (so the bridge
 * contract's channel names are bundled in, not required).
 *
 * One Vite build per preload, chosen by `--mode <name>`: a single build with two entries
 * would move the code they share (the channel names) into a chunk of its own, which a
 * sandboxed preload cannot require. `npm run build:preload` runs one build per preload.
 */
import { resolve } from 'node:path';
import { type UserConfig, defineConfig } from 'vite';

const root = resolve(import.meta.dirname, '..');

/** Each preload: its source and its bundle, `dist/preload/<name>.cjs`. */
export const preloads = {
  /** The shell window: `window.myapps`. */
  bridge: 'preload/bridge.ts',
  /** Each app view's app-frame page: `window.myappsAppFrame`. */
  'app-frame': 'preload/app-frame.ts',
} as const;

export type PreloadName = keyof typeof preloads;

export const preloadNames = Object.keys(preloads) as PreloadName[];

export function isPreloadName(name: string): name is PreloadName {
  return Object.hasOwn(preloads, name);
}

export function preloadConfig(name: PreloadName): UserConfig {
  return {
    root,
    publicDir: false,
    logLevel: 'warn',
    build: {
      outDir: resolve(root, 'dist/preload'),
      // The builds share the folder: none may empty it.
      emptyOutDir: false,
      target: 'chrome140',
      minify: false,
      sourcemap: false,
      lib: { entry: resolve(root, preloads[name]), formats: ['cjs'], fileName: () => `${name}.cjs` },
      rolldownOptions: { external: ['electron'] },
    },
  };
}

export default defineConfig(({ mode }) => {
  if (!isPreloadName(mode)) throw new Error(`preload/vite.config.ts builds one preload per run: pass --mode ${preloadNames.join(' or --mode ')} (got "${mode}")`);
  return preloadConfig(mode);
});
