// Browser tests of the workspace: overview charts, findings filters / sort / search / grouping,
// the address restoring the view, virtualisation, the finding detail, the resources browser,
// themes, a keyboard-only path and the trainers' scenarios. Each saves a screenshot of its view
// to e2e/artifacts/<view>.png (light, and dark where the theme matters).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { session, waitForAnalysis, filterOptions, artifacts } from './lib/harness.mjs';
import { largeExport } from './lib/large-export.mjs';

const s = session();

const shot = (page, name) => page.screenshot({ path: path.join(artifacts, `${name}.png`) });
const rows = (page) => page.locator('[data-testid="finding-row"]');
const attrs = (page, name) => rows(page).evaluateAll((els, n) => els.map((e) => e.getAttribute(n)), name);
const countText = async (page) => (await page.locator('[data-testid="finding-count"]').textContent()).trim();
const shown = async (page) => Number((await countText(page)).match(/^(\d+) of/)[1]);
const hash = (page) => page.evaluate(() => decodeURIComponent(location.hash));

/** Every row of the (virtualised) findings list in order, scrolling through it: for each, its
 *  test id and the attribute `attr` (a finding's) or `data-group` (a group header's). */
async function everyRow(page, attr) {
  const scroller = page.locator('[data-testid="findings-scroll"]');
  await scroller.evaluate((el) => { el.scrollTop = 0; });
  const frame = () => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  await frame();
  const seen = new Set();
  const out = [];
  for (let step = 0; step < 500; step++) {
    const items = await page.locator('[data-testid="finding-row"], [data-testid="group-row"]').evaluateAll((els, a) => els.map((e) => ({
      key: e.dataset.index ?? `g:${e.dataset.group}`,
      kind: e.dataset.testid,
      value: e.dataset.testid === 'group-row' ? e.dataset.group : e.getAttribute(a),
      count: Number(e.dataset.count ?? 0),
    })), attr);
    for (const item of items) if (!seen.has(item.key)) { seen.add(item.key); out.push(item); }
    const done = await scroller.evaluate((el) => {
      if (el.scrollTop + el.clientHeight >= el.scrollHeight - 1) return true;
      el.scrollTop += Math.max(40, el.clientHeight / 2);
      return false;
    });
    if (done) break;
    await frame();
  }
  return out;
}

/** Opens the page at `#<hashPart>` with a built-in scenario and waits for its findings. */
async function openDemo(page, hashPart = 'demo') {
  await page.goto(`${s.h.url}/#${hashPart}`);
  await waitForAnalysis(page, 1);
  await page.locator('[data-testid="view"]').waitFor();
  await filterOptions(page);
}

/** Opens the page with the large export analysed; resolves to its findings' scrolling box. */
async function openLarge() {
  const page = await s.h.newPage();
  await page.goto(s.h.url + '/');
  await page.locator('[data-testid="file-input"]').setInputFiles(largeExport());
  await waitForAnalysis(page, 1);
  const scroller = page.locator('[data-testid="findings-scroll"]');
  await scroller.waitFor();
  return { page, scroller };
}

/** Waits until the list shows `n` findings. */
const waitShown = (page, n) => page.waitForFunction((want) => {
  const t = document.querySelector('[data-testid="finding-count"]')?.textContent ?? '';
  return t.trim().startsWith(`${want} of`);
}, n);

