import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const renderer = fileURLToPath(new URL('.', import.meta.url));
const bridge = fileURLToPath(new URL('../main/core/bridge', import.meta.url));

/**
 * Builds the UI to renderer/dist with relative asset URLs ('./assets/…'), so both shells can
 * serve it from wherever they mount it. The one thing it imports from outside renderer/ is
 * the bridge contract in main/core/bridge.
 *
 * Three pages: the UI (index.html), the app-frame page (appframe.html, one per app view,
 * a few lines of script and no React) and the status-frame page (statusframe.html, one per
 * status page in the UI's status strip, a few lines), each at the root of the build.
 */
export default defineConfig({
  root: renderer,
  base: './',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    rolldownOptions: {
      input: {
        index: fileURLToPath(new URL('index.html', import.meta.url)),
        appframe: fileURLToPath(new URL('appframe.html', import.meta.url)),
        statusframe: fileURLToPath(new URL('statusframe.html', import.meta.url)),
      },
    },
  },
  server: {
    fs: { allow: [renderer, bridge] },
  },
});
