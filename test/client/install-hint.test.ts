import * as assert from 'node:assert/strict';
import { detectPackageManager, installCommand, missingPackage, missingPackagesMessage, Once } from '../../client/src/install-hint';

describe('client install hint', () => {
  it('detectPackageManager() - from the lockfile, npm without one', () => {
    assert.equal(detectPackageManager(['package.json', 'pnpm-lock.yaml']), 'pnpm');
    assert.equal(detectPackageManager(['yarn.lock']), 'yarn');
    assert.equal(detectPackageManager(['bun.lockb']), 'bun');
    assert.equal(detectPackageManager(['package-lock.json']), 'npm');
    assert.equal(detectPackageManager(['package.json']), 'npm');
  });

  it('installCommand() - a dev dependency in each package manager', () => {
    assert.equal(installCommand('npm', ['eslint', 'eslint-plugin-cancel-safe']), 'npm install --save-dev eslint eslint-plugin-cancel-safe');
    assert.equal(installCommand('pnpm', ['eslint']), 'pnpm add -D eslint');
    assert.equal(installCommand('yarn', ['eslint']), 'yarn add --dev eslint');
    assert.equal(installCommand('bun', ['eslint']), 'bun add --dev eslint');
  });

  it("missingPackage() - reads Node's ESM and CommonJS resolution errors", () => {
    assert.equal(missingPackage("Cannot find package 'eslint-plugin-cancel-safe' imported from /w/eslint.config.mjs"), 'eslint-plugin-cancel-safe');
    assert.equal(missingPackage("Error: Cannot find module '@eslint/js/src/configs'\nRequire stack: ..."), '@eslint/js');
    assert.equal(missingPackage("Cannot find module 'typescript-eslint/parser'"), 'typescript-eslint');
  });

  it('missingPackage() - relative files, absolute paths and builtins are not installable', () => {
    for (const specifier of ['./rules.js', '../shared/eslint.mjs', '/abs/config.js', 'C:\\w\\x.js', 'node:fs', 'file:///w/x.js']) {
      assert.equal(missingPackage(`Cannot find module '${specifier}'`), undefined, specifier);
    }
    assert.equal(missingPackage('Unexpected token }'), undefined);
  });

  it('missingPackagesMessage() - what is missing, what happens meanwhile, and the command', () => {
    assert.equal(
      missingPackagesMessage(['eslint-plugin-cancel-safe'], 'pnpm', 'api'),
      "Cancel Safe: `eslint-plugin-cancel-safe` is not installed in api, so the workspace's ESLint config cannot load and its files " +
        'are not linted. Install with: pnpm add -D eslint-plugin-cancel-safe',
    );
    assert.match(missingPackagesMessage(['eslint', '@eslint/js'], 'npm'), /^Cancel Safe: `eslint` and `@eslint\/js` are not installed, so/);
  });

  it('Once.first() - true once per key', () => {
    const once = new Once();
    assert.equal(once.first('a'), true);
    assert.equal(once.first('a'), false);
    assert.equal(once.first('b'), true);
  });
});