test('overview: SVG charts with text labels; a bar opens exactly its findings, by click and by Enter', async () => {
  const page = await s.h.newPage();
  await openDemo(page, 'demo&view=overview');
  const overview = page.locator('[data-testid="overview"]');
  await overview.waitFor();
  for (const chart of ['severity', 'service', 'account', 'framework']) {
    assert.equal(await page.locator(`[data-testid="chart"][data-chart="${chart}"]`).count(), 1, chart);
  }
  assert.ok((await page.locator('[data-testid="chart"][data-chart="severity"] svg text').allTextContents()).includes('CRITICAL'), 'severity is written, not only coloured');
  assert.match(await page.locator('[data-testid="framework-scores"]').textContent(), /Score per framework/);
  await shot(page, 'overview');

  const high = page.locator('[data-testid="chart-bar"][data-chart="severity"][data-value="high"]');
  const expected = Number(await high.getAttribute('data-count'));
  assert.ok(expected > 0);
  await high.click();
  await page.locator('[data-testid="view"][data-view="findings"]').waitFor();
  await waitShown(page, expected);
  assert.deepEqual([...new Set(await attrs(page, 'data-severity'))], ['high']);
  assert.deepEqual([...new Set(await attrs(page, 'data-outcome'))], ['fail']);
  assert.match(await hash(page), /sev=high-only/);
  assert.ok((await page.locator('[data-testid="filter-chip"]').count()) >= 2, 'chips show the bar\'s filters');

  // Keyboard: focus an account bar and press Enter.
  await page.locator('[data-testid="nav-overview"]').click();
  const account = page.locator('[data-testid="chart-bar"][data-chart="account"]').first();
  const n = Number(await account.getAttribute('data-count'));
  await account.focus();
  await page.keyboard.press('Enter');
  await page.locator('[data-testid="view"][data-view="findings"]').waitFor();
  await waitShown(page, n);
  assert.match(await hash(page), /acct=123456789012/);

  await page.emulateMedia({ colorScheme: 'dark' });
  await page.locator('[data-testid="nav-overview"]').click();
  await page.locator('[data-testid="theme-toggle"]').waitFor();
  await page.evaluate(() => { localStorage.removeItem('stratoscope.theme'); });
  await page.reload();
  await waitForAnalysis(page, 1);
  await overview.waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark', 'follows prefers-color-scheme');
  await shot(page, 'overview-dark');
});

test('findings: each filter narrows the list, chips name them, clear-all resets', async () => {
  const page = await s.h.newPage();
  await openDemo(page);
  const total = await shown(page);
  assert.ok(total >= 10, `demo findings: ${total}`);
  const filters = ['severity-filter', 'filter-outcome', 'filter-svc', 'filter-acct', 'filter-region', 'filter-rule', 'filter-fw'];
  for (const id of filters) {
    const select = page.locator(`[data-testid="${id}"]`);
    const options = await select.locator('option').evaluateAll((os) => os.map((o) => ({ value: o.value, text: o.textContent })));
    const pick = options.find((o) => o.value && o.value !== 'all' && o.value !== 'info');
    assert.ok(pick, `${id} offers values`);
    await select.selectOption(pick.value);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="filter-chip"]').length === 1);
    const now = await shown(page);
    assert.ok(now >= 1 && now <= total, `${id}=${pick.value}: ${now} of ${total}`);
    const claimed = pick.text.match(/\((\d+)\)$/);
    if (claimed) assert.equal(now, Number(claimed[1]), `${id}: the option's count is what the list shows`);
    if (id === 'severity-filter') assert.ok((await attrs(page, 'data-severity')).every((s) => s === 'critical'));
    if (id === 'filter-rule') assert.ok((await attrs(page, 'data-rule-id')).every((r) => r === pick.value));
    if (id === 'filter-outcome') assert.ok((await attrs(page, 'data-outcome')).every((o) => o === pick.value));
    await page.locator('[data-testid="filter-chip"] button').click();
    await waitShown(page, total);
  }
  // Two at once, then clear all.
  await page.locator('[data-testid="filter-svc"]').selectOption('iam');
  await page.locator('[data-testid="severity-filter"]').selectOption('high');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="filter-chip"]').length === 2);
  assert.ok((await shown(page)) < total);
  await shot(page, 'findings-filters');
  await page.locator('[data-testid="clear-filters"]').click();
  await waitShown(page, total);
  assert.equal(await page.locator('[data-testid="filter-chip"]').count(), 0);
});

