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

export const createRule = ESLintUtils.RuleCreator<CancelSafeDocs>(docsUrl);
