import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SERVER_BIN } from '../server/lsp-client';

const HAZARD = `export async function price(url: string) {
  return Promise.race([
    fetch(url),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), 2_000)),
  ]);
}
`;

interface Outcome {
  diagnostics: { code: string; source: string; message: string; range: { start: { line: number } } }[];
  titles: string[];
  text: string;
  /** Absent (Lua nil) when no re-lint arrived or nothing went wrong. */
  after?: { code: string }[];
  error?: string;
}

describe('end to end: Neovim (headless) as the LSP client', function () {
  this.timeout(90_000);
  const nvim = spawnSync('nvim', ['--version'], { encoding: 'utf8' });

  before(function () {
    if (nvim.error || nvim.status !== 0) {
      console.log('    nvim is not installed: skipping the Neovim end-to-end test (CI installs it; locally `apt-get install -y neovim`).');
      this.skip();
    }
  });

  it('receives cancel-safe diagnostics and applies the timeout() quick fix, after which they are gone', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cancel-safe-nvim-'));
    try {
      const file = path.join(dir, 'price.ts');
      const out = path.join(dir, 'out.json');
      fs.writeFileSync(file, HAZARD);
      const run = spawnSync('nvim', ['--headless', '-u', 'NONE', '-i', 'NONE', '-n', '-c', `luafile ${path.join(__dirname, 'neovim.lua')}`, file], {
        cwd: dir,
        encoding: 'utf8',
        timeout: 80_000,
        env: { ...process.env, CANCEL_SAFE_SERVER: SERVER_BIN, CANCEL_SAFE_OUT: out, XDG_STATE_HOME: dir, XDG_DATA_HOME: dir, XDG_CACHE_HOME: dir },
      });
      assert.ok(fs.existsSync(out), `Neovim wrote no result (status ${run.status}): ${run.stderr}${run.stdout}`);
      const outcome = JSON.parse(fs.readFileSync(out, 'utf8')) as Outcome;
      assert.equal(outcome.error, undefined, `${outcome.error}; titles: ${outcome.titles.join(' | ')}`);
      assert.deepEqual(
        outcome.diagnostics.map((d) => [d.code, d.source, d.range.start.line]),
        [
          ['cancel-safe/no-leaky-timeout', 'cancel-safe', 2],
          ['cancel-safe/no-leaky-timeout', 'cancel-safe', 3],
        ],
      );
      assert.ok(outcome.titles.includes('Disable cancel-safe/no-leaky-timeout for this line'), outcome.titles.join(' | '));
      assert.match(outcome.text, /^import \{ timeout \} from 'cancel-safe';/);
      assert.match(outcome.text, /return timeout\(2_000, \(signal\) => fetch\(url, \{ signal \}\)\);/);
      assert.deepEqual(outcome.after, [], 'the re-lint after the fix publishes no problem');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