test('findings: sorting, full-text search and grouping', async () => {
  const page = await s.h.newPage();
  await openDemo(page);
  const total = await shown(page);
  const sorted = (xs) => [...xs].sort((a, b) => a.localeCompare(b, 'en', { sensitivity: 'base' }));

  const values = async (attr) => (await everyRow(page, attr)).map((r) => r.value);
  await page.locator('[data-testid="sort"]').selectOption('rule');
  await page.waitForFunction(() => location.hash.includes('sort=rule'));
  const ruleIds = await values('data-rule-id');
  assert.equal(ruleIds.length, total, 'scrolling reaches every finding');
  assert.deepEqual(ruleIds, [...ruleIds].sort());
  await page.locator('[data-testid="sort"]').selectOption('resource');
  await page.waitForFunction(() => location.hash.includes('sort=resource'));
  const names = (await values('data-resource-id')).map((id) => id.split('/').pop().toLowerCase());
  assert.deepEqual(names, sorted(names));
  await page.locator('[data-testid="sort"]').selectOption('account');
  await page.waitForFunction(() => location.hash.includes('sort=account'));
  const accounts = (await values('data-resource-id')).map((id) => id.split(':')[4]);
  assert.deepEqual(accounts, [...accounts].sort());
  await page.locator('[data-testid="sort"]').selectOption('severity');
  // The engine's order: failures by severity, then the undecided findings by severity.
  const order = ['critical', 'high', 'medium', 'low', 'info'];
  const outcomes = await values('data-outcome');
  const sevs = (await values('data-severity')).map((sev, i) => (outcomes[i] === 'fail' ? 0 : 10) + order.indexOf(sev));
  assert.deepEqual(sevs, [...sevs].sort((a, b) => a - b));

  // Search: rule id, resource name, message text.
  for (const [q, check] of [
    ['STRAT-AWS-IAM-004', async () => (await attrs(page, 'data-rule-id')).every((r) => r === 'STRAT-AWS-IAM-004')],
    ['ops-everything', async () => (await attrs(page, 'data-resource-id')).includes('arn:aws:iam::123456789012:policy/ops-everything')],
    ['principal in any account', async () => (await attrs(page, 'data-rule-id')).every((r) => r === 'STRAT-AWS-IAM-004')],
  ]) {
    await page.locator('[data-testid="search"]').fill(q);
    await page.waitForFunction((t) => document.querySelector('[data-testid="finding-count"]').textContent.trim().split(' ')[0] !== String(t), total);
    const n = await shown(page);
    assert.ok(n >= 1 && n < total, `search ${q}: ${n}`);
    assert.ok(await check(), `search ${q} matches`);
  }
  await page.locator('[data-testid="search"]').fill('');
  await waitShown(page, total);

  // Grouping by rule: one header per rule, before its findings, counts adding up; a group
  // folds and unfolds.
  const ruleOptions = await page.locator('[data-testid="filter-rule"] option').evaluateAll((os) => os.filter((o) => o.value).map((o) => [o.value, Number(o.textContent.match(/\((\d+)\)$/)[1])]));
  await page.locator('[data-testid="group"]').selectOption('rule');
  await page.locator('[data-testid="group-row"]').first().waitFor();
  const grouped = await everyRow(page, 'data-rule-id');
  const heads = grouped.filter((r) => r.kind === 'group-row');
  assert.deepEqual(heads.map((g) => [g.value, g.count]).sort(), ruleOptions.sort(), 'one header per rule with its count');
  let current = null;
  for (const r of grouped) {
    if (r.kind === 'group-row') current = r.value;
    else assert.equal(r.value, current, 'each finding sits under its rule');
  }
  const scroller = page.locator('[data-testid="findings-scroll"]');
  await scroller.evaluate((el) => { el.scrollTop = 0; });
  // The virtual list re-renders on the scroll event: wait until the rows shown start at the top
  // (the top spacer is empty), or "the first header" could still be one from further down.
  await page.waitForFunction(() => {
    const el = document.querySelector('[data-testid="findings-scroll"]');
    const spacer = el?.querySelector('tr.spacer');
    return el && el.scrollTop === 0 && spacer && spacer.getBoundingClientRect().height < 1;
  });
  const head = page.locator('[data-testid="group-row"]').first();
  const key = await head.getAttribute('data-group');
  const size = Number(await head.getAttribute('data-count'));
  const totalRows = () => scroller.evaluate((el) => Number(el.dataset.totalRows));
  const unfolded = await totalRows();
  assert.equal(unfolded, total + heads.length);
  await head.locator('button').click();
  await page.waitForFunction(([k, n]) => Number(document.querySelector('[data-testid="findings-scroll"]').dataset.totalRows) === n
    && !document.querySelector(`[data-testid="finding-row"][data-rule-id="${k}"]`), [key, unfolded - size]);
  assert.equal(await head.locator('button').getAttribute('aria-expanded'), 'false');
  await shot(page, 'findings-grouped');
  await head.locator('button').press('Enter');
  await page.locator(`[data-testid="finding-row"][data-rule-id="${key}"]`).first().waitFor();
  assert.equal(await totalRows(), unfolded);
  await page.locator('[data-testid="group"]').selectOption('resource');
  await page.waitForFunction(() => location.hash.includes('group=resource'));
  const byResource = await everyRow(page, 'data-resource-id');
  const resources = new Set(byResource.filter((r) => r.kind === 'finding-row').map((r) => r.value));
  assert.deepEqual(byResource.filter((r) => r.kind === 'group-row').map((g) => g.value).sort(), [...resources].sort());
});

