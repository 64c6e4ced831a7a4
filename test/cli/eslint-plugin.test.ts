import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LEAKY, root, tempProject, type JsonResult } from './helpers';

// The flat config a user writes when cancel-safe is one plugin among others (README "Use it in
// an ESLint config" and docs/ci.md): @eslint/js, typescript-eslint's typed config, and ours.
const CONFIG = `import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import cancelSafe from 'eslint-plugin-cancel-safe';

export default tseslint.config(
  { ignores: ['eslint.config.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  cancelSafe.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
  },
);
`;

const SOURCE = `${LEAKY}
export function unused(a: number) {
  let b = a;
  return b;
}

export async function floating() {
  get('x');
}
`;

// ESLint 9 is installed on demand into .cache/ rather than as an aliased devDependency: an alias
// (`eslint-v9: npm:eslint@9`) also links its `eslint` bin, which then shadows ESLint 10's in
// node_modules/.bin, so `npm run lint` and `npx eslint` silently ran ESLint 9.
const ESLINT_9 = '9.39.5';
const eslint9Prefix = path.join(root, '.cache', `eslint-${ESLINT_9}`);
const eslintBins = {
  'ESLint 10': path.join(root, 'node_modules', 'eslint', 'bin', 'eslint.js'),
  'ESLint 9': path.join(eslint9Prefix, 'node_modules', 'eslint', 'bin', 'eslint.js'),
};

function installEslint9(): void {
  if (fs.existsSync(eslintBins['ESLint 9'])) return;
  fs.mkdirSync(eslint9Prefix, { recursive: true });
  fs.writeFileSync(path.join(eslint9Prefix, 'package.json'), '{ "private": true }\n');
  const npm = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', `eslint@${ESLINT_9}`], {
    cwd: eslint9Prefix,
    encoding: 'utf8',
  });
  assert.equal(npm.status, 0, `installing eslint@${ESLINT_9} from the npm registry failed:\n${npm.stderr}`);
}

describe('eslint-plugin-cancel-safe as a plain ESLint plugin next to @eslint/js and typescript-eslint', () => {
  let dir: string;
  before(function () {
    this.timeout(180_000);
    installEslint9();
    // The project's own dependencies are this repository's installed copies (what CONFIG imports).
    dir = tempProject(
      {
        'eslint.config.mjs': CONFIG,
        'tsconfig.json': JSON.stringify({ compilerOptions: { strict: true, target: 'es2022', module: 'nodenext', lib: ['es2022', 'dom'], noEmit: true }, include: ['src'] }),
        'src/a.ts': SOURCE,
      },
      ['@eslint/js', 'typescript-eslint', 'eslint-plugin-cancel-safe'],
    );
  });

  for (const [name, bin] of Object.entries(eslintBins)) {
    it(`${name}: reports our rule, @eslint/js and typed typescript-eslint rules in one run`, function () {
      this.timeout(60_000);
      const version = spawnSync(process.execPath, [bin, '--version'], { encoding: 'utf8' }).stdout.trim();
      assert.match(version, name === 'ESLint 9' ? /^v9\./ : /^v10\./);
      const { status, stdout, stderr } = spawnSync(process.execPath, [bin, '--format', 'json', 'src'], { cwd: dir, encoding: 'utf8' });
      assert.equal(status, 1, stderr);
      const [result] = JSON.parse(stdout) as JsonResult[];
      const ruleIds = new Set(result!.messages.map((m) => m.ruleId));
      assert.ok(ruleIds.has('cancel-safe/no-leaky-timeout'), `${name}: ${[...ruleIds].join(', ')}`);
      assert.ok(ruleIds.has('prefer-const'), 'the @eslint/js recommended rules ran');
      assert.ok(ruleIds.has('@typescript-eslint/no-floating-promises'), 'the typed typescript-eslint rules ran');
      assert.ok(!result!.messages.some((m) => m.fatal), 'no parse error');
    });
  }

  it('the cancel-safe CLI uses that same config (the project eslint.config.mjs)', () => {
    const cli = path.join(root, 'rules', 'bin', 'cancel-safe.js');
    const { status, stdout } = spawnSync(process.execPath, [cli, '--format', 'json', 'src'], { cwd: dir, encoding: 'utf8' });
    assert.equal(status, 1);
    const ruleIds = new Set((JSON.parse(stdout) as JsonResult[])[0]!.messages.map((m) => m.ruleId));
    assert.ok(ruleIds.has('@typescript-eslint/no-floating-promises'));
    assert.ok(ruleIds.has('cancel-safe/no-leaky-timeout'));
  });
});
