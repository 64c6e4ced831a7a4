import type { Linter } from 'eslint';
import * as tsParser from '@typescript-eslint/parser';

/** File patterns cancel-safe lints when it brings its own configuration. */
export const LINTED_FILES = ['**/*.{js,mjs,cjs,jsx,ts,mts,cts,tsx}'];

/** Paths never worth linting: dependencies, build output, minified and generated bundles. */
export const DEFAULT_IGNORES = [
  '**/node_modules/**',
  '**/dist/**',
  '**/build/**',
  '**/out/**',
  '**/coverage/**',
  '**/.git/**',
  '**/.next/**',
  '**/.nuxt/**',
  '**/*.min.{js,mjs,cjs}',
  '**/*.bundle.{js,mjs,cjs}',
  '**/vendor/**',
];

/**
 * The configuration used when a project has no `eslint.config.*`: the plugin's `recommended`
 * rules, parsed with the TypeScript parser (it reads JavaScript too) so one config covers every
 * file. Disable comments in the code belong to the project's own rules, which are not loaded
 * here, so unused-directive reports are turned off.
 */
export function createZeroConfig(
  plugin: { configs: Record<string, Linter.Config> },
  options: { configName?: string; typeAware?: boolean; rootDir?: string } = {},
): Linter.Config[] {
  const preset = plugin.configs[options.configName ?? 'recommended'];
  if (!preset) throw new Error(`Unknown cancel-safe config "${options.configName}".`);
  return [
    { name: 'cancel-safe/zero-config/ignores', ignores: DEFAULT_IGNORES },
    {
      name: 'cancel-safe/zero-config/language',
      files: LINTED_FILES,
      languageOptions: {
        parser: tsParser as unknown as Linter.Parser,
        ecmaVersion: 'latest',
        sourceType: 'module',
        parserOptions: {
          ecmaFeatures: { jsx: true },
          ...(options.typeAware ? { projectService: { allowDefaultProject: ['*.js', '*.mjs', '*.cjs'] }, tsconfigRootDir: options.rootDir } : {}),
        },
      },
      linterOptions: { reportUnusedDisableDirectives: 'off' },
    },
    { name: 'cancel-safe/zero-config/commonjs', files: ['**/*.cjs'], languageOptions: { sourceType: 'commonjs' } },
    { ...preset, files: LINTED_FILES },
  ];
}
