import * as path from 'node:path';
import { after, describe, it } from 'mocha';
import { RuleTester } from '@typescript-eslint/rule-tester';

RuleTester.afterAll = after;
RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

/** Parses cases with the TypeScript parser and no type information (the fast, default mode). */
export const syntacticTester = new RuleTester({
  languageOptions: { parserOptions: { ecmaFeatures: { jsx: false } } },
});

/** Parses cases as `fixtures/file.ts` inside a real TypeScript program, so rules get types. */
export const typedTester = new RuleTester({
  languageOptions: {
    parserOptions: {
      projectService: true,
      tsconfigRootDir: path.join(__dirname, 'fixtures'),
    },
  },
});

/** Parses cases as CommonJS scripts (`require`, no `import`). */
export const commonJsTester = new RuleTester({
  languageOptions: { sourceType: 'commonjs' },
});
