import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { rules } from '../../rules/src/rules';
import type { CancelSafeDocs } from '../../rules/src/util/create-rule';

interface RuleUnderTest {
  meta: {
    docs: CancelSafeDocs & { url: string };
    messages: Record<string, string>;
    schema: readonly { properties?: Record<string, { description?: string }> }[];
  };
}
import { docsUrl } from '../../rules/src/util/create-rule';

const root = path.join(__dirname, '..', '..');
const ruleFiles = fs
  .readdirSync(path.join(root, 'rules', 'src', 'rules'))
  .filter((name) => name.endsWith('.ts') && name !== 'index.ts' && !name.startsWith('_'))
  .map((name) => name.slice(0, -3));

describe('rules metadata, docs and tests stay in step', () => {
  it('generated files (rule index, README table, docs headers) are up to date', () => {
    execFileSync(process.execPath, [path.join(root, 'scripts', 'generate.mjs'), '--check'], { stdio: 'pipe' });
  });

  it('every rule file is exported under its file name', () => {
    assert.deepEqual(Object.keys(rules).sort(), ruleFiles.sort());
  });

  for (const id of ruleFiles) {
    describe(id, () => {
      const rule = (rules as unknown as Record<string, RuleUnderTest>)[id]!;
      const docPath = path.join(root, 'rules', 'docs', 'rules', `${id}.md`);
      const doc = fs.existsSync(docPath) ? fs.readFileSync(docPath, 'utf8') : '';

      it('links its docs page, which exists', () => {
        assert.equal(rule.meta.docs.url, docsUrl(id));
        assert.ok(doc.length > 0, `missing ${path.relative(root, docPath)}`);
      });

      it('has a test file', () => {
        assert.ok(fs.existsSync(path.join(root, 'test', 'rules', `${id}.test.ts`)));
      });

      it('has a description starting with Disallow/Require/Enforce and one-sentence messages', () => {
        assert.match(rule.meta.docs.description, /^(Disallow|Require|Enforce) /);
        for (const [messageId, text] of Object.entries(rule.meta.messages)) {
          assert.match(text, /\.$/, `message ${messageId} should end with a period`);
        }
      });

      it('docs have the standard sections, and one heading per option', () => {
        for (const section of ['## Examples', '## When Not To Use It']) assert.ok(doc.includes(section), `${id}.md lacks ${section}`);
        const options = Object.entries(rule.meta.schema[0]?.properties ?? {});
        if (options.length > 0) assert.ok(doc.includes('## Options'), `${id}.md lacks ## Options`);
        for (const [name, property] of options) {
          assert.ok(doc.includes(`### \`${name}\``), `${id}.md lacks ### \`${name}\``);
          assert.ok(property.description, `option ${name} lacks a description`);
        }
      });
    });
  }
});
