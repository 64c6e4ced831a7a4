import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

// The leak suite needs `--expose-gc` to measure the heap after collection, which the mocha process
// does not have (and .mocharc.cjs is shared): it runs in a child Node process.
const child = path.join(__dirname, 'children', 'leak.mjs');

describe('leaks: 1e5 operations on one long-lived signal (child process with --expose-gc)', function () {
  this.timeout(180_000);
  let report: { operations: number; left: Record<string, number>; warnings: string[]; heapGrowthMB: number };

  before(() => {
    const result = spawnSync(process.execPath, ['--expose-gc', child, '100000'], { encoding: 'utf8', timeout: 170_000 });
    assert.equal(result.status, 0, `leak child failed: ${result.stderr}`);
    report = JSON.parse(result.stdout.trim().split('\n').at(-1)!);
  });

  it('leaves the signal with the listener count it started with, for every primitive', () => {
    assert.ok(Object.keys(report.left).length >= 14);
    for (const [kind, left] of Object.entries(report.left)) assert.equal(left, 0, `${kind} left ${left} listener(s)`);
  });

  it('never warns MaxListenersExceeded (or anything else)', () => {
    assert.deepEqual(report.warnings, []);
  });

  it('keeps the heap bounded', () => {
    assert.ok(report.heapGrowthMB < 8, `heap grew ${report.heapGrowthMB.toFixed(1)} MB over ${report.operations} operations per kind`);
  });
});