test('the address holds the whole view and a reload restores it', async () => {
  const page = await s.h.newPage();
  await openDemo(page, 'demo&view=findings&sev=high');
  assert.equal(await page.locator('[data-testid="severity-filter"]').inputValue(), 'high');
  assert.ok((await attrs(page, 'data-severity')).every((s) => s === 'critical' || s === 'high'));

  await page.locator('[data-testid="filter-svc"]').selectOption('iam');
  await page.locator('[data-testid="search"]').fill('admin');
  await page.locator('[data-testid="sort"]').selectOption('resource');
  await page.locator('[data-testid="group"]').selectOption('rule');
  const row = rows(page).first();
  await row.waitFor();
  const [rule, resource] = [await row.getAttribute('data-rule-id'), await row.getAttribute('data-resource-id')];
  await row.click();
  await page.locator('[data-testid="detail"]').waitFor();
  const before = await hash(page);
  for (const part of ['demo', 'sev=high', 'svc=iam', 'q=admin', 'sort=resource', 'group=rule', `sel=${rule}|${resource}`]) {
    assert.ok(before.includes(part), `${part} in ${before}`);
  }

  await page.reload();
  await waitForAnalysis(page, 1);
  await page.locator('[data-testid="detail"]').waitFor();
  assert.equal(await hash(page), before);
  assert.equal(await page.locator('[data-testid="severity-filter"]').inputValue(), 'high');
  assert.equal(await page.locator('[data-testid="filter-svc"]').inputValue(), 'iam');
  assert.equal(await page.locator('[data-testid="search"]').inputValue(), 'admin');
  assert.equal(await page.locator('[data-testid="sort"]').inputValue(), 'resource');
  assert.equal(await page.locator('[data-testid="group"]').inputValue(), 'rule');
  assert.equal(await page.locator(`[data-testid="finding-row"][aria-current="true"]`).getAttribute('data-resource-id'), resource);
  assert.match(await page.locator('[data-testid="detail"] .detail-rule-id').textContent(), new RegExp(rule));

  // The view and a selected resource come back too.
  await page.locator('[data-testid="nav-resources"]').click();
  await page.locator('[data-testid="resource-row"]').first().click();
  await page.locator('[data-testid="attribute-tree"]').waitFor();
  const id = await page.locator('[data-testid="resource-row"][aria-current="true"]').getAttribute('data-id');
  await page.reload();
  await waitForAnalysis(page, 1);
  await page.locator('[data-testid="attribute-tree"]').waitFor();
  assert.equal(await page.locator('[data-testid="resource-row"][aria-current="true"]').getAttribute('data-id'), id);
});

test('a few thousand findings: only a window of rows is in the page, and scrolling reveals later ones', async () => {
  const { page, scroller } = await openLarge();
  const total = Number((await countText(page)).match(/of (\d+)/)[1]);
  assert.ok(total > 2000, `many findings: ${total}`);
  const first = await attrs(page, 'data-index');
  assert.ok(first.length > 5 && first.length < 100, `${first.length} rows in the DOM for ${total} findings`);
  // Scroll to the end: the last findings appear, the first ones leave, the DOM stays small.
  await scroller.evaluate((el) => { el.scrollTop = el.scrollHeight; });
  await page.waitForFunction((firstIdx) => {
    const idx = [...document.querySelectorAll('[data-testid="finding-row"]')].map((r) => r.dataset.index);
    return idx.length > 0 && !idx.includes(firstIdx);
  }, first[0]);
  const last = await attrs(page, 'data-index');
  assert.ok(last.length < 100, `${last.length} rows after scrolling`);
  assert.ok(!last.some((i) => first.includes(i)), 'entirely different rows at the end');
  // Once the list settles at the end, its last rendered row sits at the bottom of the pane:
  // the spacers account for every row, and nothing is hidden below it. The list may still
  // grow or its pane shrink after the first scroll (rows measured, the toolbar's filters
  // filled in), as a user would see; like the user, the check scrolls to the end again until
  // it stays there.
  await page.waitForFunction(() => {
    const el = document.querySelector('[data-testid="findings-scroll"]');
    if (el.scrollTop + el.clientHeight < el.scrollHeight - 1) {
      el.scrollTop = el.scrollHeight;
      return false;
    }
    const rowsIn = el.querySelectorAll('[data-testid="finding-row"]');
    const gap = el.getBoundingClientRect().bottom - rowsIn[rowsIn.length - 1].getBoundingClientRect().bottom;
    return gap >= -2 && gap < 60;
  });
  await shot(page, 'findings-virtual');
  // Filtering a large list is immediate and goes back to the top.
  await page.locator('[data-testid="search"]').fill('p97');
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="finding-row"]')].every((r) => r.textContent.includes('p97')));
  assert.equal(await scroller.evaluate((el) => el.scrollTop), 0);
});

