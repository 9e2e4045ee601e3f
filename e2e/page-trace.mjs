// The page's part of an analysis, measured in a way load on the machine moves little: a Chromium
// trace of the page's main thread from the worker's `done` message reaching the page to the
// summary's timing being shown (first paint) and the findings filters' options being ready.
// Wall times on a shared 2-core machine move 2x from run to run; the CPU time of the tasks
// (the trace's thread time) moves far less, so builds compare on it.
//
// Usage: node e2e/page-trace.mjs [--dist DIR] [--runs N] [--warm] FILE
//   --dist  the build to serve (default dist/), so two builds can be compared run for run
//   --warm  analyse the built-in demo and clear it first (a page that has shown findings once)
// One JSON line per run: wall and CPU ms from `done` to the first paint and to the options,
// the longest tasks as [start after done, wall, CPU], and the renderer's synchronous font
// look-ups (count, wall, CPU), which stall a fresh page's first paint of the findings.
import { chromium } from 'playwright-core';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { serve } from './serve.mjs';
import { root } from './lib/harness.mjs';

const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  options: { dist: { type: 'string' }, runs: { type: 'string' }, warm: { type: 'boolean' } },
});
if (positionals.length !== 1) {
  console.error('usage: node e2e/page-trace.mjs [--dist DIR] [--runs N] [--warm] FILE');
  process.exit(2);
}
const file = path.resolve(positionals[0]);
const dist = path.resolve(opts.dist ?? path.join(root, 'dist'));
const server = await serve(dist, 0);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  headless: true,
});
const ms = (us) => Math.round(us / 1000);
try {
  for (let run = 0; run < Number(opts.runs ?? 1); run++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    // User-timing marks land in the trace: `done` as the page's handler receives it, then the
    // first paint and the options as the DOM shows them.
    await context.addInitScript(() => {
      window.__marks = {};
      const mark = (n) => {
        if (!window.__marks[n]) {
          window.__marks[n] = true;
          performance.mark(`page-trace-${n}`);
        }
      };
      const onmessage = Object.getOwnPropertyDescriptor(Worker.prototype, 'onmessage');
      Object.defineProperty(Worker.prototype, 'onmessage', {
        set(h) {
          onmessage.set.call(this, h && ((e) => {
            if (e.data && e.data.kind === 'done') mark('done');
            return h.call(this, e);
          }));
        },
        get() { return onmessage.get.call(this); },
      });
      new MutationObserver(() => {
        if (document.querySelector('[data-testid="timing"]')) mark('paint');
        if (window.__marks.paint && document.querySelector('[data-options="ready"]')) mark('options');
      }).observe(document, { subtree: true, childList: true, attributes: true });
    });
    const page = await context.newPage();
    await page.goto(server.url + '/');
    await page.locator('[data-testid="file-input"]').waitFor();
    if (opts.warm) {
      await page.locator('[data-testid="demo-button"]').click();
      await page.waitForFunction(() => document.querySelector('[data-options="ready"]'), null, { timeout: 60_000 });
      await page.locator('[data-testid="clear-button"]').click();
      await page.waitForFunction(() => !document.querySelector('[data-testid="timing"]'));
      await page.evaluate(() => { window.__marks = {}; });
    }
    await browser.startTracing(page, { categories: ['__metadata', 'toplevel', 'blink.user_timing', 'devtools.timeline', 'blink', 'fonts'] });
    await page.locator('[data-testid="file-input"]').setInputFiles(file);
    await page.waitForFunction(() => window.__marks.options, null, { timeout: 600_000, polling: 50 });
    const trace = JSON.parse((await browser.stopTracing()).toString());
    const events = trace.traceEvents ?? trace;
    const marks = {};
    for (const e of events) {
      const name = e.name?.replace(/^page-trace-/, '');
      if (name !== e.name && !marks[name]) marks[name] = e;
    }
    const { done, paint, options } = marks;
    const onMain = (e) => e.pid === done.pid && e.tid === done.tid && e.ph === 'X';
    const tasks = events.filter((e) => onMain(e) && e.name === 'ThreadControllerImpl::RunTask' && e.ts + e.dur >= done.ts && e.ts <= options.ts);
    const cpuUntil = (to) => ms(tasks.filter((e) => e.ts <= to).reduce((sum, e) => sum + (e.tdur ?? 0), 0));
    const fonts = events.filter((e) => onMain(e) && e.name === 'WebSandboxSupportLinux::GetWebFontRenderStyleForStrike' && e.ts >= done.ts && e.ts <= options.ts);
    console.log(JSON.stringify({
      file: path.basename(file), dist: opts.dist ?? 'dist', warm: Boolean(opts.warm),
      paint_wall_ms: ms(paint.ts - done.ts), paint_cpu_ms: cpuUntil(paint.ts),
      options_wall_ms: ms(options.ts - done.ts), options_cpu_ms: cpuUntil(options.ts),
      longest: [...tasks].sort((a, b) => b.dur - a.dur).slice(0, 3).map((e) => [ms(e.ts - done.ts), ms(e.dur), ms(e.tdur ?? 0)]),
      font_lookups: [fonts.length, ms(fonts.reduce((s, e) => s + e.dur, 0)), ms(fonts.reduce((s, e) => s + (e.tdur ?? 0), 0))],
    }));
    await context.close();
  }
} finally {
  await browser.close();
  await server.close();
}
