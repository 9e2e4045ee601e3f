// Browser tests: the release build in headless Chromium, real export files dropped in, and what
// a person would see checked. Screenshots land in e2e/artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { start, dropFiles, waitForAnalysis, corpus, fixtures, artifacts, root } from './lib/harness.mjs';
import { largeExport } from './lib/large-export.mjs';

let h;
before(async () => { h = await start(); });
after(async () => { await h?.close(); });

const CORPUS_FILE = path.join(corpus, 'aws/iam-authorization-details/cloudsplaining_examples_example.json');
const corpusMissing = !fs.existsSync(CORPUS_FILE) && `corpus absent (${CORPUS_FILE} not found): skipping the real-export drop test`;
const SECTIONS = ['what', 'why', 'shared_responsibility', 'least_privilege', 'fix', 'exceptions'];

async function verdicts(page) {
  return page.locator('[data-testid="verdict"]').evaluateAll((els) => els.map((e) => ({ status: e.dataset.status, text: e.textContent })));
}

test('a real export dropped with our fixture yields explained findings and no outside request', { skip: corpusMissing }, async () => {
  const page = await h.newPage();
  await page.goto(h.url + '/');
  await dropFiles(page, '[data-testid="drop-zone"]', [
    { name: 'cloudsplaining_examples_example.json', path: CORPUS_FILE },
    { name: 'authz-small.json', path: path.join(fixtures, 'aws/authz-small.json') },
  ]);
  await waitForAnalysis(page, 2);
  const v = await verdicts(page);
  assert.equal(v.length, 2);
  assert.deepEqual(v.map((x) => x.status), ['recognized', 'recognized']);
  assert.match(v[0].text, /cloudsplaining_examples_example\.json.*recognised as aws-iam-authorization-details with 175 resources/);
  assert.match(v[1].text, /authz-small\.json.*with 8 resources/);

  const total = Number((await page.locator('[data-testid="finding-count"]').textContent()).match(/of (\d+)/)[1]);
  assert.ok(total > 20, 'many findings on an iam-vulnerable account');
  // The iam-vulnerable privesc users are flagged for privilege escalation. The list is
  // virtualised, so search brings the row into the page.
  await page.locator('[data-testid="search"]').fill('privesc4-CreateAccessKey-user');
  const privesc = page.locator('[data-testid="finding-row"][data-rule-id="STRAT-AWS-IAM-009"][data-resource-id="arn:aws:iam::200611803367:user/privesc4-CreateAccessKey-user"]');
  assert.equal(await privesc.count(), 1);
  await privesc.click();
  const detail = page.locator('[data-testid="detail"]');
  await detail.waitFor();
  const keys = await detail.locator('[data-testid="explanation-section"]').evaluateAll((els) => els.map((e) => e.dataset.key));
  assert.deepEqual(keys, SECTIONS, 'explanation sections in order');
  for (const key of SECTIONS) {
    const text = await detail.locator(`[data-testid="explanation-section"][data-key="${key}"]`).textContent();
    assert.ok(text.trim().length > 60, `section ${key} has text`);
  }
  const evidence = detail.locator('[data-testid="evidence"]');
  assert.ok((await evidence.count()) >= 1);
  const ev = await evidence.first().textContent();
  assert.match(ev, /\/Policies\/\d+\/PolicyVersionList\/\d+\/Document\/Statement/, 'evidence shows the JSON pointer');
  assert.match(ev, /iam:CreateAccessKey/, 'evidence shows the offending fragment');
  await page.screenshot({ path: path.join(artifacts, 'findings-detail.png') });

  assert.deepEqual(h.outside, [], 'no request left the page origin');
});

test('a malformed file beside a good one: a clear error for the bad one, findings for the good one', async () => {
  const page = await h.newPage();
  await page.goto(h.url + '/');
  await page.locator('[data-testid="file-input"]').setInputFiles([
    path.join(fixtures, 'bad/truncated.json'),
    path.join(fixtures, 'aws/authz-small.json'),
    path.join(fixtures, 'bad/not-json.txt'),
    path.join(fixtures, 'bad/unknown-shape.json'),
  ]);
  await waitForAnalysis(page, 4);
  const v = await verdicts(page);
  const find = (name) => v.find((x) => x.text.includes(name));
  assert.equal(find('truncated.json').status, 'error');
  assert.match(find('truncated.json').text, /truncated/);
  assert.match(find('truncated.json').text, /line \d+, column \d+/);
  assert.equal(find('not-json.txt').status, 'error');
  assert.match(find('not-json.txt').text, /not valid JSON at line 1, column 1/);
  assert.equal(find('unknown-shape.json').status, 'ignored');
  assert.match(find('unknown-shape.json').text, /Reservations/);
  assert.equal(find('authz-small.json').status, 'recognized');
  const admin = page.locator('[data-testid="finding-row"][data-resource-id="arn:aws:iam::123456789012:policy/ops-everything"]');
  assert.ok((await admin.count()) >= 1, "the good file's findings remain");
  await page.screenshot({ path: path.join(artifacts, 'bad-input.png') });
  assert.deepEqual(h.outside, []);
});

