// In-browser half of `cargo xtask bench`: loads each file into the release build in headless
// Chromium through the file picker, once the page's worker has warmed its engine up
// (crates/web/src/warm_up.rs), waits for the analysis, and prints one JSON line per file with
// the page's own timings (data-* attributes of the summary and of <html>) and the longest
// stretch the main thread was blocked (a 10 ms interval ticking in the page; a gap means a
// frozen tab).
// Usage: node e2e/bench.mjs FILE...
import path from 'node:path';
import { start, waitForAnalysis } from './lib/harness.mjs';

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node e2e/bench.mjs FILE...');
  process.exit(2);
}
const h = await start();
try {
  for (const file of files) {
    const page = await h.newPage();
    await page.goto(h.url + '/');
    await page.locator('[data-testid="file-input"]').waitFor();
    // The worker warms its engine on the demo scenarios first (crates/web/src/warm_up.rs); the
    // file goes in once that is over, as it would for a user who took a second to pick it.
    await page.locator('html[data-engine="warm"]').waitFor({ state: 'attached', timeout: 60_000 });
    const warm = await page.evaluate(() => ({ warm_rounds: Number(document.documentElement.dataset.warmRounds),
                                              warm_ms: Number(document.documentElement.dataset.warmMs) }));
    await page.evaluate(() => {
      window.__gaps = { last: performance.now(), max: 0 };
      window.__tick = setInterval(() => {
        const now = performance.now();
        window.__gaps.max = Math.max(window.__gaps.max, now - window.__gaps.last);
        window.__gaps.last = now;
      }, 10);
    });
    const t0 = Date.now();
    await page.locator('[data-testid="file-input"]').setInputFiles(path.resolve(file));
    await waitForAnalysis(page, 1);
    await page.locator('[data-testid="timing"]').waitFor({ timeout: 600_000 });
    const wall = Date.now() - t0;
    const m = await page.evaluate(() => {
      clearInterval(window.__tick);
      const t = document.querySelector('[data-testid="timing"]').dataset;
      const v = document.querySelector('[data-testid="verdict"]');
      return { normalise_ms: Number(t.normaliseMs), evaluate_ms: Number(t.evaluateMs), memory_bytes: Number(t.memoryBytes),
               read_ms: Number(t.readMs), split_ms: Number(t.splitMs),
               normalised_memory_bytes: Number(t.normalisedMemoryBytes),
               longest_block_ms: window.__gaps.max, status: v?.dataset.status };
    });
    console.log(JSON.stringify({ file, wall_ms: wall, ...m, ...warm, outside_requests: h.outside.length }));
    await page.context().close();
  }
} finally {
  await h.close();
}
