import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO } from './lsp-client';

/** Imports a workspace config can use from anywhere (absolute URLs into the repository). */
export const PLUGIN_URL = pathToFileURL(path.join(REPO, 'rules', 'dist', 'index.js')).href;
export const PARSER_URL = pathToFileURL(require.resolve('@typescript-eslint/parser')).href;

/**
 * A flat config whose `cancel-safe` plugin is the real one plus demo rules in the same namespace:
 * `let-demo` (fixable: `let` to `const`), `related-demo` (reports `race(a, b)` with a secondary
 * location through the related-locations convention), `throw-demo` (throws on `THROW`),
 * `exit-demo` (calls process.exit on `EXIT`) and `slow-demo` (busy for 4 s on `SLOW`, after creating `<file>.started`).
 */
export function demoConfig(extraRules: Record<string, string> = {}): string {
  return `import { writeFileSync } from 'node:fs';
import cancelSafe from '${PLUGIN_URL}';
import tsParser from '${PARSER_URL}';
const docs = (name) => ({ url: 'https://example.com/demo/' + name });
const demo = {
  'let-demo': {
    meta: { type: 'suggestion', fixable: 'code', docs: docs('let-demo'), messages: { m: 'Use \`const\`.' }, schema: [] },
    create: (context) => ({
      VariableDeclaration(node) {
        if (node.kind === 'let') context.report({ node, messageId: 'm', fix: (fixer) => fixer.replaceTextRange([node.range[0], node.range[0] + 3], 'const') });
      },
    }),
  },
  'related-demo': {
    meta: { type: 'problem', docs: docs('related-demo'), messages: { r: 'The losing branch leaks.' }, schema: [] },
    create: (context) => ({
      CallExpression(node) {
        if (node.callee.type !== 'Identifier' || node.callee.name !== 'race') return;
        context.report({ node, messageId: 'r' });
        const sink = globalThis[Symbol.for('cancel-safe.relatedLocations')];
        if (typeof sink === 'function') sink({ filename: context.filename, ruleId: context.id, messageId: 'r', line: node.loc.start.line, column: node.loc.start.column, related: [{ message: 'The loser is created here.', loc: node.arguments[1].loc }] });
      },
    }),
  },
  'throw-demo': { meta: { type: 'problem', schema: [] }, create: (context) => ({ Program() { if (context.sourceCode.text.includes('THROW')) throw new Error('throw-demo exploded'); } }) },
  'exit-demo': { meta: { type: 'problem', schema: [] }, create: (context) => ({ Program() { if (context.sourceCode.text.includes('EXIT')) process.exit(3); } }) },
  'slow-demo': { meta: { type: 'problem', schema: [] }, create: (context) => ({ Program() { if (context.sourceCode.text.includes('SLOW')) { writeFileSync(context.filename + '.started', ''); const end = Date.now() + 4000; while (Date.now() < end); } } }) },
};
export default [
  {
    files: ['**/*.ts'],
    languageOptions: { parser: tsParser },
    plugins: { 'cancel-safe': { ...cancelSafe, rules: { ...cancelSafe.rules, ...demo } } },
    rules: {
      ...cancelSafe.configs.recommended.rules,
      'cancel-safe/let-demo': 'warn',
      'cancel-safe/related-demo': 'error',
      'cancel-safe/throw-demo': 'error',
      'cancel-safe/exit-demo': 'error',
      'cancel-safe/slow-demo': 'error',
      ...${JSON.stringify(extraRules)},
    },
  },
];
`;
}

export const HAZARD = `await Promise.race([fetch(url), new Promise((_, reject) => setTimeout(() => reject(new Error('t')), 1000))]);\n`;