test('severity filter and search narrow the findings table', async () => {
  const page = await h.newPage();
  await page.goto(h.url + '/');
  await page.locator('[data-testid="file-input"]').setInputFiles([path.join(fixtures, 'aws/authz-small.json')]);
  await waitForAnalysis(page, 1);
  const rows = page.locator('[data-testid="finding-row"]');
  // The table is virtualised: the count line holds the total, the rows are a window of it.
  const all = Number((await page.locator('[data-testid="finding-count"]').textContent()).match(/of (\d+)/)[1]);
  assert.ok(all >= 4, `expected several findings, got ${all}`);
  await page.locator('[data-testid="severity-filter"]').selectOption('critical');
  const sev = await rows.evaluateAll((els) => els.map((e) => e.dataset.severity));
  assert.ok(sev.length >= 1 && sev.length < all);
  assert.ok(sev.every((s) => s === 'critical'), `only critical rows: ${sev}`);
  await page.locator('[data-testid="severity-filter"]').selectOption('all');
  await page.locator('[data-testid="search"]').fill('deploy-bot');
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="finding-row"]')].every((r) => r.textContent.includes('deploy-bot')));
  const searched = await rows.count();
  assert.ok(searched >= 1 && searched < all, `search narrows: ${searched} of ${all}`);
  // The table is virtualised, so the total comes from the count line, not from the DOM rows.
  const countText = await page.locator('[data-testid="finding-count"]').textContent();
  const total = Number(countText.match(/of (\d+)/)?.[1]);
  assert.ok(total >= all, `${countText}`);
  assert.match(countText, new RegExp(`^${searched}\\D+${total}`));
  await page.screenshot({ path: path.join(artifacts, 'findings-filtered.png') });
});

test('hostile names are rendered as text, never as markup', async () => {
  const page = await h.newPage();
  await page.goto(h.url + '/');
  await page.locator('[data-testid="file-input"]').setInputFiles([path.join(fixtures, 'hostile/authz-hostile-names.json')]);
  await waitForAnalysis(page, 1);
  const row = page.locator('[data-testid="finding-row"]').first();
  await row.waitFor();
  assert.equal(await page.locator('img[src="x"]').count(), 0, 'no <img> was injected');
  assert.equal(await page.evaluate(() => window.__pwned === true), false);
  const text = await page.locator('[data-testid="findings-table"]').textContent();
  assert.match(text, /<img src=x onerror=/, 'the name is shown literally');
  await row.click();
  await page.locator('[data-testid="detail"]').waitFor();
  assert.equal(await page.locator('img[src="x"]').count(), 0);
  assert.deepEqual(h.outside, []);
});

test('the demo scenario loads with one click', async () => {
  const page = await h.newPage();
  await page.goto(h.url + '/');
  await page.locator('[data-testid="demo-button"]').click();
  await waitForAnalysis(page, 1);
  assert.ok((await page.locator('[data-testid="finding-row"]').count()) >= 5);
  await page.screenshot({ path: path.join(artifacts, 'demo.png'), fullPage: false });
  assert.deepEqual(h.outside, []);
  assert.deepEqual(h.consoleErrors, [], 'no console errors (CSP violations show up here)');
});

test('opening the page at #demo loads the demo scenario (what scripts/dev.sh points to)', async () => {
  const page = await h.newPage();
  await page.goto(h.url + '/#demo');
  await waitForAnalysis(page, 1);
  const v = await verdicts(page);
  assert.equal(v[0].status, 'recognized');
  assert.match(v[0].text, /demo-authorization-details\.json/);
  assert.ok((await page.locator('[data-testid="finding-row"]').count()) >= 5);
  await page.locator('[data-testid="finding-row"]').first().click();
  await page.locator('[data-testid="detail"]').waitFor();
  await page.screenshot({ path: path.join(artifacts, 'demo-detail.png') });
  assert.deepEqual(h.outside, []);
});

