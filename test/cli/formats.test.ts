import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Validator, type Schema } from '@cfworker/json-schema';
import { formatGithub } from '../../rules/src/cli/format';
import { run, tempProject } from './helpers';

// The SARIF 2.1.0 JSON schema as published (rtm.5 is the OASIS 2.1.0 standard's schema, the one
// GitHub code scanning validates uploads against), shipped in @microsoft/jest-sarif.
const schemaPath = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
const sarifSchema = JSON.parse(fs.readFileSync(schemaPath, 'utf8')) as Schema;

interface SarifLog {
  version: string;
  runs: {
    tool: { driver: { name: string; rules: { id: string; helpUri?: string; shortDescription?: { text: string } }[] } };
    originalUriBaseIds: Record<string, { uri: string }>;
    results: { ruleId: string; ruleIndex: number; level: string; locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId: string }; region: { startLine: number } } }[] }[];
    invocations?: { executionSuccessful: boolean; toolExecutionNotifications: { message: { text: string } }[] }[];
  }[];
}

function validateSarif(text: string): SarifLog {
  const log = JSON.parse(text) as SarifLog;
  const outcome = new Validator(sarifSchema, '4', false).validate(log);
  assert.ok(outcome.valid, `SARIF schema errors:\n${outcome.errors.map((e) => `${e.instanceLocation}: ${e.error}`).join('\n')}`);
  return log;
}

describe('cancel-safe CLI report formats', function () {
  // Each case spawns the CLI, which loads ESLint and typescript-eslint; two shared cores can be slow.
  this.timeout(120_000);
  describe('--format sarif', () => {
    it('is valid SARIF 2.1.0 with rule metadata, help URIs and relative locations', () => {
      const { code, stdout } = run(['--format', 'sarif', 'examples/leaky-timeout.ts']);
      assert.equal(code, 1);
      const log = validateSarif(stdout);
      assert.equal(log.version, '2.1.0');
      const [sarifRun] = log.runs;
      assert.equal(sarifRun!.tool.driver.name, 'eslint-plugin-cancel-safe');
      const rule = sarifRun!.tool.driver.rules.find((r) => r.id === 'cancel-safe/no-leaky-timeout');
      assert.ok(rule, 'the rule that fired is described');
      assert.match(rule.helpUri!, /^https:\/\/.+\/rules\/docs\/rules\/no-leaky-timeout\.md$/);
      assert.match(rule.shortDescription!.text, /^Disallow/);
      assert.ok(sarifRun!.results.length >= 2);
      for (const result of sarifRun!.results) {
        assert.equal(sarifRun!.tool.driver.rules[result.ruleIndex]!.id, result.ruleId);
        const { artifactLocation, region } = result.locations[0]!.physicalLocation;
        assert.equal(artifactLocation.uri, 'examples/leaky-timeout.ts');
        assert.equal(artifactLocation.uriBaseId, '%SRCROOT%');
        assert.ok(region.startLine >= 1);
      }
      assert.match(sarifRun!.originalUriBaseIds['%SRCROOT%']!.uri, /^file:\/\/.+\/$/);
    });

    it('is valid with no results, and turns a parse error into a failed-run notification', () => {
      const clean = validateSarif(run(['--format', 'sarif', 'examples/fixed']).stdout);
      assert.deepEqual(clean.runs[0]!.results, []);

      const dir = tempProject({ 'src/broken file.ts': 'const = ;\n' });
      const broken = run(['--format', 'sarif', '.'], dir);
      assert.equal(broken.code, 1);
      const log = validateSarif(broken.stdout);
      assert.equal(log.runs[0]!.invocations![0]!.executionSuccessful, false);
      assert.match(log.runs[0]!.invocations![0]!.toolExecutionNotifications[0]!.message.text, /Parsing error|expected/i);
    });

    it('the schema test can fail: a result without a message is rejected', () => {
      const log = JSON.parse(run(['--format', 'sarif', 'examples']).stdout) as { runs: { results: Record<string, unknown>[] }[] };
      delete log.runs[0]!.results[0]!.message;
      assert.equal(new Validator(sarifSchema, '4', false).validate(log).valid, false);
    });
  });

  describe('--format github', () => {
    it('prints one workflow command per problem with file, line, col, end and rule title', () => {
      const { code, stdout } = run(['--format', 'github', 'examples/leaky-timeout.ts']);
      assert.equal(code, 1);
      const lines = stdout.trimEnd().split('\n');
      assert.ok(lines.length >= 2);
      for (const line of lines) {
        assert.match(
          line,
          /^::error file=examples\/leaky-timeout\.ts,line=\d+,col=\d+,endLine=\d+,endColumn=\d+,title=cancel-safe\/no-leaky-timeout::[^\n]+ \(https:\/\/\S+no-leaky-timeout\.md\)$/,
        );
      }
    });

    it('uses ::warning for warnings and escapes commas, colons and newlines', () => {
      const dir = tempProject({
        'eslint.config.mjs': `export default [{ files: ['**/*.js'], rules: { 'no-warning-comments': ['warn', { terms: ['todo'] }] } }];\n`,
        'a,b:c.js': '// todo: x\n',
        'broken.js': 'const = ;\n',
      });
      const { code, stdout } = run(['--format', 'github', '.'], dir);
      assert.equal(code, 1);
      const lines = stdout.trimEnd().split('\n');
      assert.ok(lines.includes(`::warning file=a%2Cb%3Ac.js,line=1,col=1,endLine=1,endColumn=11,title=no-warning-comments::Unexpected 'todo' comment: 'todo: x'. (https://eslint.org/docs/latest/rules/no-warning-comments)`), stdout);
      assert.ok(lines.some((line) => /^::error file=broken\.js,line=1,col=7,title=Parse error::Parsing error: /.test(line)), stdout);
    });

    it('escapes %, CR and LF in the message so a multi-line message stays one command', () => {
      const result = { filePath: path.resolve('x.js'), messages: [{ ruleId: 'r', severity: 2, message: '100% sure\r\nnext line', line: 2, column: 3 }] };
      assert.equal(
        formatGithub([result as never], {}, { cwd: process.cwd() }),
        '::error file=x.js,line=2,col=3,title=r::100%25 sure%0D%0Anext line\n',
      );
    });

    it('prints nothing for a clean run', () => {
      const { code, stdout } = run(['--format', 'github', 'examples/fixed']);
      assert.equal(code, 0);
      assert.equal(stdout, '');
    });
  });

  it('--format json prints ESLint results with absolute paths', () => {
    const results = JSON.parse(run(['--format', 'json', 'examples']).stdout) as { filePath: string }[];
    assert.ok(results.every((r) => path.isAbsolute(r.filePath)));
  });
});
