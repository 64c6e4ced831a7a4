import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { LintSettings } from '../../server/src/eslint/protocol';
import { REPO } from './lsp-client';

// The built host: it starts `lint-worker.js` from its own directory, which only exists in dist/.
const { WorkerHost, INITIAL_HEAP_MB, TYPE_AWARE_HEAP_MB } = require(path.join(REPO, 'server', 'dist', 'worker-host.js')) as typeof import('../../server/src/worker-host');

const SETTINGS: LintSettings = { typeAware: false, rules: {}, raceHelpers: [], runtimeModule: 'cancel-safe' };
const HAZARD = `await Promise.race([fetch(url), new Promise((_, reject) => setTimeout(() => reject(new Error('t')), 1000))]);\n`;

describe('lint worker host: heap limits', () => {
  it('starts syntactic workers with a small heap (RSS stays flat) and type-aware ones with a large one', () => {
    assert.ok(INITIAL_HEAP_MB < TYPE_AWARE_HEAP_MB);
    assert.equal(new WorkerHost({ log: () => {} }).heapLimitMb, INITIAL_HEAP_MB);
  });

  it('retries a lint that ran out of heap on a worker with four times as much, and says so in the log', async () => {
    const logs: string[] = [];
    // 16 MB cannot even load ESLint and TypeScript: the first worker dies of it.
    const host = new WorkerHost({ log: (level, message) => logs.push(`${level}: ${message}`), initialHeapMb: 16 });
    try {
      const outcome = await host.lint({ filePath: '/virtual/heap/a.ts', root: '/virtual/heap', text: HAZARD, settings: SETTINGS, trusted: true });
      assert.equal(outcome.error, undefined, outcome.error?.message);
      assert.deepEqual(new Set(outcome.messages.map((message) => message.ruleId)), new Set(['cancel-safe/no-leaky-timeout']));
      assert.equal(host.heapLimitMb, 64);
      assert.equal(host.restarts, 1);
      assert.ok(logs.some((line) => /^warn: The lint worker ran out of its 16 MB heap while linting \/virtual\/heap\/a\.ts; retrying on a worker with 64 MB\.$/.test(line)), logs.join('\n'));
    } finally {
      await host.dispose();
    }
  });
});