test('the virtual list follows its own box: grown without a window resize, it still fills it with rows', async () => {
  const { page, scroller } = await openLarge();
  // Whether the rendered rows reach the bottom of the scrolling box (the list is at its top,
  // with thousands of findings below).
  const filled = () => {
    const el = document.querySelector('[data-testid="findings-scroll"]');
    const rowsIn = el.querySelectorAll('[data-testid="finding-row"]');
    return rowsIn.length > 0 && rowsIn[rowsIn.length - 1].getBoundingClientRect().bottom >= el.getBoundingClientRect().bottom - 2;
  };
  await page.waitForFunction(filled);
  const before = (await attrs(page, 'data-index')).length;
  // Three times the window's height: more than the rows measured for the window plus the
  // overscan, so only a remeasure of the box itself fills it. The layout changes, the window
  // does not (as when the toolbar wraps or the filter chips appear).
  await scroller.evaluate((el) => { el.style.height = `${3 * window.innerHeight}px`; });
  await page.waitForFunction(filled);
  const after = (await attrs(page, 'data-index')).length;
  assert.ok(after > before, `${before} rows before the box grew, ${after} after`);
  assert.ok(after < 200, `${after} rows: still a window of the list`);
});

test('finding detail: sections in order, marked evidence, remediation tabs and copy', async () => {
  const page = await s.h.newPage();
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: s.h.url });
  await openDemo(page);
  await page.locator('[data-testid="finding-row"][data-rule-id="STRAT-AWS-IAM-001"]').click();
  const detail = page.locator('[data-testid="detail"]');
  await detail.waitFor();
  const sections = await detail.locator('[data-section]').evaluateAll((els) => els.map((e) => e.dataset.section));
  const explanation = sections.filter((s) => !['evidence', 'frameworks'].includes(s));
  assert.deepEqual(explanation, ['what', 'why', 'shared_responsibility', 'least_privilege', 'fix', 'exceptions', 'references']);
  assert.ok(sections.indexOf('evidence') < sections.indexOf('what'), 'evidence first, then the rule\'s explanation');

  const evidence = detail.locator('[data-testid="evidence"]').first();
  assert.match(await evidence.locator('[data-testid="evidence-file"]').textContent(), /demo-authorization-details\.json/);
  assert.match(await evidence.locator('[data-testid="evidence-pointer"]').textContent(), /^\/Policies\/\d+\/PolicyVersionList\/\d+\/Document\/Statement\/\d+$/);
  const marks = await evidence.locator('[data-testid="evidence-mark"]').allTextContents();
  const lines = await evidence.locator('[data-testid="evidence-json"] .ln').allTextContents();
  assert.ok(marks.some((m) => m.includes('"Action"')), `the tested keys are marked: ${marks}`);
  assert.ok(lines.some((l) => l.includes('"Sid"')), 'untested keys are not');
  await evidence.scrollIntoViewIfNeeded();
  await shot(page, 'detail-evidence');

  // Remediation: Console first; the CLI tab by click, Terraform by arrow key.
  const panel = detail.locator('[data-testid="remedy-panel"]');
  assert.equal(await panel.getAttribute('data-tab'), 'console');
  await detail.locator('[data-testid="remedy-tab"][data-tab="cli"]').click();
  assert.equal(await panel.getAttribute('data-tab'), 'cli');
  const cli = (await panel.locator('pre').textContent()).trim();
  assert.match(cli, /^aws /m);
  await detail.locator('[data-testid="copy-button"]').click();
  await detail.locator('[data-testid="copy-feedback"]', { hasText: 'Copied' }).waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), cli);
  await detail.locator('[data-testid="remedy-tab"][data-tab="cli"]').press('ArrowRight');
  assert.equal(await panel.getAttribute('data-tab'), 'terraform');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.tab), 'terraform');
  assert.match(await panel.textContent(), /resource|data "/);
  await shot(page, 'detail');
  await detail.locator('[data-testid="remedy-tab"][data-tab="console"]').click();
  await page.locator('[data-testid="theme-toggle"]').click();
  await shot(page, 'detail-dark');
});

