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

/** A fresh project in the OS temp folder with the given files (paths relative to its root). */
export function tempProject(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cancel-safe-cli-'));
  writeFiles(dir, files);
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
