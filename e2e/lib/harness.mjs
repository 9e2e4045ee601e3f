// Shared set-up for the browser tests: Debian's Chromium driven by playwright-core, the release
// build in dist/ served on 127.0.0.1, and a context-wide guard that records and aborts every
// request leaving the page's own origin (page.on('request') alone misses browser-initiated ones).
import { chromium } from 'playwright-core';
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '../serve.mjs';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const artifacts = path.join(root, 'e2e', 'artifacts');
export const corpus = process.env.STRATOSCOPE_CORPUS ?? path.resolve(root, '..', 'shared', 'corpus');
export const fixtures = path.join(root, 'tests', 'fixtures');

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Starts server + browser. Returns { url, browser, newPage, outside, close }. */
export async function start() {
  const dist = path.join(root, 'dist');
  if (!fs.existsSync(path.join(dist, 'index.html'))) throw new Error('dist/index.html is missing: run `trunk build --release` (scripts/test.sh does)');
  fs.mkdirSync(artifacts, { recursive: true });
  const server = await serve(dist, 0);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
  const outside = [];
  const consoleErrors = [];
  const contexts = [];
  async function newPage(viewport = { width: 1280, height: 800 }) {
    const context = await browser.newContext({ viewport });
    contexts.push(context);
    await context.route('**/*', (route) => {
      const u = route.request().url();
      if (u.startsWith(server.url + '/') || u === server.url || u.startsWith('data:') || u.startsWith('blob:')) return route.continue();
      outside.push(u);
      return route.abort();
    });
    const page = await context.newPage();
    page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
    return page;
  }
  async function close() {
    for (const c of contexts) await c.close().catch(() => {});
    await browser.close();
    await server.close();
  }
  return { url: server.url, browser, newPage, outside, consoleErrors, close };
}

/** Drops files onto an element the way a user's drag and drop does: a `drop` event whose
 *  DataTransfer carries File objects. */
export async function dropFiles(page, selector, files) {
  const payload = files.map((f) => ({ name: f.name, b64: fs.readFileSync(f.path).toString('base64') }));
  await page.locator(selector).evaluate((el, items) => {
    const dt = new DataTransfer();
    for (const { name, b64 } of items) {
      const bin = atob(b64);
      const bytes = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      dt.items.add(new File([bytes], name, { type: 'application/json' }));
    }
    el.dispatchEvent(new DragEvent('dragenter', { bubbles: true, cancelable: true, dataTransfer: dt }));
    el.dispatchEvent(new DragEvent('dragover', { bubbles: true, cancelable: true, dataTransfer: dt }));
    el.dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: dt }));
  }, payload);
}

/** Waits until the app has finished analysing (the busy marker is gone and verdicts exist). */
export async function waitForAnalysis(page, verdicts) {
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="verdict"]').length >= n && !document.querySelector('[data-testid="busy"]'), verdicts, { timeout: 60_000 });
}

/** Waits until the findings toolbar (if shown) has its filter options: they follow the first
 *  paint of the findings by a turn or more. */
export async function filterOptions(page) {
  await page.waitForFunction(() => !document.querySelector('[data-options="pending"]'));
}

/** Starts the harness before a test file's tests and closes it after them, failing the file if
 *  any request left the origin or the console reported an error (CSP violations show up there).
 *  Returns an object whose `h` is the started harness once the tests run. */
export function session() {
  const s = { h: null };
  before(async () => { s.h = await start(); });
  after(async () => {
    assert.deepEqual(s.h?.outside ?? [], [], 'no request left the page origin');
    assert.deepEqual(s.h?.consoleErrors ?? [], [], 'no console errors (CSP violations show up here)');
    await s.h?.close();
  });
  return s;
}
