/**
 * The one-time explanation shown when a workspace's ESLint config needs packages that are not
 * installed (ESLint itself, or `eslint-plugin-cancel-safe`): what is missing, what Cancel Safe
 * does meanwhile, and the exact install command for the package manager the folder uses.
 * Pure logic, no `vscode` import.
 */

/** The package managers whose lockfile we recognize, in the order they are checked. */
export type PackageManager = 'pnpm' | 'yarn' | 'bun' | 'npm';

const LOCKFILES: readonly (readonly [string, PackageManager])[] = [
  ['pnpm-lock.yaml', 'pnpm'],
  ['yarn.lock', 'yarn'],
  ['bun.lock', 'bun'],
  ['bun.lockb', 'bun'],
  ['package-lock.json', 'npm'],
  ['npm-shrinkwrap.json', 'npm'],
];

/**
 * Guesses the package manager of a folder from the names of the files at its root.
 * @param fileNames names (not paths) of the files in the folder.
 * @returns the package manager whose lockfile is present; `npm` when there is none.
 */
export function detectPackageManager(fileNames: Iterable<string>): PackageManager {
  const names = new Set(fileNames);
  return LOCKFILES.find(([lockfile]) => names.has(lockfile))?.[1] ?? 'npm';
}

/**
 * The command that adds `packages` as development dependencies.
 * @example installCommand('pnpm', ['eslint-plugin-cancel-safe']) // 'pnpm add -D eslint-plugin-cancel-safe'
 */
export function installCommand(manager: PackageManager, packages: readonly string[]): string {
  const list = packages.join(' ');
  switch (manager) {
    case 'pnpm':
      return `pnpm add -D ${list}`;
    case 'yarn':
      return `yarn add --dev ${list}`;
    case 'bun':
      return `bun add --dev ${list}`;
    case 'npm':
      return `npm install --save-dev ${list}`;
  }
}

/**
 * The notification text for missing packages.
 * @param packages the npm names that are missing, e.g. `['eslint-plugin-cancel-safe']`.
 * @param manager the folder's package manager.
 * @param folder the workspace folder's name, so multi-root users know which one.
 */
export function missingPackagesMessage(packages: readonly string[], manager: PackageManager, folder?: string): string {
  const what = packages.length === 1 ? `\`${packages[0]}\` is` : `${packages.map((name) => `\`${name}\``).join(' and ')} are`;
  const where = folder ? ` in ${folder}` : '';
  return `Cancel Safe: ${what} not installed${where}, so the workspace's ESLint config cannot load and its files are not linted. Install with: ${installCommand(manager, packages)}`;
}

/** Answers "first time?" per key, so each distinct problem is explained once per session. */
export class Once {
  readonly #seen = new Set<string>();

  /** True the first time `key` is seen. */
  first(key: string): boolean {
    if (this.#seen.has(key)) return false;
    this.#seen.add(key);
    return true;
  }
}

/**
 * Finds the npm package a config failed to load from Node's resolution error, e.g.
 * `Cannot find package 'eslint-plugin-cancel-safe' imported from /w/eslint.config.mjs` (ESM) or
 * `Cannot find module '@eslint/js'` (CommonJS).
 * @returns the package name (without a subpath), or undefined when the error is not about a
 *   missing package (relative files and `node:` builtins are not installable).
 */
export function missingPackage(error: string): string | undefined {
  const match = /Cannot find (?:package|module) '([^']+)'/.exec(error);
  const specifier = match?.[1];
  if (specifier === undefined || /^(?:\.|\/|[A-Za-z]:[\\/]|node:|file:)/.test(specifier)) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}
