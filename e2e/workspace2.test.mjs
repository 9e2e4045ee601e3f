// Browser tests of the second workspace round: compliance, exports, accepted risks, drift,
// access review, settings, the bundle scenarios and coverage hints. Each saves screenshots of
// its view to e2e/artifacts/ in the light and the dark theme (1280×800).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { session, waitForAnalysis, artifacts, fixtures, root } from './lib/harness.mjs';

const s = session();

const hash = (page) => page.evaluate(() => decodeURIComponent(location.hash));
const countText = async (page) => (await page.locator('[data-testid="finding-count"]').textContent()).trim();
const shown = async (page) => Number((await countText(page)).match(/^(\d+) of/)[1]);
const attrs = (page, name) => page.locator('[data-testid="finding-row"]').evaluateAll((els, n) => els.map((e) => e.getAttribute(n)), name);

/** A screenshot in the light theme, then the same view in the dark one (back to light after). */
async function shots(page, name) {
  const theme = () => page.evaluate(() => document.documentElement.dataset.theme);
  if ((await theme()) !== 'light') await page.locator('[data-testid="theme-toggle"]').click();
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(artifacts, `${name}.png`) });
  await page.locator('[data-testid="theme-toggle"]').click();
  await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark');
  await page.screenshot({ path: path.join(artifacts, `${name}-dark.png`) });
  await page.locator('[data-testid="theme-toggle"]').click();
  await page.waitForFunction(() => document.documentElement.dataset.theme === 'light');
}

async function openDemo(page, hashPart = 'demo') {
  await page.goto(`${s.h.url}/#${hashPart}`);
  await waitForAnalysis(page, 1);
  await page.locator('[data-testid="view"]').waitFor();
}

/** Clicks `button` and returns the download it starts: its file name and its text. */
async function download(page, button) {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.locator(button).click()]);
  const file = await dl.path();
  return { name: dl.suggestedFilename(), text: fs.readFileSync(file, 'utf8'), url: dl.url() };
}

test('compliance: scores per framework, controls by status, a control opens its findings', async () => {
  const page = await s.h.newPage();
  await openDemo(page, 'demo&view=overview');
  const cards = page.locator('[data-testid="framework-card"]');
  assert.equal(await cards.count(), 2, 'CIS and FSBP');
  const fsbpScore = await page.locator('[data-testid="framework-card"][data-framework="fsbp"]').getAttribute('data-score');
  assert.match(fsbpScore, /^(0|1|0\.\d+)$/);
  await shots(page, 'overview-scores');
  await page.locator('[data-testid="framework-card"][data-framework="fsbp"]').click();
  await page.locator('[data-testid="compliance"]').waitFor();
  assert.match(await hash(page), /view=compliance&.*cfw=fsbp/);
  assert.equal(await page.locator('[data-testid="framework-score"]').getAttribute('data-score'), fsbpScore);

  await page.locator('[data-testid="framework-tab"][data-framework="cis-aws-5.0"]').click();
  await page.waitForFunction(() => location.hash.includes('cfw=cis-aws-5.0'));
  const all = await page.locator('[data-testid="control-row"]').count();
  assert.ok(all > 40, `CIS controls: ${all}`);
  const statuses = await page.locator('[data-testid="control-row"]').evaluateAll((rs) => rs.map((r) => r.dataset.status));
  for (const s of ['fail', 'manual']) assert.ok(statuses.includes(s), `CIS has ${s} controls`);
  // Status is written, not only coloured.
  assert.ok((await page.locator('[data-testid="control-row"][data-status="manual"] .cstatus').first().textContent()).includes('Manual'));
  await shots(page, 'compliance');

  await page.locator('[data-testid="control-status"]').selectOption('fail');
  await page.waitForFunction(() => location.hash.includes('cst=fail'));
  const failing = page.locator('[data-testid="control-row"]');
  assert.ok((await failing.count()) >= 1);
  assert.deepEqual([...new Set(await failing.evaluateAll((rs) => rs.map((r) => r.dataset.status)))], ['fail']);
  const control = await failing.first().getAttribute('data-control');
  await failing.first().locator('[data-testid="control-link"]').click();
  await page.locator('[data-testid="view"][data-view="findings"]').waitFor();
  assert.match(await hash(page), new RegExp(`ctl=cis-aws-5.0:${control.replace('.', '\\.')}`));
  assert.ok((await shown(page)) >= 1);
  const chip = await page.locator('[data-testid="filter-chip"][data-dim="ctl"]').textContent();
  assert.match(chip, new RegExp(`Control: cis-aws-5.0 ${control.replace('.', '\\.')}`));
  await page.reload();
  await waitForAnalysis(page, 1);
  await page.locator('[data-testid="filter-chip"][data-dim="ctl"]').waitFor();
});

