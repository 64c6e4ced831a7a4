import type { TSESLint } from '@typescript-eslint/utils';
import { rules } from './rules';
import { createConfigs } from './configs';

const { name, version } = require('../package.json') as { name: string; version: string };

/** The plugin object: `meta`, `rules` and the flat configs `recommended`, `strict` and `all`. */
const plugin = {
  meta: { name, version, namespace: 'cancel-safe' },
  rules,
  configs: {} as ReturnType<typeof createConfigs>,
};
plugin.configs = createConfigs(plugin as unknown as TSESLint.FlatConfig.Plugin, rules);

export = plugin;
