/**
 * Bundles the preload into ONE CommonJS file, `dist/preload/bridge.cjs`: a sandboxed preload
 * cannot be an ES module and may require nothing but `electron` (so the bridge contract's
 * channel names are bundled in, not required). Run with `npm run build:preload`.
 */
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

const root = resolve(import.meta.dirname, '..');

export default defineConfig({
  root,
  publicDir: false,
  logLevel: 'warn',
  build: {
    outDir: resolve(root, 'dist/preload'),
    emptyOutDir: true,
    target: 'chrome140',
    minify: false,
    sourcemap: false,
    lib: { entry: resolve(root, 'preload/bridge.ts'), formats: ['cjs'], fileName: () => 'bridge.cjs' },
    rolldownOptions: { external: ['electron'] },
  },
});