test('left alone, the worker warms its engine on the demo scenarios; a file dropped at once cuts the warm-up short', async () => {
  // Full warm-up: nothing is sent to the worker, so it runs every round (crates/web/src/warm_up.rs).
  const idle = await h.newPage();
  await idle.goto(h.url + '/');
  await idle.locator('html[data-engine="warm"]').waitFor({ state: 'attached', timeout: 60_000 });
  assert.equal(await idle.evaluate(() => document.documentElement.dataset.warmRounds), '100');
  await idle.locator('[data-testid="file-input"]').setInputFiles(path.join(fixtures, 'aws', 'authz-small.json'));
  await waitForAnalysis(idle, 1);
  assert.equal((await verdicts(idle))[0].status, 'recognized');
  // A file chosen as soon as the page is up: the warm-up stops at the next round's boundary.
  const eager = await h.newPage();
  await eager.goto(h.url + '/');
  await eager.locator('[data-testid="file-input"]').setInputFiles(path.join(fixtures, 'aws', 'authz-small.json'));
  await waitForAnalysis(eager, 1);
  await eager.locator('html[data-engine="warm"]').waitFor({ state: 'attached' });
  const rounds = Number(await eager.evaluate(() => document.documentElement.dataset.warmRounds));
  assert.ok(rounds < 100, `the warm-up stopped for the job (${rounds} rounds)`);
  assert.equal((await verdicts(eager))[0].status, 'recognized');
  assert.deepEqual(h.outside, []);
});

test('a large export is analysed off the page thread: the page never freezes, stages and results show', async () => {
  const file = largeExport();
  const size = fs.statSync(file).size;
  assert.ok(size > 9_000_000 && size < 14_000_000, `the generated export is about 10 MB (${size} bytes)`);
  const page = await h.newPage();
  await page.goto(h.url + '/');
  await page.locator('[data-testid="file-input"]').waitFor();
  // A 10 ms interval in the page: a long gap between ticks is a frozen tab. It also records
  // which stages the busy indicator showed, and whether it had a progress bar.
  await page.evaluate(() => {
    const w = window;
    w.__watch = { last: performance.now(), maxGap: 0, maxBusyGap: 0, stages: [], progress: false, busySeen: false };
    w.__tick = setInterval(() => {
      const now = performance.now();
      const gap = now - w.__watch.last;
      w.__watch.last = now;
      w.__watch.maxGap = Math.max(w.__watch.maxGap, gap);
      const busy = document.querySelector('[data-testid="busy"]');
      if (busy || w.__watch.wasBusy) w.__watch.maxBusyGap = Math.max(w.__watch.maxBusyGap, gap);
      w.__watch.wasBusy = !!busy;
      if (busy) {
        w.__watch.busySeen = true;
        const stage = busy.querySelector('[data-testid="busy-stage"]')?.textContent;
        if (stage && w.__watch.stages.at(-1) !== stage) w.__watch.stages.push(stage);
        if (busy.querySelector('progress')) w.__watch.progress = true;
      }
    }, 10);
  });
  await page.locator('[data-testid="file-input"]').setInputFiles(file);
  await waitForAnalysis(page, 1);
  await page.locator('[data-testid="timing"]').waitFor();
  const watch = await page.evaluate(() => { clearInterval(window.__tick); return window.__watch; });

  assert.ok(watch.busySeen && watch.progress, 'a busy indicator with a progress bar was shown');
  assert.ok(watch.stages.includes('Decoding and normalising 1 file…'), `stages from the worker: ${watch.stages}`);
  assert.ok(watch.stages.some((s) => /^Evaluating \d+ rules…$/.test(s)), `stages from the worker: ${watch.stages}`);
  assert.ok(watch.maxBusyGap < 500, `the page stalled ${Math.round(watch.maxBusyGap)} ms while busy`);
  assert.ok(watch.maxGap < 500, `the page stalled ${Math.round(watch.maxGap)} ms from loading to results`);

  const v = await verdicts(page);
  assert.equal(v[0].status, 'recognized');
  assert.match(v[0].text, /with 6000 resources/);
  const timing = await page.locator('[data-testid="timing"]').evaluate((e) => ({ ...e.dataset }));
  assert.ok(Number(timing.normaliseMs) > 0 && Number(timing.evaluateMs) > 0, JSON.stringify(timing));
  assert.ok(Number(timing.memoryBytes) > 16 * 1024 * 1024, `the worker's memory: ${timing.memoryBytes}`);
  // Memory once normalised: some, and never more than at the end (linear memory only grows).
  const normalised = Number(timing.normalisedMemoryBytes);
  assert.ok(normalised > 0 && normalised <= Number(timing.memoryBytes), JSON.stringify(timing));

  // Thousands of findings, and only a screenful of rows in the page (the list is virtualised,
  // see workspace.test.mjs for scrolling through it).
  const rows = page.locator('[data-testid="finding-row"]');
  const total = Number((await page.locator('[data-testid="finding-count"]').textContent()).match(/of (\d+)/)[1]);
  assert.ok(total > 1000, `many findings (${total})`);
  // The worker sends the findings in several messages as it writes them (8 slices of 250 to a
  // message): every one arrives, as many as the CLI finds in the same file.
  const cli = spawnSync('cargo', ['run', '-q', '--bin', 'stratoscope', '--', 'scan', '--format', 'json', file],
                        { cwd: root, maxBuffer: 1 << 30, encoding: 'utf8' });
  assert.ok(cli.status === 0 || cli.status === 1, `the CLI scanned the file: ${cli.stderr}`);
  const expected = JSON.parse(cli.stdout).findings.length;
  assert.ok(expected > 2 * 8 * 250, `more findings (${expected}) than one message carries`);
  assert.equal(total, expected, 'the page shows every finding the CLI finds');
  const rendered = await rows.count();
  assert.ok(rendered > 5 && rendered < 100, `${rendered} rows rendered for ${total} findings`);
  await page.locator('[data-testid="search"]').fill('p97');
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="finding-row"]')].every((r) => r.textContent.includes('p97')));
  assert.deepEqual(h.outside, []);
});

