#!/usr/bin/env node
// `npm run package`: type-checks the client, bundles the extension and the language server with
// esbuild (ESLint, the plugin, @typescript-eslint/parser and TypeScript inside, so the .vsix needs
// no node_modules at run time), then runs `vsce package --no-dependencies` in client/.
//
//   node client/scripts/package.mjs            minified bundles + client/cancel-safe-<version>.vsix
//   node client/scripts/package.mjs --bundle   bundles only (client/dist), no .vsix
//   node client/scripts/package.mjs --dev      unminified bundles with inline source maps
//
// Prints the size of each bundle, what dominates it, and the size of the .vsix.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const clientDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const root = path.resolve(clientDir, '..');
const require = createRequire(path.join(root, 'package.json'));
const args = new Set(process.argv.slice(2));
for (const arg of args) {
  if (!['--bundle', '--dev'].includes(arg)) fail(`unknown option ${arg}; use --bundle (no .vsix) or --dev (unminified, source maps)`);
}
const dev = args.has('--dev');
const started = performance.now();

// 1. Type-check: esbuild strips types without checking them.
run(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(clientDir, 'tsconfig.json')], 'type-checking client/');

// 2. Bundle: the extension (vscode external) and the server with its lint worker. The worker is
//    optional (linting moved off the main thread at some point); the server finds it as
//    path.join(__dirname, 'lint-worker.js').
const serverEntries = { server: path.join(root, 'server', 'src', 'server.ts') };
const worker = path.join(root, 'server', 'src', 'lint-worker.ts');
if (existsSync(worker)) serverEntries['lint-worker'] = worker;
const outdir = path.join(clientDir, 'dist');
rmSync(outdir, { recursive: true, force: true });

const common = {
  outdir,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  minify: !dev,
  // ESLint and typescript-eslint report rule and parser problems by function and class names.
  keepNames: true,
  sourcemap: dev ? 'inline' : false,
  // Licences are shipped whole in dist/ThirdPartyNotices.txt (below), not as scattered comments.
  legalComments: dev ? 'inline' : 'none',
  metafile: true,
  logLevel: 'warning',
  logOverride: {
    // TypeScript and ESLint probe optional modules with require() in try/catch; that is expected.
    'require-resolve-not-external': 'silent',
    'unsupported-require-call': 'silent',
    'unsupported-dynamic-import': 'silent',
    'empty-import-meta': 'silent',
  },
};
const builds = [
  {
    ...common,
    entryPoints: { extension: path.join(clientDir, 'src', 'extension.ts') },
    external: ['vscode'],
    // Lets activate() report the whole activation cost, module loading included, not just its own body.
    banner: { js: 'var __cancelSafeLoadStart = performance.now();' },
  },
  {
    ...common,
    entryPoints: serverEntries,
    // jiti is ESLint's optional loader for eslint.config.ts; the bundled ESLint reports it missing if needed.
    external: ['jiti', 'jiti/package.json'],
    plugins: [pluginFromSources()],
  },
];
// esbuild already printed each error with its location; a stack trace of esbuild itself adds only noise.
const results = await Promise.all(builds.map((options) => esbuild.build(options))).catch((error) =>
  fail(`bundling failed with ${error.errors?.length ?? 'an'} error(s); see above.`),
);
const outputs = Object.assign({}, ...results.map((result) => result.metafile.outputs));
writeThirdPartyNotices(Object.values(outputs).flatMap((output) => Object.keys(output.inputs)));

for (const [file, output] of Object.entries(outputs).filter(([file]) => file.endsWith('.js'))) {
  const heaviest = Object.entries(
    Object.entries(output.inputs).reduce((sizes, [input, { bytesInOutput }]) => {
      const key = packageOf(input);
      sizes[key] = (sizes[key] ?? 0) + bytesInOutput;
      return sizes;
    }, {}),
  )
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5)
    .map(([name, bytes]) => `${name} ${kib(bytes)}`)
    .join(', ');
  console.log(`${path.relative(root, file).padEnd(27)} ${kib(output.bytes).padStart(9)}  (${heaviest})`);
}

