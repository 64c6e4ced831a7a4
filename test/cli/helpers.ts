import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const root = path.join(__dirname, '..', '..');
export const bin = path.join(root, 'node_modules', '.bin', 'cancel-safe');

/** Runs the built `cancel-safe` bin; stderr is a pipe, so no progress line is drawn. */
export function run(args: string[], cwd = root, options: SpawnSyncOptions = {}) {
  const result = spawnSync(bin, args, { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, ...options });
  return { code: result.status, stdout: String(result.stdout), stderr: String(result.stderr) };
}

/**
 * A fresh project in the OS temp folder with the given files (paths relative to its root).
 * `packages` are this repository's installed packages the project resolves, as if installed in
 * it: each is linked into the project's own `node_modules` folder. The folder itself is never a
 * link to the repository's `node_modules`, so whatever a run writes there (the CLI's `--cache`
 * defaults to `node_modules/.cache/cancel-safe`) stays in this project and cannot reach another
 * test, another project or a concurrent test run in the same checkout.
 */
export function tempProject(files: Record<string, string>, packages: readonly string[] = []): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cancel-safe-cli-'));
  writeFiles(dir, files);
  for (const name of packages) {
    const installed = path.join(root, 'node_modules', name);
    if (!fs.existsSync(installed)) {
      throw new Error(`tempProject: ${name} is not installed in ${path.join(root, 'node_modules')}, so the test project cannot resolve it; run \`npm ci\` in the repository first.`);
    }
    const link = path.join(dir, 'node_modules', name);
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.symlinkSync(installed, link, 'dir');
  }
  return dir;
}

export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
}

export interface JsonResult {
  filePath: string;
  errorCount: number;
  warningCount: number;
  output?: string;
  messages: { ruleId: string | null; severity: number; line: number; column: number; message: string; fatal?: boolean }[];
}

/** One hazard per rule family that the recommended config reports. */
export const LEAKY = `export async function get(u: string) {\n  return Promise.race([fetch(u), new Promise((r) => setTimeout(r, 10))]);\n}\n`;
