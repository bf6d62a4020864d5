// The page in a real headless Chromium (Debian's `chromium`, driven by playwright-core): load
// it from a local server, type a policy with a typo, and find elpc's diagnostic on the page.
// Run with `npm test` after `./build.sh`; the screenshot goes to $ELPC_ARTIFACTS (default
// ../target/ci-artifacts).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFile, mkdir } from 'node:fs/promises';
import { extname, join, normalize, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const artifacts = process.env.ELPC_ARTIFACTS || join(root, '..', 'target', 'ci-artifacts');
const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm' };
let server, browser, base;

before(async () => {
  server = createServer(async (req, res) => {
    const path = normalize(new URL(req.url, 'http://x').pathname).replace(/^\/+/, '') || 'index.html';
    try {
      const body = await readFile(join(root, path));
      res.writeHead(200, { 'content-type': types[extname(path)] || 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${server.address().port}/`;
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
  server?.close();
});

test('typing a policy with a typo shows the diagnostic, with the fix', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(base);
  await page.waitForFunction(() => document.body.dataset.checked >= 1);
  // The bundled example compiles: its commands are listed.
  assert.match(await page.textContent('#commands'), /run scheduler 1/);

  // Type, as a person would, a policy whose start date has a typo.
  await page.fill('#policy', '');
  await page.locator('#policy').pressSequentially(
    "{'config': {'port': '!anylog_server_port.int', 'script': ['run scheduler 1', 'set start = !start_data']}}",
    { delay: 2 });
  await page.locator('.env-text').first().pressSequentially('START_DATE=30\n');
  const item = page.locator('#diagnostics li', { hasText: 'start_data' });
  await item.first().waitFor({ timeout: 10_000 });
  const text = await item.first().textContent();
  assert.match(text, /EL\d{3}/);
  assert.match(text, /start_date/, 'the diagnostic suggests the variable the env file sets');
  assert.match(text, /node\.policy:1:\d+/);
  await mkdir(artifacts, { recursive: true });
  await page.screenshot({ path: join(artifacts, 'web-page.png'), fullPage: true });
  assert.deepEqual(errors, []);
});

test('secrets stay hidden unless asked for', async () => {
  const page = await browser.newPage();
  await page.goto(base);
  await page.waitForFunction(() => document.body.dataset.checked >= 1);
  await page.fill('#policy', "{'config': {'port': '!db_passwd', 'script': ['run scheduler 1']}}");
  await page.fill('.env-text', 'NODE_TYPE=operator\nDB_PASSWD=hunter2x\n');
  const port = page.locator('#diagnostics li', { hasText: 'not an integer' });
  await port.first().waitFor();
  assert.match(await port.first().textContent(), /`port` is `\*\*\*`/);
  assert.doesNotMatch(await page.textContent('#diagnostics'), /hunter2x/);
  await page.check('#show-secrets');
  await page.locator('#diagnostics li', { hasText: 'hunter2x' }).first().waitFor();
});
