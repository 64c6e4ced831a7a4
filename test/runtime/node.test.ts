import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { onShutdown } from 'cancel-safe/node';

const child = path.join(__dirname, 'children', 'shutdown.mjs');

interface Run {
  lines: string[];
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Starts the scenario, sends `signals` (each after the line that should precede it), collects the rest. */
function run(scenario: string, steps: { after: string; send: NodeJS.Signals }[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const process_ = spawn(process.execPath, [child, scenario], { stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: string[] = [];
    let buffer = '';
    let stderr = '';
    const pending = [...steps];
    const killer = setTimeout(() => process_.kill('SIGKILL'), 30_000);
    process_.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      buffer += chunk;
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        lines.push(line);
        while (pending.length > 0 && lines.some((seen) => seen.startsWith(pending[0]!.after))) {
          process_.kill(pending.shift()!.send);
        }
      }
    });
    process_.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    process_.on('error', reject);
    process_.on('exit', (code, signal) => {
      clearTimeout(killer);
      if (signal === 'SIGKILL') reject(new Error(`scenario ${scenario} hung; output: ${lines.join(' | ')}; stderr: ${stderr}`));
      else resolve({ lines, code, signal });
    });
  });
}

describe('onShutdown() (cancel-safe/node, child processes receiving real signals)', function () {
  this.timeout(60_000);

  it('SIGTERM: cancels the token, closes the tracker, runs the handler, waits for tasks, exit code 0', async () => {
    const { lines, code } = await run('graceful', [{ after: 'ready', send: 'SIGTERM' }]);
    assert.deepEqual(lines, ['ready', 'handler SIGTERM cancelled=true closed=true', 'task finished', 'done exitCode=0']);
    assert.equal(code, 0);
  });

  it('SIGINT twice: the second signal forces exit at once with 130', async () => {
    const { lines, code } = await run('second-signal', [
      { after: 'ready', send: 'SIGINT' },
      { after: 'handler', send: 'SIGINT' },
    ]);
    assert.deepEqual(lines, ['ready', 'handler']);
    assert.equal(code, 130);
  });

  it('timeout + exit: true: exits with code 1 once the deadline passes with tasks still running', async () => {
    const { lines, code } = await run('deadline-exit', [{ after: 'ready', send: 'SIGTERM' }]);
    assert.deepEqual(lines, ['ready', 'handler', 'deadline passed exitCode=1']);
    assert.equal(code, 1);
  });

  it('timeout without exit: sets process.exitCode to 1 and lets the process end by itself', async () => {
    const { lines, code } = await run('deadline', [{ after: 'ready', send: 'SIGTERM' }]);
    assert.deepEqual(lines, ['ready', 'handler', 'deadline passed exitCode=1']);
    assert.equal(code, 1);
  });

  it('a throwing handler: done rejects with its error and exitCode is 1', async () => {
    const { lines, code } = await run('handler-throws', [{ after: 'ready', send: 'SIGTERM' }]);
    assert.deepEqual(lines, ['ready', 'done rejected: flush failed exitCode=1']);
    assert.equal(code, 1);
  });

  it('dispose(): removes the process listeners, so SIGTERM kills as by default', async () => {
    const { lines, signal } = await run('dispose', [{ after: 'ready', send: 'SIGTERM' }]);
    assert.equal(lines[0], 'listeners 0 1 0 0');
    assert.equal(signal, 'SIGTERM');
  });

  it('validates its arguments, naming each one', () => {
    assert.throws(() => onShutdown(null as never), { name: 'TypeError', message: /`handler`/ });
    assert.throws(() => onShutdown(() => {}, { signals: ['SIGNOPE'] }), { name: 'RangeError', message: /`opts.signals`.*"SIGNOPE"/ });
    assert.throws(() => onShutdown(() => {}, { signals: [] }), { name: 'TypeError', message: /`opts.signals`/ });
    assert.throws(() => onShutdown(() => {}, { timeout: -5 }), { name: 'RangeError', message: /`opts.timeout`.*-5/ });
    assert.throws(() => onShutdown(() => {}, { exit: 1 as never }), { name: 'TypeError', message: /`opts.exit`/ });
  });
});