test('exports: JSON, CSV of the current view, SARIF, OCSF and a printable report, all as downloads', async () => {
  const page = await s.h.newPage();
  await openDemo(page, 'demo&sev=critical');
  const critical = await shown(page);
  assert.ok(critical >= 1);
  await page.locator('[data-testid="nav-export"]').click();
  await page.locator('[data-testid="exports"]').waitFor();
  assert.match(await page.locator('[data-testid="csv-scope"]').textContent(), new RegExp(`^${critical} of \\d+ findings · Severity: Critical only`));
  await shots(page, 'export');
  const date = /^stratoscope-\d{4}-\d{2}-\d{2}/;

  const json = await download(page, '[data-testid="export-json"]');
  assert.match(json.name, new RegExp(date.source + '\\.json$'));
  assert.match(json.url, /^blob:/, 'made in the page, not fetched');
  const report = JSON.parse(json.text);
  assert.ok(report.findings.length > critical && report.summary && report.compliance.length === 2, 'the CLI schema, whole');

  const csv = await download(page, '[data-testid="export-csv"]');
  assert.match(csv.name, new RegExp(date.source + '\\.csv$'));
  const lines = csv.text.trim().split(/\r?\n/);
  assert.equal(lines[0].split(',')[0], 'rule_id');
  assert.equal(lines.length - 1, critical, 'only the findings the view shows');
  assert.ok(lines.slice(1).every((l) => l.split(',')[2] === 'critical'));

  const sarif = await download(page, '[data-testid="export-sarif"]');
  assert.match(sarif.name, new RegExp(date.source + '\\.sarif\\.json$'));
  const log = JSON.parse(sarif.text);
  assert.equal(log.version, '2.1.0');
  assert.ok(log.runs[0].results.length >= report.findings.filter((f) => f.outcome === 'fail').length);

  const ocsf = await download(page, '[data-testid="export-ocsf"]');
  assert.match(ocsf.name, new RegExp(date.source + '\\.ocsf\\.json$'));
  const events = JSON.parse(ocsf.text);
  assert.equal(events.length, report.findings.length);
  assert.equal(events[0].class_uid, 2004, 'Detection Finding');

  const html = await download(page, '[data-testid="export-html"]');
  assert.match(html.name, new RegExp(date.source + '\\.html$'));
  assert.ok(!/<script/i.test(html.text), 'the printable report runs nothing');
  // Opened on its own and printed: it loads nothing (the harness would record any request),
  // and the print layout renders.
  const printed = await s.h.newPage();
  await printed.setContent(html.text);
  await printed.emulateMedia({ media: 'print' });
  await printed.screenshot({ path: path.join(artifacts, 'printable-report.png') });
  const pdf = await printed.pdf({ format: 'A4' });
  assert.ok(pdf.length > 10_000, 'prints to a PDF');
});

test('coverage: the engine\'s hints name the collector and the exports to add; the rule list folds away', async () => {
  const page = await s.h.newPage();
  await openDemo(page);
  const hints = await page.locator('[data-testid="coverage-hint"]').allTextContents();
  assert.ok(hints.length >= 1, 'at least one hint');
  assert.match(hints[0], /rules? not evaluable: run collectors\/aws\.sh, or add the output of aws /);
  assert.ok(await page.locator('[data-testid="coverage-hint"] code').count() >= 1, 'exports are code spans');
  assert.equal(await page.locator('[data-testid="coverage"] details').getAttribute('open'), null, 'the per-rule list is folded');
  await shots(page, 'coverage');
});
