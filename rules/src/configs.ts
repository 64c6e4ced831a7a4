import type { TSESLint } from '@typescript-eslint/utils';
import type { CancelSafeDocs } from './util/create-rule';

type RuleModule = { meta: { docs?: CancelSafeDocs } & object };
type Severity = 'error' | 'warn';

/**
 * The configs are derived from each rule's `meta.docs.recommended`, so adding a rule never means
 * editing this file: `recommended` holds the rules with a severity there, `strict` holds every
 * rule (opinionated ones at `warn`), `all` holds every rule at `error`.
 */
export function createConfigs(plugin: TSESLint.FlatConfig.Plugin, rules: Record<string, RuleModule>) {
  const entries = Object.entries(rules).sort(([a], [b]) => a.localeCompare(b));
  const pick = (severityOf: (docs: CancelSafeDocs | undefined) => Severity | false): Record<string, Severity> => {
    const selected: Record<string, Severity> = {};
    for (const [id, rule] of entries) {
      const severity = severityOf(rule.meta.docs);
      if (severity) selected[`cancel-safe/${id}`] = severity;
    }
    return selected;
  };
  const recommendedRules = pick((docs) => docs?.recommended ?? false);
  const strictRules = pick((docs) => docs?.recommended || 'warn');
  const allRules = pick(() => 'error');
  const flat = (configName: string, configRules: Record<string, Severity>): TSESLint.FlatConfig.Config => ({
    name: `cancel-safe/${configName}`,
    plugins: { 'cancel-safe': plugin },
    rules: configRules,
  });
  return {
    recommended: flat('recommended', recommendedRules),
    strict: flat('strict', strictRules),
    all: flat('all', allRules),
    /** For `.eslintrc` users of ESLint 8: `extends: ['plugin:cancel-safe/recommended-legacy']`. */
    'recommended-legacy': { plugins: ['cancel-safe'], rules: recommendedRules },
  };
}
