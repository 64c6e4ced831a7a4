import * as path from 'node:path';
import { ESLint, type Linter } from 'eslint';
import plugin = require('eslint-plugin-cancel-safe');
import { createZeroConfig } from 'eslint-plugin-cancel-safe/cli';

export interface LintMessage extends Linter.LintMessage {
  docsUrl?: string;
}

let eslint: ESLint | undefined;

/** Lints one document's text with the embedded recommended config; never touches the disk's copy. */
export async function lintText(text: string, filePath: string): Promise<LintMessage[]> {
  eslint ??= new ESLint({
    overrideConfigFile: true,
    overrideConfig: createZeroConfig(plugin as never),
    // Every absolute path lies under the root; ESLint treats files outside `cwd` as ignored.
    cwd: path.parse(filePath).root,
  });
  const [result] = await eslint.lintText(text, { filePath, warnIgnored: false });
  if (!result) return [];
  const rulesMeta = eslint.getRulesMetaForResults([result]);
  return result.messages.map((message) => ({
    ...message,
    ...(message.ruleId && rulesMeta[message.ruleId]?.docs?.url ? { docsUrl: rulesMeta[message.ruleId]!.docs!.url! } : {}),
  }));
}
