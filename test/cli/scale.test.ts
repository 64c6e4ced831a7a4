import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { root, run, tempProject, type JsonResult } from './helpers';

const FILES = 2_000;
const PACKAGES = 20;

/**
 * A monorepo of 2,000 files built from examples/ (which demonstrates every rule, hazardous and
 * fixed), each copy made unique so no two files are the same text. Rules that kept state from one
 * file to the next would report differently when the files are split over two threads in another
 * order than one thread sees them.
 */
function generateWorkspace(): string {
  const sources = [path.join(root, 'examples'), path.join(root, 'examples', 'fixed')].flatMap((dir) =>
    fs
      .readdirSync(dir)
      .filter((name) => /\.[cm]?[jt]sx?$/.test(name))
      .map((name) => fs.readFileSync(path.join(dir, name), 'utf8')),
  );
  const files: Record<string, string> = { 'package.json': '{"private":true,"workspaces":["packages/*"]}\n' };
  for (let i = 0; i < FILES; i++) {
    const pkg = `packages/pkg-${i % PACKAGES}`;
    files[`${pkg}/src/module-${i}.ts`] = `${sources[i % sources.length]}\nexport const moduleId${i} = ${i};\n`;
  }
  return tempProject(files);
}

function normalize(stdout: string, dir: string) {
  return (JSON.parse(stdout) as JsonResult[])
    .map((result) => ({
      file: path.relative(dir, result.filePath),
      messages: result.messages.map(({ ruleId, severity, line, column, message }) => ({ ruleId, severity, line, column, message })),
    }))
    .sort((a, b) => a.file.localeCompare(b.file));
}

describe('cancel-safe CLI at monorepo scale', () => {
  it(`lints a generated ${FILES}-file workspace with --concurrency 2 exactly as single-threaded`, function () {
    this.timeout(180_000);
    const dir = generateWorkspace();
    const single = run(['--format', 'json', '.'], dir);
    const threaded = run(['--format', 'json', '--concurrency', '2', '.'], dir);
    assert.equal(single.code, 1, single.stderr);
    assert.equal(threaded.code, 1, threaded.stderr);
    const expected = normalize(single.stdout, dir);
    assert.equal(expected.length, FILES, 'every generated file was linted');
    const problems = expected.reduce((sum, result) => sum + result.messages.length, 0);
    assert.ok(problems >= FILES / 4, `the hazardous copies are reported (${problems} problems)`);
    assert.ok(!expected.some((result) => result.messages.some((m) => m.ruleId === null)), 'no parse errors');
    assert.deepEqual(normalize(threaded.stdout, dir), expected);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
