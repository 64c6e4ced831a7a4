#!/usr/bin/env node
// Renders client/images/icon.svg to client/icon.png (128x128, transparent corners) with Debian's
// Chromium driven by playwright-core: no network, no image library. Run after editing the SVG and
// commit both files: `node client/scripts/icon.mjs [path/to/chromium]`.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const clientDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const executablePath = process.argv[2] ?? '/usr/bin/chromium';
const svg = readFileSync(path.join(clientDir, 'images', 'icon.svg'), 'utf8');
// Chromium writes crash reports and caches under $HOME: point it at a directory removed afterwards.
const home = mkdtempSync(path.join(tmpdir(), 'cancel-safe-icon-'));
let browser;
try {
  browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu'], env: { ...process.env, HOME: home, XDG_CONFIG_HOME: home, XDG_CACHE_HOME: home } });
} catch (error) {
  console.error(`icon.mjs: could not start ${executablePath} (${error.message.split('\n')[0]}); install it with apt-get install chromium.`);
  rmSync(home, { recursive: true, force: true });
  process.exit(2);
}
try {
  const page = await browser.newPage({ viewport: { width: 128, height: 128 } });
  await page.setContent(`<!doctype html><html><body style="margin:0">${svg}</body></html>`);
  await page.locator('svg').screenshot({ path: path.join(clientDir, 'icon.png'), omitBackground: true });
} finally {
  await browser.close();
  rmSync(home, { recursive: true, force: true });
}