test('resources: the inventory from the worker, filters, search, attributes and the findings on one', async () => {
  const page = await s.h.newPage();
  await openDemo(page, 'demo&view=resources');
  const list = page.locator('[data-testid="resource-row"]');
  await list.first().waitFor();
  // The list is virtualised: the count says how many there are, the rows are a window of them.
  const count = page.locator('[data-testid="resource-count"]');
  assert.match(await count.textContent(), /^20 of 20 resources/, 'every resource of the demo export');
  assert.ok((await list.count()) >= 10);
  assert.equal(page.workers().length, 1, 'the worker answered (the page holds no inventory)');
  await page.locator('[data-testid="resource-filter-kind"]').selectOption('aws.iam.role');
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="resource-row"]')].every((r) => r.dataset.kind === 'aws.iam.role'));
  const roles = Number((await count.textContent()).match(/^(\d+) of 20/)?.[1]);
  assert.ok(roles > 1 && roles < 20, `roles: ${roles}`);
  await page.locator('[data-testid="resource-search"]').fill('partner');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="resource-row"]').length === 1);
  await list.first().press('Enter');
  const pane = page.locator('[data-testid="resource-detail"]');
  const tree = pane.locator('[data-testid="attribute-tree"]');
  await tree.waitFor();
  assert.match(await tree.textContent(), /trust_statements/);
  assert.match(await pane.textContent(), /arn:aws:iam::123456789012:role\/partner-integration-legacy/);
  const onIt = pane.locator('[data-testid="resource-finding"]');
  assert.ok((await onIt.count()) >= 1);
  await shot(page, 'resources');
  await page.locator('[data-testid="theme-toggle"]').click();
  await shot(page, 'resources-dark');
  await page.locator('[data-testid="theme-toggle"]').click();
  // A finding on the resource opens in the Findings view.
  await onIt.first().click();
  await page.locator('[data-testid="detail"]').waitFor();
  assert.equal(await page.locator('[data-testid="view"]').getAttribute('data-view'), 'findings');
  assert.match(await page.locator('[data-testid="detail"]').textContent(), /partner-integration-legacy/);
});

test('resources without a worker: the page that analysed answers itself', async () => {
  const page = await s.h.newPage();
  await page.addInitScript(() => { delete window.Worker; });
  await openDemo(page, 'demo&view=resources');
  await page.locator('[data-testid="resource-row"]').first().waitFor();
  assert.match(await page.locator('[data-testid="resource-count"]').textContent(), /^20 of 20 resources/);
  assert.equal(page.workers().length, 0);
  await page.locator('[data-testid="resource-row"]').first().click();
  await page.locator('[data-testid="attribute-tree"]').waitFor();
});

test('theme and large text: toggled in the header, remembered across reloads', async () => {
  const page = await s.h.newPage();
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto(s.h.url + '/');
  await page.locator('[data-testid="scenario-picker"]').waitFor();
  const theme = () => page.evaluate(() => document.documentElement.dataset.theme);
  assert.equal(await theme(), 'light');
  await shot(page, 'load');
  const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const light = await bg();
  await page.locator('[data-testid="theme-toggle"]').click();
  assert.equal(await theme(), 'dark');
  assert.notEqual(await bg(), light, 'the colours change');
  await page.locator('[data-testid="text-size"]').click();
  assert.equal(await page.locator('[data-testid="text-size"]').getAttribute('aria-pressed'), 'true');
  const size = () => page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
  const large = await size();
  await page.reload();
  await page.locator('[data-testid="scenario-picker"]').waitFor();
  assert.equal(await theme(), 'dark', 'the theme survives a reload');
  assert.equal(await size(), large, 'and so does large text');
  await shot(page, 'load-dark-large');
  await page.locator('[data-testid="text-size"]').click();
  assert.ok((await size()) < large);
  await page.locator('[data-testid="theme-toggle"]').click();
  assert.equal(await theme(), 'light');
});

