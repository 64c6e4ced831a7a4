import * as path from 'node:path';

const compiled = new Map<string, RegExp>();
const combined = new Map<string, RegExp>();

/**
 * True when `filename` (absolute, or relative to `cwd`) matches one of the glob `patterns`
 * (`**`, `*`, `?`, `{a,b}`; matched against the path relative to `cwd` with `/` separators).
 * A small matcher on purpose: the plugin has no dependency on minimatch, and options only need
 * these forms (`**\/*.test.*`, `**\/__tests__/**`).
 */
export function matchesAnyGlob(filename: string, cwd: string, patterns: readonly string[]): boolean {
  if (patterns.length === 0) return false;
  const relative = path.relative(cwd, path.isAbsolute(filename) ? filename : path.join(cwd, filename)).split(path.sep).join('/');
  // Only the relative path: a checkout under a folder named `test` must not ignore every file.
  const key = patterns.join('\0');
  let regex = combined.get(key);
  if (!regex) {
    regex = new RegExp(patterns.map((pattern) => globToRegExp(pattern).source).join('|'));
    combined.set(key, regex);
  }
  return regex.test(relative);
}

/** Compiles a glob to an anchored regular expression (cached: options are compiled once per process). */
export function globToRegExp(pattern: string): RegExp {
  let regex = compiled.get(pattern);
  if (regex) return regex;
  let source = '';
  let braces = 0;
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern[index]!;
    if (char === '*' && pattern[index + 1] === '*') {
      const slash = pattern[index + 2] === '/';
      source += slash ? '(?:.*/)?' : '.*';
      index += slash ? 2 : 1;
    } else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else if (char === '{') {
      braces++;
      source += '(?:';
    } else if (char === '}' && braces > 0) {
      braces--;
      source += ')';
    } else if (char === ',' && braces > 0) source += '|';
    else source += char.replace(/[.+^$()|[\]\\]/g, '\\$&');
  }
  if (braces > 0) throw new TypeError(`cancel-safe: unbalanced "{" in the glob pattern ${JSON.stringify(pattern)}.`);
  regex = new RegExp(`^(?:.*/)?${source.startsWith('(?:.*/)?') ? source.slice('(?:.*/)?'.length) : source}$`);
  compiled.set(pattern, regex);
  return regex;
}
