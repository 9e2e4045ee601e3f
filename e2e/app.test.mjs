// Browser tests: the release build in headless Chromium, real export files dropped in, and what
// a person would see checked. Screenshots land in e2e/artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { start, dropFiles, waitForAnalysis, corpus, fixtures, artifacts } from './lib/harness.mjs';

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

  const rows = page.locator('[data-testid="finding-row"]');
  assert.ok((await rows.count()) > 20, 'many findings on an iam-vulnerable account');
  // The iam-vulnerable privesc users are flagged for privilege escalation.
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
  const all = await rows.count();
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
  assert.match(await page.locator('[data-testid="finding-count"]').textContent(), new RegExp(`${searched}\\D+${all}`));
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
