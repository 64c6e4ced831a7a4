/**
 * ESLint's options module for `--concurrency` (see `ESLint.fromOptionsModule`): worker threads
 * cannot receive plugin or parser objects, so each one imports this module, whose URL carries the
 * run's settings as JSON in `?settings=`, and rebuilds the very options the main thread uses.
 */
import plugin from '../index.js';
import { createEslintOptions, type CliPlugin, type LintSettings } from './eslint-options.js';

const encoded = new URL(import.meta.url).searchParams.get('settings');
if (!encoded) {
  throw new Error(`${import.meta.url} must be imported with a ?settings= query; the cancel-safe CLI builds that URL.`);
}

export default createEslintOptions(JSON.parse(encoded) as LintSettings, plugin as unknown as CliPlugin);