test('keyboard only: from the load screen to a finding\'s detail and back', async () => {
  const page = await s.h.newPage();
  await page.goto(s.h.url + '/');
  await page.locator('[data-testid="demo-button"]').waitFor();
  const active = () => page.evaluate(() => document.activeElement?.dataset?.testid ?? document.activeElement?.tagName);
  async function tabTo(testid, limit = 40) {
    for (let i = 0; i < limit; i++) {
      await page.keyboard.press('Tab');
      if ((await active()) === testid) return;
    }
    assert.fail(`Tab never reached ${testid}`);
  }
  await tabTo('demo-button');
  await page.keyboard.press('Enter');
  await waitForAnalysis(page, 1);
  await tabTo('finding-row');
  const first = await page.evaluate(() => document.activeElement.dataset.index);
  assert.equal(await page.evaluate(() => document.querySelectorAll('[data-testid="finding-row"][tabindex="0"]').length), 1, 'one row in the tab order');
  await page.keyboard.press('Enter');
  await page.locator('[data-testid="detail"]').waitFor();
  await page.keyboard.press('ArrowDown');
  await page.waitForFunction((i) => document.activeElement?.dataset?.index !== i && document.activeElement?.dataset?.testid === 'finding-row', first);
  const second = await page.evaluate(() => document.activeElement.dataset.resourceId);
  assert.match(await page.locator('[data-testid="detail"]').textContent(), new RegExp(second.split('/').pop()));
  // The focus outline is visible.
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.notEqual(outline, 'none');
  await shot(page, 'keyboard');
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => !document.querySelector('[data-testid="detail"]'));
  assert.equal(await active(), 'finding-row', 'focus returns to the row');
  // Views are reachable by keyboard too.
  await tabTo('nav-overview', 80).catch(async () => {
    await page.keyboard.down('Shift');
    for (let i = 0; i < 40 && (await active()) !== 'nav-overview'; i++) await page.keyboard.press('Tab');
    await page.keyboard.up('Shift');
  });
  assert.equal(await active(), 'nav-overview');
  await page.keyboard.press('Enter');
  await page.locator('[data-testid="overview"]').waitFor();
});

test('each demo scenario loads with one click and shows its narrative', async () => {
  const page = await s.h.newPage();
  await page.goto(s.h.url + '/');
  await page.locator('[data-testid="scenario"]').first().waitFor();
  const cards = await page.locator('[data-testid="scenario"]').evaluateAll((els) => els.map((e) => ({
    id: e.dataset.scenario,
    narrative: e.querySelector('.scenario-narrative').textContent,
  })));
  assert.ok(cards.length >= 3, `${cards.length} scenarios`);
  for (const { id, narrative } of cards) {
    await page.goto(s.h.url + '/');
    await page.locator(`[data-testid="scenario-load"][data-scenario="${id}"]`).click();
    await waitForAnalysis(page, 1);
    const banner = page.locator('[data-testid="scenario-narrative"]');
    await banner.waitFor();
    assert.equal(await banner.getAttribute('data-scenario'), id);
    assert.ok((await banner.textContent()).includes(narrative), `${id}: the narrative is shown`);
    assert.ok((await rows(page).count()) >= 3, `${id}: findings to discuss`);
    assert.ok((await hash(page)).includes(`demo=${id}`), 'the address names the scenario');
    const v = await page.locator('[data-testid="verdict"]').getAttribute('data-status');
    assert.equal(v, 'recognized');
    await shot(page, `scenario-${id}`);
  }
  // Reloading the address brings the same scenario back.
  await page.reload();
  await waitForAnalysis(page, 1);
  assert.equal(await page.locator('[data-testid="scenario-narrative"]').getAttribute('data-scenario'), cards.at(-1).id);
  // A trainer typing another scenario into the address of the open page switches to it.
  await page.evaluate((id) => { location.hash = `demo=${id}&view=overview`; }, cards[0].id);
  await page.locator(`[data-testid="scenario-narrative"][data-scenario="${cards[0].id}"]`).waitFor();
  await page.locator('[data-testid="overview"]').waitFor();
  assert.equal(await page.locator('[data-testid="verdict"]').count(), 1, 'the scenario replaced the previous one');
});
