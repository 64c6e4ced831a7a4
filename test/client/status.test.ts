import * as assert from 'node:assert/strict';
import { CrashBudget, statusView, type StatusInput } from '../../client/src/status';
import type { StatusParams } from '../../server/src/shared/protocol';

const time = (date: Date): string => date.toISOString().slice(11, 19);
const ok: StatusParams = {
  state: 'ok',
  uri: 'file:///w/a.ts',
  eslint: { version: '10.15.0', source: 'bundled', path: '/ext/dist/lint-worker.js' },
  config: { kind: 'embedded' },
  lastLint: { at: '2026-01-02T03:04:05.000Z', durationMs: 12.4, version: 3, problems: 2 },
  workerRestarts: 0,
};
const view = (input: Partial<StatusInput>) => statusView({ connection: 'running', trusted: true, ...input }, time);

describe('client status: statusView()', () => {
  it('starting: busy, informational', () => {
    assert.deepEqual(view({ connection: 'starting' }), { text: 'Cancel Safe', detail: 'starting the server', severity: 'information', busy: true });
  });

  it('running without any status notification degrades to "running"', () => {
    assert.deepEqual(view({}), { text: 'Cancel Safe', detail: 'running', severity: 'information', busy: false });
  });

  it('ok: ESLint version and source, config, last lint time, duration and problem count', () => {
    assert.deepEqual(view({ status: ok }), {
      text: 'Cancel Safe',
      detail: 'ESLint 10.15.0 (bundled) · embedded recommended config · last lint 03:04:05 in 12 ms, 2 problems',
      severity: 'information',
      busy: false,
    });
  });

  it("ok with the workspace's config shows the config file's name, not its path", () => {
    const status: StatusParams = { ...ok, eslint: { ...ok.eslint!, source: 'workspace' }, config: { kind: 'workspace', file: '/w/eslint.config.mjs' } };
    assert.match(view({ status }).detail, /^ESLint 10\.15\.0 \(workspace\) · eslint\.config\.mjs · /);
    const windows: StatusParams = { ...ok, config: { kind: 'ignored', file: 'C:\\w\\eslint.config.js' } };
    assert.match(view({ status: windows }).detail, /file ignored by eslint\.config\.js/);
  });

  it('error: error severity, the error first', () => {
    const status: StatusParams = { ...ok, state: 'error', error: "Cannot find package 'eslint-plugin-cancel-safe'" };
    const result = view({ status });
    assert.equal(result.severity, 'error');
    assert.equal(result.text, '$(error) Cancel Safe');
    assert.match(result.detail, /^Cannot find package 'eslint-plugin-cancel-safe' · ESLint 10\.15\.0/);
  });

  it('a replaced lint worker is a warning', () => {
    const result = view({ status: { ...ok, workerRestarts: 1 } });
    assert.equal(result.severity, 'warning');
    assert.match(result.detail, /lint worker restarted 1 time$/);
  });

  it('Restricted Mode is said in every running state', () => {
    assert.match(view({ trusted: false }).detail, /Restricted Mode: bundled ESLint and embedded config/);
    assert.match(view({ trusted: false, status: ok }).detail, /Restricted Mode/);
    assert.match(view({ connection: 'starting', trusted: false }).detail, /Restricted Mode/);
  });

  it('disabled by the setting', () => {
    assert.deepEqual(view({ status: { ...ok, state: 'disabled' } }).detail, 'disabled by the cancelSafe.enable setting');
  });

  it('server starting its first lint is busy', () => {
    assert.equal(view({ status: { state: 'starting', workerRestarts: 0 } }).busy, true);
  });

  it('failed and stopped connections say what to do', () => {
    const failed = view({ connection: 'failed', failure: 'it stopped 5 times in 3 minutes' });
    assert.equal(failed.severity, 'error');
    assert.match(failed.detail, /server failed: it stopped 5 times in 3 minutes · see the output/);
    const stopped = view({ connection: 'stopped' });
    assert.equal(stopped.severity, 'warning');
    assert.match(stopped.detail, /Restart server/);
  });
});

describe('client status: CrashBudget', () => {
  it('.crash() - allows `limit` restarts inside the window, then refuses', () => {
    const budget = new CrashBudget(2, 1000);
    assert.equal(budget.crash(0), true);
    assert.equal(budget.crash(10), true);
    assert.equal(budget.crash(20), false);
    assert.equal(budget.count, 3);
  });

  it('.crash() - crashes older than the window no longer count', () => {
    const budget = new CrashBudget(1, 1000);
    assert.equal(budget.crash(0), true);
    assert.equal(budget.crash(1001), true);
    assert.equal(budget.count, 1);
  });
});