// The bundled TypeScript looks for its default libraries (lib.es2023.d.ts, lib.dom.d.ts, ...) next
// to the executing file; without them `cancelSafe.typeAware` would see `Promise` as an error type.
const tsLib = path.dirname(require.resolve('typescript/lib/typescript.js'));
const libs = readdirSync(tsLib).filter((file) => /^lib\.(?:.+\.)?d\.ts$/.test(file));
for (const file of libs) copyFileSync(path.join(tsLib, file), path.join(outdir, file));
console.log(`${'client/dist/lib.*.d.ts'.padEnd(27)} ${kib(libs.reduce((total, file) => total + statSync(path.join(tsLib, file)).size, 0)).padStart(9)}  (${libs.length} TypeScript default libraries)`);

if (args.has('--bundle')) {
  console.log(`bundled in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  process.exit(0);
}

// 3. Package. --no-dependencies: everything the extension runs is in dist/, node_modules is not shipped.
const { name, version } = JSON.parse(readFileSync(path.join(clientDir, 'package.json'), 'utf8'));
const vsix = path.join(clientDir, `${name}-${version}.vsix`);
rmSync(vsix, { force: true });
run(
  process.execPath,
  [path.join(path.dirname(require.resolve('@vscode/vsce/package.json')), 'vsce'), 'package', '--no-dependencies', '--allow-missing-repository', '--out', vsix],
  'packaging with vsce',
  { cwd: clientDir },
);
console.log(`${path.relative(root, vsix)}: ${kib(statSync(vsix).size)} (built in ${((performance.now() - started) / 1000).toFixed(1)} s)`);

/**
 * The bundles redistribute ESLint, TypeScript (Apache-2.0) and about thirty MIT/BSD/ISC packages:
 * their licences must travel with them. Writes each bundled package's name, version and licence text.
 */
function writeThirdPartyNotices(inputs) {
  const packages = new Map();
  for (const input of inputs) {
    const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (match) packages.set(match[1], path.join(root, match[1]));
  }
  const sections = [...packages.values()]
    .map((dir) => {
      const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
      const licenceFile = readdirSync(dir).find((file) => /^(licen[cs]e|copying)(\.|$)/i.test(file));
      const text = licenceFile ? readFileSync(path.join(dir, licenceFile), 'utf8').trim() : `License: ${manifest.license ?? 'see the package'}`;
      return { title: `${manifest.name} ${manifest.version}`, text };
    })
    .sort((a, b) => a.title.localeCompare(b.title));
  const header = 'Cancel Safe bundles the following packages. Their licences follow.\n';
  writeFileSync(path.join(outdir, 'ThirdPartyNotices.txt'), [header, ...sections.map(({ title, text }) => `${'='.repeat(78)}\n${title}\n${'='.repeat(78)}\n${text}\n`)].join('\n'));
}

/** Bundles eslint-plugin-cancel-safe from rules/src, so packaging needs no prior `npm run build`. */
function pluginFromSources() {
  const entries = {
    'eslint-plugin-cancel-safe': path.join(root, 'rules', 'src', 'index.ts'),
    'eslint-plugin-cancel-safe/cli': path.join(root, 'rules', 'src', 'cli', 'index.ts'),
  };
  return {
    name: 'cancel-safe-sources',
    setup(build) {
      build.onResolve({ filter: /^eslint-plugin-cancel-safe(\/cli)?$/ }, ({ path: specifier }) => ({ path: entries[specifier] }));
    },
  };
}

function packageOf(input) {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
  if (match) return match[1];
  return input.split('/').slice(0, 2).join('/');
}

function kib(bytes) {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(2)} MB` : `${(bytes / 1024).toFixed(0)} KB`;
}

function run(command, commandArgs, what, options = {}) {
  const child = spawnSync(command, commandArgs, { stdio: 'inherit', cwd: root, ...options });
  if (child.status !== 0) fail(`${what} failed (exit code ${child.status ?? child.signal}); see the output above.`);
}

function fail(message) {
  console.error(`package.mjs: ${message}`);
  process.exit(2);
}
