// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Layering, VS Code style: the runtime-neutral core may not reach up into a shell,
 * the preload bridges or the renderer, and may not import Electron at all.
 * `test/unit/layering.test.ts` proves this rule fires.
 */
export const coreRestrictedImports = {
  paths: [{ name: 'electron', message: 'main/core is runtime-neutral: only main/electron may import electron.' }],
  patterns: [
    {
      group: ['**/electron/**', '**/main/electron', '**/web/**', '**/main/web', '**/preload/**', '**/renderer/**', '**/cli/**'],
      message: 'main/core must not import a shell (main/electron, main/web, main/cli), preload or renderer.',
    },
  ],
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'release/**', 'test-results/**', 'playwright-report/**', 'renderer/dist/**', '.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { console: 'readonly', process: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', Buffer: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // The sample apps' pages and app library: plain browser ES modules, served as they are.
    files: ['test/apps/**/*.js'],
    languageOptions: {
      sourceType: 'module',
      globals: { window: 'readonly', document: 'readonly', location: 'readonly', navigator: 'readonly', WebSocket: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly' },
    },
  },
  {
    files: ['main/core/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', coreRestrictedImports] },
  },
  {
    // The bridge contract is shared with the renderer, which runs in a browser: it may use only
    // itself, the pure schema helpers, and types from the rest of the core.
    files: ['main/core/bridge/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          ...coreRestrictedImports,
          patterns: [
            ...coreRestrictedImports.patterns,
            { group: ['node:*', 'ws', 'keytar'], message: 'main/core/bridge runs in the renderer too: no Node modules.' },
            { regex: '^\\.\\./(?!protocol/validate\\.js$)', allowTypeImports: true, message: 'main/core/bridge may import only types from the rest of the core (plus protocol/validate.js).' },
          ],
        },
      ],
    },
  },
  {
    // The renderer runs in a browser under either shell and reaches the core only through the
    // bridge contract: nothing else from main/, and no Node APIs.
    files: ['renderer/src/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '(^|/)main/(?!core/bridge/[^/]+$)', message: 'The renderer may import only the bridge contract (main/core/bridge) from main/.' },
            { group: ['node:*', 'electron'], message: 'The renderer runs in a browser: no Node or Electron APIs.' },
          ],
        },
      ],
      'no-restricted-globals': ['error', 'process', 'Buffer', 'require', '__dirname', '__filename'],
    },
  },
);