test('Clear during a large analysis stops it; the next load is analysed normally', async () => {
  const page = await h.newPage();
  await page.goto(h.url + '/');
  await page.locator('[data-testid="file-input"]').setInputFiles(largeExport());
  await page.locator('[data-testid="busy"]').waitFor();
  await page.locator('[data-testid="clear-button"]').click();
  await page.waitForFunction(() => !document.querySelector('[data-testid="busy"]'), null, { timeout: 2_000 });
  assert.equal(await page.locator('[data-testid="verdict"]').count(), 0);
  await page.locator('[data-testid="file-input"]').setInputFiles(path.join(fixtures, 'aws/authz-small.json'));
  await waitForAnalysis(page, 1);
  const v = await verdicts(page);
  assert.equal(v.length, 1, 'the cleared export never comes back');
  assert.match(v[0].text, /authz-small\.json/);
  assert.ok((await page.locator('[data-testid="finding-row"]').count()) >= 4);
  assert.deepEqual(h.outside, []);
});

test('without a usable worker the analysis runs in the page instead', async () => {
  // No Worker support at all, then a worker whose wasm cannot be compiled: both fall back.
  const noWorker = await h.newPage();
  await noWorker.addInitScript(() => { delete window.Worker; });
  const brokenWorker = await h.newPage();
  await brokenWorker.route('**/stratoscope-worker_bg.wasm*', (route) => route.fulfill({ status: 200, contentType: 'application/wasm', body: 'not wasm' }));
  for (const page of [noWorker, brokenWorker]) {
    await page.goto(h.url + '/');
    await page.locator('[data-testid="file-input"]').setInputFiles(path.join(fixtures, 'aws/authz-small.json'));
    await waitForAnalysis(page, 1);
    const v = await verdicts(page);
    assert.equal(v[0].status, 'recognized');
    assert.ok((await page.locator('[data-testid="finding-row"]').count()) >= 4);
    await page.locator('[data-testid="timing"]').waitFor();
  }
  assert.equal(noWorker.workers().length, 0);
  assert.deepEqual(h.outside, []);
});

test('the same file chosen twice is analysed once; another file joins it', async () => {
  // The page does not read a file from disk (the worker does), so "the same file" is the same
  // name, size and modification time.
  const page = await h.newPage();
  await page.goto(h.url + '/');
  const input = page.locator('[data-testid="file-input"]');
  await input.setInputFiles(path.join(fixtures, 'aws/authz-small.json'));
  await waitForAnalysis(page, 1);
  await input.setInputFiles(path.join(fixtures, 'aws/authz-small.json'));
  await input.setInputFiles(path.join(fixtures, 'bad/not-json.txt'));
  await waitForAnalysis(page, 2);
  const v = await verdicts(page);
  assert.equal(v.length, 2, JSON.stringify(v));
  assert.equal(v.filter((x) => x.text.includes('authz-small.json')).length, 1);
  assert.equal(v.find((x) => x.text.includes('not-json.txt')).status, 'error');
  assert.deepEqual(h.outside, []);
});

test('a gzip-compressed export is read like the plain one', async () => {
  const page = await h.newPage();
  await page.goto(h.url + '/');
  await page.locator('[data-testid="file-input"]').setInputFiles([path.join(fixtures, 'aws/authz-small.json.gz')]);
  await waitForAnalysis(page, 1);
  const v = await verdicts(page);
  assert.equal(v[0].status, 'recognized');
  assert.match(v[0].text, /authz-small\.json\.gz.*with 8 resources/);
  assert.ok((await page.locator('[data-testid="finding-row"]').count()) >= 4);
  assert.deepEqual(h.outside, []);
});
