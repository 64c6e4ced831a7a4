// The ESLint configs bench/lint.bench.mjs compares, in one place so that the in-process bench and
// the whole-process check (paired whole `eslint -c bench/lint-config.mjs` processes) lint the same way.
// Every variant parses with the TypeScript parser, so parsing costs the same in each and the
// differences are the rules' own time.
//
// As an ESLint config file it reads CANCEL_SAFE_BENCH_CONFIG (none | js | js+recommended |
// recommended); for example:
//   CANCEL_SAFE_BENCH_CONFIG=js+recommended npx eslint -c bench/lint-config.mjs bench/.repos/undici
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import cancelSafe from 'eslint-plugin-cancel-safe';
import { DEFAULT_IGNORES, LINTED_FILES } from 'eslint-plugin-cancel-safe/cli';

// Node's own globals plus CommonJS's, so @eslint/js's no-undef sees the code as Node runs it
// (without a dependency on the `globals` package).
const NODE_GLOBALS = Object.fromEntries(
  [...Object.getOwnPropertyNames(globalThis), 'require', 'module', 'exports', '__dirname', '__filename'].map((name) => [name, 'readonly']),
);

/** The rule ids (`cancel-safe/...`) of cancel-safe's recommended config. */
export const OUR_RECOMMENDED = Object.keys(cancelSafe.configs.recommended.rules);
/** Every cancel-safe rule id. */
export const OUR_ALL = Object.keys(cancelSafe.configs.all.rules);
/** The rule ids of @eslint/js recommended. */
export const JS_RECOMMENDED = Object.keys(js.configs.recommended.rules);
/** The two typescript-eslint rules our typed rules are measured against. */
export const TS_PROMISE_RULES = ['@typescript-eslint/no-floating-promises', '@typescript-eslint/no-misused-promises'];

/**
 * The flat config of one variant.
 * @param {string} variant `+`-joined parts: none, js (@eslint/js recommended), recommended
 *   (cancel-safe recommended), all (every cancel-safe rule), ts-promises (the two typed rules).
 * @param {{ tsconfig?: string, files?: string[] }} [options] tsconfig: lint with type information
 *   from that tsconfig (typescript-eslint `project`); files: restrict linting to these globs.
 */
export function benchConfig(variant, options = {}) {
  const parts = new Set(variant.split('+'));
  const known = new Set(['none', 'js', 'recommended', 'all', 'ts-promises']);
  for (const part of parts) {
    if (!known.has(part)) throw new Error(`Unknown bench config part "${part}" in "${variant}": use ${[...known].join(', ')}.`);
  }
  const files = options.files ?? LINTED_FILES;
  const rules = {};
  if (parts.has('js')) Object.assign(rules, js.configs.recommended.rules);
  if (parts.has('recommended')) Object.assign(rules, cancelSafe.configs.recommended.rules);
  if (parts.has('all')) Object.assign(rules, cancelSafe.configs.all.rules);
  if (parts.has('ts-promises')) for (const id of TS_PROMISE_RULES) rules[id] = 'error';
  return [
    { ignores: DEFAULT_IGNORES },
    {
      files,
      plugins: { 'cancel-safe': cancelSafe, '@typescript-eslint': tseslint.plugin },
      languageOptions: {
        parser: tseslint.parser,
        ecmaVersion: 'latest',
        sourceType: 'module',
        globals: NODE_GLOBALS,
        parserOptions: {
          ecmaFeatures: { jsx: true },
          ...(options.tsconfig ? { project: options.tsconfig, tsconfigRootDir: process.cwd() } : {}),
        },
      },
      linterOptions: { reportUnusedDisableDirectives: 'off' },
      rules,
    },
    { files: ['**/*.cjs'], languageOptions: { sourceType: 'commonjs' } },
  ];
}

export default benchConfig(process.env.CANCEL_SAFE_BENCH_CONFIG ?? 'js+recommended');
