import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LEAKY, root, run, tempProject, type JsonResult } from './helpers';

const { version } = JSON.parse(fs.readFileSync(path.join(root, 'rules', 'package.json'), 'utf8')) as { version: string };

describe('cancel-safe CLI', function () {
  // Each case spawns the CLI, which loads ESLint and typescript-eslint; two shared cores can be slow.
  this.timeout(120_000);
  it('`cancel-safe examples` reports hazards as file:line:col with rule ids, docs links, and exits 1', () => {
    const { code, stdout, stderr } = run(['examples']);
    assert.equal(code, 1);
    assert.match(stdout, /examples\/leaky-timeout\.ts:\d+:\d+ {2}error {2}.+ {2}cancel-safe\/no-leaky-timeout/);
    assert.match(stdout, /rules\/docs\/rules\/no-leaky-timeout\.md/);
    assert.equal(stderr, '', 'no progress line when stderr is not a terminal');
  });

  it('examples/fixed lints clean (exit 0, no output)', () => {
    const { code, stdout } = run(['examples/fixed']);
    assert.equal(code, 0, stdout);
    assert.equal(stdout, '');
  });

  it('lints with zero configuration when the project has no eslint.config.*, skipping node_modules, dist, build, coverage and bundles', () => {
    const hazard = `await Promise.race([fetch(u), new Promise((r) => setTimeout(r, 10))]);\n`;
    const dir = tempProject({
      'src/a.mjs': hazard,
      'node_modules/dep/index.js': hazard,
      'dist/a.js': hazard,
      'build/a.js': hazard,
      'coverage/a.js': hazard,
      'public/app.min.js': hazard,
      'public/app.bundle.js': hazard,
    });
    const { code, stdout } = run(['--format', 'json', '.'], dir);
    assert.equal(code, 1);
    const results = JSON.parse(stdout) as JsonResult[];
    assert.deepEqual(results.map((r) => path.relative(dir, r.filePath)), [path.join('src', 'a.mjs')]);
    assert.deepEqual(results[0]!.messages.map((m) => m.ruleId), ['cancel-safe/no-leaky-timeout', 'cancel-safe/no-leaky-timeout']);
  });

  it('uses the project eslint.config.* when there is one; --no-config-lookup forces the embedded config', () => {
    const dir = tempProject({
      'eslint.config.mjs': `export default [{ rules: {} }];\n`,
      'a.js': `Promise.race([fetch(u), new Promise((r) => setTimeout(r, 10))]);\n`,
    });
    assert.equal(run(['a.js'], dir).code, 0);
    assert.equal(run(['--no-config-lookup', 'a.js'], dir).code, 1);
  });

  it('exits 2 with a clear message for a broken config, an unknown option and unmatched paths', () => {
    const dir = tempProject({ 'eslint.config.mjs': `export default [{ rules: { 'no-such-rule': 'error' } }];\n`, 'a.js': 'x;\n' });
    const broken = run(['a.js'], dir);
    assert.equal(broken.code, 2);
    assert.match(broken.stderr, /eslint\.config\.mjs/);
    assert.match(broken.stderr, /--no-config-lookup/);

    const unknown = run(['--frobnicate']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /frobnicate/);
    assert.match(unknown.stderr, /--help/);

    const missing = run(['does-not-exist/']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /does-not-exist/);
  });

  it('--help lists every option and exits 0; --version prints the package version', () => {
    const help = run(['--help']);
    assert.equal(help.code, 0);
    for (const option of ['--fix', '--fix-dry-run', '--format', '--max-warnings', '--rule', '--type-aware', '--concurrency', '--cache', '--cache-location', '--quiet', '--stats', '--no-config-lookup', '--output-file', '--version']) {
      assert.ok(help.stdout.includes(option), `--help mentions ${option}`);
    }
    assert.match(help.stdout, /Exit codes: 0/);
    assert.deepEqual(run(['-h']).stdout, help.stdout);
    const printed = run(['--version']);
    assert.equal(printed.code, 0);
    assert.equal(printed.stdout, `${version}\n`);
  });

  it('--format rejects an unknown name with the list of formats (exit 2)', () => {
    const { code, stderr } = run(['--format', 'checkstyle', 'examples']);
    assert.equal(code, 2);
    assert.match(stderr, /checkstyle.*stylish, json, sarif, github/);
  });

  it('--output-file writes the report to a file, creating its folder', () => {
    const dir = tempProject({ 'a.ts': LEAKY });
    const { code, stdout } = run(['--format', 'json', '-o', 'reports/lint.json', '.'], dir);
    assert.equal(code, 1);
    assert.equal(stdout, '');
    const results = JSON.parse(fs.readFileSync(path.join(dir, 'reports', 'lint.json'), 'utf8')) as JsonResult[];
    assert.equal(results[0]!.errorCount, 2);
  });

  describe('--rule', () => {
    it('sets a rule to warn (still exit 1: a warning is a problem), off (no report) or error with options as JSON, with or without the prefix', () => {
      const dir = tempProject({ 'a.ts': LEAKY });
      const warn = run(['--format', 'json', '--rule', 'no-leaky-timeout=warn', '.'], dir);
      assert.equal(warn.code, 1);
      assert.deepEqual((JSON.parse(warn.stdout) as JsonResult[])[0]!.messages.map((m) => m.severity), [1, 1]);

      const off = run(['--rule', 'cancel-safe/no-leaky-timeout=off', '.'], dir);
      assert.equal(off.code, 0);
      assert.equal(off.stdout, '');

      const withOptions = run(['--format', 'json', '--rule', 'no-leaky-timeout=["error",{"checkOperationAbort":false}]', '.'], dir);
      assert.equal(withOptions.code, 1);
      assert.equal((JSON.parse(withOptions.stdout) as JsonResult[])[0]!.messages.length, 1, 'only the timer report is left');
    });

    it('exits 2 for an unknown rule id and lists the rule ids', () => {
      const { code, stderr } = run(['--rule', 'no-such-thing=error', 'examples']);
      assert.equal(code, 2);
      assert.match(stderr, /unknown rule "no-such-thing"/);
      assert.match(stderr, /^ {2}no-leaky-timeout$/m);
    });

    it('exits 2 for a bad severity or a missing "="', () => {
      assert.equal(run(['--rule', 'no-leaky-timeout=loud', 'examples']).code, 2);
      assert.match(run(['--rule', 'no-leaky-timeout', 'examples']).stderr, /id=severity/);
      assert.match(run(['--rule', 'no-leaky-timeout=[oops', 'examples']).stderr, /not valid JSON/);
    });
  });

  describe('configuration mistakes are usage errors (exit 2) that say where and what to do', () => {
    it('rejects invalid rule options from --rule and from the project config, naming the source and the docs', () => {
      const dir = tempProject({ 'a.ts': LEAKY });
      const flag = run(['--rule', 'require-backoff=["error",{"bogus":1}]', '.'], dir);
      assert.equal(flag.code, 2);
      assert.match(flag.stderr, /the --rule option gives cancel-safe\/require-backoff options it does not accept/);
      assert.match(flag.stderr, /require-backoff\.md/);
      assert.doesNotMatch(flag.stderr, /internal error/);

      const project = tempProject(
        {
          'eslint.config.mjs': `import cs from 'eslint-plugin-cancel-safe';\nexport default [cs.configs.recommended, { rules: { 'cancel-safe/require-backoff': ['error', { bogus: 1 }] } }];\n`,
          'a.js': 'Promise.race([fetch(u), new Promise((r) => setTimeout(r, 10))]);\n',
        },
        ['eslint-plugin-cancel-safe'],
      );
      const config = run(['a.js'], project);
      assert.equal(config.code, 2);
      assert.match(config.stderr, /eslint\.config\.mjs gives cancel-safe\/require-backoff options it does not accept/);
      assert.doesNotMatch(config.stderr, /--rule sets/);
    });

    it('refuses paths outside the working directory instead of silently skipping them', () => {
      const dir = tempProject({ 'a.ts': LEAKY, 'sub/.keep': '' });
      const outside = run(['../a.ts'], path.join(dir, 'sub'));
      assert.equal(outside.code, 2);
      assert.match(outside.stderr, /outside .*sub, so ESLint would skip it/);
    });
  });

  describe('--max-warnings and --quiet', () => {
    it('--max-warnings N exits 1 only when warnings exceed N, and rejects a non-number', () => {
      const dir = tempProject({ 'a.ts': LEAKY });
      assert.equal(run(['--rule', 'no-leaky-timeout=warn', '--max-warnings', '2', '.'], dir).code, 0);
      assert.equal(run(['--rule', 'no-leaky-timeout=warn', '--quiet', '.'], dir).code, 0, '--quiet drops warnings');
      const over = run(['--rule', 'no-leaky-timeout=warn', '--max-warnings', '1', '.'], dir);
      assert.equal(over.code, 1);
      assert.match(over.stderr, /2 warnings exceed --max-warnings 1/);
      assert.equal(run(['--max-warnings', 'lots', '.'], dir).code, 2);
      assert.equal(run(['--max-warnings', '-1', '.'], dir).code, 2);
    });

    it('--quiet reports errors only and does not even run the warning rules', () => {
      const dir = tempProject({ 'a.ts': LEAKY });
      const quiet = run(['--quiet', '--stats', '--rule', 'no-leaky-timeout=warn', '.'], dir);
      assert.equal(quiet.code, 0);
      assert.equal(quiet.stdout, '');
      assert.doesNotMatch(quiet.stderr, /no-leaky-timeout/);
      assert.equal(run(['--quiet', '.'], dir).code, 1);
    });
  });

  describe('--fix and --fix-dry-run', () => {
    const config = `export default [{ files: ['**/*.js'], rules: { 'prefer-const': 'error' } }];\n`;

    it('--fix writes the fixed files and exits 0 when nothing is left', () => {
      const dir = tempProject({ 'eslint.config.mjs': config, 'a.js': 'let x = 1;\nconsole.log(x);\n' });
      const { code, stdout } = run(['--fix', 'a.js'], dir);
      assert.equal(code, 0, stdout);
      assert.equal(fs.readFileSync(path.join(dir, 'a.js'), 'utf8'), 'const x = 1;\nconsole.log(x);\n');
    });

    it('--fix-dry-run reports the fixed output without touching the file', () => {
      const dir = tempProject({ 'eslint.config.mjs': config, 'a.js': 'let x = 1;\nconsole.log(x);\n' });
      const { code, stdout } = run(['--fix-dry-run', '--format', 'json', 'a.js'], dir);
      assert.equal(code, 0);
      assert.equal((JSON.parse(stdout) as JsonResult[])[0]!.output, 'const x = 1;\nconsole.log(x);\n');
      assert.equal(fs.readFileSync(path.join(dir, 'a.js'), 'utf8'), 'let x = 1;\nconsole.log(x);\n');
    });

    it('--fix with --fix-dry-run is a usage error', () => {
      assert.match(run(['--fix', '--fix-dry-run', 'examples']).stderr, /exclude each other/);
    });
  });

  describe('--type-aware', () => {
    it('parses with the project tsconfig through projectService: a file outside it is a parse error', () => {
      const dir = tempProject({
        'tsconfig.json': JSON.stringify({ compilerOptions: { strict: true, target: 'es2022', module: 'nodenext', lib: ['es2022', 'dom'] }, include: ['src'] }),
        'src/a.ts': LEAKY,
        'scripts/outside.ts': 'export const x = 1;\n',
      });
      const typed = run(['--type-aware', '--format', 'json', 'src'], dir);
      assert.equal(typed.code, 1, typed.stderr);
      assert.equal((JSON.parse(typed.stdout) as JsonResult[])[0]!.messages.filter((m) => m.ruleId === 'cancel-safe/no-leaky-timeout').length, 2);

      const outside = run(['--type-aware', '--format', 'json', 'scripts'], dir);
      const [result] = JSON.parse(outside.stdout) as JsonResult[];
      assert.ok(result!.messages[0]?.fatal, 'without types the same file would lint clean');
      assert.match(result!.messages[0]!.message, /project service|tsconfig/i);
      assert.equal(run(['--format', 'json', 'scripts'], dir).code, 0);
    });

    it('exits 2 and says what to do when the folder has no tsconfig.json', () => {
      const dir = tempProject({ 'a.ts': LEAKY });
      const { code, stderr } = run(['--type-aware', '.'], dir);
      assert.equal(code, 2);
      assert.match(stderr, /tsconfig\.json/);
      assert.match(stderr, /drop --type-aware/);
    });
  });

  describe('--concurrency', () => {
    it('accepts auto, off and a thread count with the same results, and rejects anything else', () => {
      const expected = run(['--format', 'json', 'examples']);
      for (const value of ['auto', 'off', '1', '2']) {
        const threaded = run(['--format', 'json', '--concurrency', value, 'examples']);
        assert.equal(threaded.code, 1, threaded.stderr);
        assert.deepEqual(JSON.parse(threaded.stdout), JSON.parse(expected.stdout), `--concurrency ${value}`);
      }
      for (const value of ['0', 'many', '1.5']) {
        const bad = run(['--concurrency', value, 'examples']);
        assert.equal(bad.code, 2, value);
        assert.match(bad.stderr, /--concurrency expects/);
      }
    });
  });

  describe('--cache', () => {
    it('writes the cache where --cache-location says and gives the same report from it', () => {
      const dir = tempProject({ 'a.ts': LEAKY, 'b.ts': 'export const b = 1;\n' });
      const first = run(['--cache', '--cache-location', '.cache/lint', '--format', 'json', '.'], dir);
      assert.equal(first.code, 1);
      const cacheFile = path.join(dir, '.cache', 'lint');
      assert.ok(fs.existsSync(cacheFile));
      assert.match(fs.readFileSync(cacheFile, 'utf8'), /a\.ts/);
      const second = run(['--cache', '--cache-location', '.cache/lint', '--format', 'json', '.'], dir);
      assert.equal(second.code, 1);
      const messages = (stdout: string) => (JSON.parse(stdout) as JsonResult[]).map((r) => [r.filePath, r.messages.map((m) => m.message)]);
      assert.deepEqual(messages(second.stdout), messages(first.stdout));
    });

    it('defaults to node_modules/.cache/cancel-safe when there is a node_modules folder', () => {
      const dir = tempProject({ 'a.ts': 'export const a = 1;\n', 'node_modules/.keep': '' });
      assert.equal(run(['--cache', '.'], dir).code, 0);
      assert.ok(fs.existsSync(path.join(dir, 'node_modules', '.cache', 'cancel-safe', '.eslintcache')));
    });

    it('--cache-location without --cache is a usage error', () => {
      assert.match(run(['--cache-location', 'x', 'examples']).stderr, /add --cache/);
    });
  });

  it('--stats prints a per-rule time table on stderr and leaves stdout machine-readable', () => {
    const { code, stdout, stderr } = run(['--stats', '--format', 'json', 'examples']);
    assert.equal(code, 1);
    assert.doesNotThrow(() => JSON.parse(stdout));
    assert.match(stderr, /^Rule +Time \(ms\) +Share$/m);
    assert.match(stderr, /^cancel-safe\/no-leaky-timeout +\d+\.\d +\d+\.\d%$/m);
    assert.match(stderr, /^\(parsing\) /m);
    assert.doesNotMatch(stderr, /cancel-safe-cli\/progress/, 'the internal progress rule is not a rule of the report');
  });
});
