import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.join(__dirname, '..', '..');
const bin = path.join(root, 'node_modules', '.bin', 'cancel-safe');

function run(args: string[], cwd = root) {
  const result = spawnSync(bin, args, { cwd, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function tempProject(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cancel-safe-cli-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

describe('cancel-safe CLI', () => {
  it('`cancel-safe examples` reports hazards as file:line:col with rule ids, docs links, and exits 1', () => {
    const { code, stdout } = run(['examples']);
    assert.equal(code, 1);
    assert.match(stdout, /examples\/leaky-timeout\.ts:\d+:\d+ {2}error {2}.+ {2}cancel-safe\/no-leaky-timeout/);
    assert.match(stdout, /rules\/docs\/rules\/no-leaky-timeout\.md/);
  });

  it('examples/fixed lints clean (exit 0, no output)', () => {
    const { code, stdout } = run(['examples/fixed']);
    assert.equal(code, 0, stdout);
    assert.equal(stdout, '');
  });

  it('lints with zero configuration when the project has no eslint.config.*', () => {
    const dir = tempProject({
      'src/a.mjs': `await Promise.race([fetch(u), new Promise((r) => setTimeout(r, 10))]);\n`,
      'node_modules/dep/index.js': `Promise.race([fetch(u), new Promise((r) => setTimeout(r, 10))]);\n`,
    });
    const { code, stdout } = run(['--format', 'json', '.'], dir);
    assert.equal(code, 1);
    const results = JSON.parse(stdout) as { filePath: string; messages: { ruleId: string }[] }[];
    assert.deepEqual(results.map((r) => path.relative(dir, r.filePath)), [path.join('src', 'a.mjs')]);
    assert.deepEqual(results[0]!.messages.map((m) => m.ruleId), ['cancel-safe/no-leaky-timeout', 'cancel-safe/no-leaky-timeout']);
  });

  it('uses the project eslint.config.* when there is one', () => {
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

    const missing = run(['does-not-exist/']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /does-not-exist/);
  });
});
