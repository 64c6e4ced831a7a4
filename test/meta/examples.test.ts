import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { rules } from '../../rules/src/rules';

const root = path.join(__dirname, '..', '..');
const bin = path.join(root, 'node_modules', '.bin', 'cancel-safe');

/** `npx cancel-safe examples` is the product demo: every rule must show up in it. */
describe('examples/ demonstrate every rule', () => {
  const hazards = spawnSync(bin, ['--format', 'json', 'examples'], { cwd: root, encoding: 'utf8' });
  const fixed = spawnSync(bin, ['--format', 'json', 'examples/fixed'], { cwd: root, encoding: 'utf8' });

  for (const id of Object.keys(rules)) {
    it(`examples/ show ${id}`, () => {
      const results = JSON.parse(hazards.stdout) as { filePath: string; messages: { ruleId: string | null }[] }[];
      const found = results.filter((r) => !r.filePath.includes(`${path.sep}fixed${path.sep}`)).flatMap((r) => r.messages.map((m) => m.ruleId));
      assert.ok(found.includes(`cancel-safe/${id}`), `no example reports cancel-safe/${id}`);
    });
  }

  it('examples/fixed lints clean', () => {
    const results = JSON.parse(fixed.stdout) as { filePath: string; messages: { ruleId: string | null; message: string; line: number }[] }[];
    const problems = results.flatMap((r) => r.messages.map((m) => `${path.relative(root, r.filePath)}:${m.line} ${m.ruleId} ${m.message}`));
    assert.deepEqual(problems, []);
  });
});
