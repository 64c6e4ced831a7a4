// The repository lints itself with typescript-eslint and its own plugin (built to rules/dist by
// `npm run build`). The same file drives `npx cancel-safe examples`, so examples/ get exactly the
// plugin's recommended rules and nothing else.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import cancelSafe from 'eslint-plugin-cancel-safe';

export default tseslint.config(
  {
    ignores: ['**/dist/**', '**/node_modules/**', 'client/out/**', 'bench/.repos/**', 'bench/results/**', 'test/**/fixtures/**', '.cache/**'],
  },
  {
    files: ['**/*.{ts,mts,cts,js,mjs,cjs}'],
    ignores: ['examples/**'],
    extends: [js.configs.recommended, ...tseslint.configs.recommended, cancelSafe.configs.recommended],
    languageOptions: { globals: { ...nodeGlobals() } },
    rules: {
      '@typescript-eslint/no-require-imports': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['examples/**/*.{ts,mts,cts,js,mjs,cjs}'],
    languageOptions: { parser: tseslint.parser },
    extends: [cancelSafe.configs.recommended],
    // Rules that are only in `strict` (opinionated) still need a demonstration in examples/.
    rules: { 'cancel-safe/no-untracked-task': 'error' },
  },
);

function nodeGlobals() {
  const names = ['process', 'console', 'require', 'module', '__dirname', '__filename', 'Buffer', 'setTimeout', 'clearTimeout',
    'setInterval', 'clearInterval', 'setImmediate', 'clearImmediate', 'AbortController', 'AbortSignal', 'URL', 'fetch',
    'structuredClone', 'queueMicrotask', 'TextEncoder', 'TextDecoder', 'performance', 'globalThis', 'exports', 'EventTarget', 'Event'];
  return Object.fromEntries(names.map((name) => [name, 'readonly']));
}
