import * as assert from 'node:assert/strict';
import { readSettings, ProblemLog, type ConfigurationReader } from '../../client/src/settings';
import { DEFAULT_SETTINGS } from '../../server/src/shared/protocol';

/** A `vscode.WorkspaceConfiguration` stand-in: `get('trace.server')` reads nested keys as VS Code does. */
function config(values: Record<string, unknown>): ConfigurationReader {
  return {
    get(key) {
      return key.split('.').reduce<unknown>((value, part) => (value as Record<string, unknown> | undefined)?.[part], values);
    },
  };
}

describe('client settings: readSettings()', () => {
  it('returns the protocol defaults with no problem when nothing is set', () => {
    const { settings, problems } = readSettings(config({}));
    assert.deepEqual(settings, DEFAULT_SETTINGS);
    assert.deepEqual(problems, []);
  });

  it('passes valid values through', () => {
    const { settings, problems } = readSettings(
      config({
        enable: false,
        run: 'onSave',
        rules: { 'no-leaky-timeout': 'warn', 'no-unsafe-race': 'off' },
        typeAware: true,
        raceHelpers: ['raceWithTimeout'],
        runtimeModule: '#lib/cancel',
        trace: { server: 'verbose' },
      }),
    );
    assert.deepEqual(problems, []);
    assert.equal(settings.enable, false);
    assert.equal(settings.run, 'onSave');
    assert.deepEqual(settings.rules, { 'no-leaky-timeout': 'warn', 'no-unsafe-race': 'off' });
    assert.equal(settings.typeAware, true);
    assert.deepEqual(settings.raceHelpers, ['raceWithTimeout']);
    assert.equal(settings.runtimeModule, '#lib/cancel');
    assert.deepEqual(settings.trace, { server: 'verbose' });
  });

  it('replaces an invalid enum value by its default and names the setting, the value and the choices', () => {
    const { settings, problems } = readSettings(config({ run: 'always' }));
    assert.equal(settings.run, 'onType');
    assert.deepEqual(problems, [
      'Setting `cancelSafe.run` must be "onType" or "onSave", got "always"; using "onType" until it is fixed in settings.json.',
    ]);
  });

  it('rejects a string where a boolean belongs (a quoted "false" would otherwise enable linting)', () => {
    const { settings, problems } = readSettings(config({ enable: 'false', typeAware: 1 }));
    assert.equal(settings.enable, true);
    assert.equal(settings.typeAware, false);
    assert.equal(problems.length, 2);
    assert.match(problems[0]!, /`cancelSafe\.enable` must be true or false, got "false"/);
    assert.match(problems[1]!, /`cancelSafe\.typeAware` must be true or false, got number 1/);
  });

  it('cancelSafe.rules - accepts the cancel-safe/ prefix and numeric severities, drops invalid entries', () => {
    const { settings, problems } = readSettings(
      config({ rules: { 'cancel-safe/no-leaky-timeout': 2, 'no-unsafe-race': 0, 'no-unbounded-queue': 'fatal', 'cancel-safe/': 'warn' } }),
    );
    assert.deepEqual(settings.rules, { 'no-leaky-timeout': 'error', 'no-unsafe-race': 'off' });
    assert.equal(problems.length, 2);
    assert.match(problems[0]!, /"no-unbounded-queue": "fatal"; a rule id maps to "off", "warn" or "error"/);
    assert.match(problems[1]!, /"cancel-safe\/": "warn"/);
  });

  it('cancelSafe.rules - an array or a string is ignored with one problem', () => {
    for (const rules of [['no-leaky-timeout'], 'no-leaky-timeout']) {
      const { settings, problems } = readSettings(config({ rules }));
      assert.deepEqual(settings.rules, {});
      assert.equal(problems.length, 1);
      assert.match(problems[0]!, /`cancelSafe\.rules` must be an object/);
    }
  });

  it('cancelSafe.raceHelpers - trims, deduplicates, keeps order and drops non-names', () => {
    const { settings, problems } = readSettings(config({ raceHelpers: ['raceWithTimeout', ' race ', 'raceWithTimeout', '', 3] }));
    assert.deepEqual(settings.raceHelpers, ['raceWithTimeout', 'race']);
    assert.equal(problems.length, 2);
    assert.match(problems[0]!, /contains "", which is not a function name/);
    assert.match(problems[1]!, /contains number 3/);
  });

  it('cancelSafe.raceHelpers - a string instead of an array is ignored with one problem', () => {
    const { settings, problems } = readSettings(config({ raceHelpers: 'raceWithTimeout' }));
    assert.deepEqual(settings.raceHelpers, []);
    assert.match(problems[0]!, /must be an array of function names/);
  });

  it('cancelSafe.runtimeModule - a blank module falls back to cancel-safe', () => {
    const { settings, problems } = readSettings(config({ runtimeModule: '  ' }));
    assert.equal(settings.runtimeModule, 'cancel-safe');
    assert.equal(problems.length, 1);
  });

  it('never returns the default arrays themselves (the server may keep and mutate what it receives)', () => {
    const { settings } = readSettings(config({}));
    assert.notEqual(settings.raceHelpers, DEFAULT_SETTINGS.raceHelpers);
    assert.notEqual(settings.rules, DEFAULT_SETTINGS.rules);
  });
});

describe('client settings: ProblemLog', () => {
  it('.fresh() - reports each problem once until .clear()', () => {
    const log = new ProblemLog();
    assert.deepEqual(log.fresh(['a', 'b']), ['a', 'b']);
    assert.deepEqual(log.fresh(['a', 'b', 'c']), ['c']);
    log.clear();
    assert.deepEqual(log.fresh(['a']), ['a']);
  });
});
