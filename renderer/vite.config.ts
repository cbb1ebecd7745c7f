import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const renderer = fileURLToPath(new URL('.', import.meta.url));
const bridge = fileURLToPath(new URL('../main/core/bridge', import.meta.url));

/**
 * Builds the UI to renderer/dist with relative asset URLs ('./assets/…'), so both shells can
 * serve it from wherever they mount it. The one thing it imports from outside renderer/ is
 * the bridge contract in main/core/bridge.
 */
export default defineConfig({
  root: renderer,
  base: './',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
  },
  server: {
    fs: { allow: [renderer, bridge] },
  },
});
