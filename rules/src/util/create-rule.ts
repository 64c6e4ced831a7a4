import { ESLintUtils } from '@typescript-eslint/utils';

/** Where every rule's documentation lives; `meta.docs.url` is derived from the rule name. */
export const DOCS_BASE_URL = 'https://github.com/cancel-safe/cancel-safe/blob/main/rules/docs/rules/';

export function docsUrl(ruleName: string): string {
  return `${DOCS_BASE_URL}${ruleName}.md`;
}

/** Extra documentation metadata every cancel-safe rule declares; configs are generated from it. */
export interface CancelSafeDocs {
  description: string;
  /** Severity in `configs.recommended`; `false` keeps the rule out of it (it is still in `strict`). */
  recommended: 'error' | 'warn' | false;
  /** True when the rule needs type information (it never does today; types only sharpen rules). */
  requiresTypeChecking?: boolean;
}

const namedRuleCreator = ESLintUtils.RuleCreator<CancelSafeDocs>(docsUrl);

/**
 * typescript-eslint's `RuleCreator`, with the merge of user options over `defaultOptions` done
 * once per distinct options value instead of once per file: its `applyDefault` deep-clones the
 * defaults on every `create`, which was a measurable share of a cheap rule's time on large repos.
 * ESLint hands the same options array to every file for a rule configured as a plain severity, and
 * a structurally equal one otherwise, so the cache is keyed by identity first, then by JSON.
 */
export const createRule: typeof namedRuleCreator = (rule) => {
  const module = namedRuleCreator(rule);
  const defaults = (rule.meta.defaultOptions ?? rule.defaultOptions ?? []) as Parameters<typeof rule.create>[1];
  const byIdentity = new WeakMap<object, Parameters<typeof rule.create>[1]>();
  const byValue = new Map<string, Parameters<typeof rule.create>[1]>();
  module.create = (context) => {
    const options = context.options;
    let merged = byIdentity.get(options);
    if (!merged) {
      const key = JSON.stringify(options);
      merged = byValue.get(key);
      if (!merged) {
        merged = Object.freeze(ESLintUtils.applyDefault(defaults, options)) as Parameters<typeof rule.create>[1];
        byValue.set(key, merged);
      }
      byIdentity.set(options, merged);
    }
    return rule.create(context, merged);
  };
  return module;
};
