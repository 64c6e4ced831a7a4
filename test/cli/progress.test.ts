import * as assert from 'node:assert/strict';
import { BroadcastChannel } from 'node:worker_threads';
import { ESLint } from 'eslint';
import { countLintedFiles, ProgressLine } from '../../rules/src/cli/progress';
import { createZeroConfig } from '../../rules/src/cli/zero-config';
import { tempProject } from './helpers';

const plugin = require('eslint-plugin-cancel-safe') as Parameters<typeof createZeroConfig>[0];

describe('cancel-safe CLI progress line', () => {
  it('ProgressLine draws done/total on a terminal after a second, from ticks on the channel, and erases itself', async function () {
    this.timeout(10_000);
    const written: string[] = [];
    const stream = { isTTY: true, write: (text: string) => written.push(text) } as unknown as NodeJS.WriteStream;
    const name = `progress-test-${process.pid}`;
    const line = new ProgressLine(name, stream);
    line.total = 10;
    const ticker = new BroadcastChannel(name);
    for (let i = 0; i < 3; i++) ticker.postMessage(1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(written.length, 0, 'a short run prints nothing');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    line.stop();
    ticker.close();
    assert.ok(written.includes('\r\u001B[2Kcancel-safe: 3/10 files linted'), JSON.stringify(written));
    assert.equal(written.at(-1), '\r\u001B[2K');
  });

  it('countLintedFiles counts what the zero-config lints, not node_modules, dist or other extensions', async () => {
    const dir = tempProject({
      'src/a.ts': '',
      'src/b.mjs': '',
      'src/deep/c.tsx': '',
      'src/readme.md': '',
      'dist/a.js': '',
      'node_modules/x/index.js': '',
      'public/app.min.js': '',
    });
    const eslint = new ESLint({ cwd: dir, overrideConfigFile: true, overrideConfig: createZeroConfig(plugin) });
    assert.equal(await countLintedFiles(eslint, ['.'], dir), 3);
    assert.equal(await countLintedFiles(eslint, ['src/deep', 'src/a.ts'], dir), 2);
    assert.equal(await countLintedFiles(eslint, ['src/**/*.ts'], dir), undefined, 'a glob leaves the total unknown');
  });
});
