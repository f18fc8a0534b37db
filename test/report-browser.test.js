'use strict';
// The HTML report in headless Chromium: it opens offline, selections draw
// their own flame graph, search highlights, the table sorts.
/* global document -- the functions given to page.waitForFunction run in the page */
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { writeReport } = require('../dist/internal');
const { removeDir, serviceScenario, writeProfileDir } = require('./support/profile-fixtures');
const { launchBrowser, openReport, frameNames, waitForRoot, outputPath } = require('./support/browser');

const HOT = { 'GET /checkout': 'computeCartTotals', 'GET /search': 'rankResults', 'POST /login': 'hashPassword' };
const HIGHLIGHT = '#E600E6';

let browser;
let scenario;
let dir;
let report;

test.before(async () => {
  scenario = serviceScenario();
  dir = writeProfileDir(scenario, { wall: true });
  report = writeReport(dir);
  browser = await launchBrowser();
});

test.after(async () => {
  await browser?.close();
  if (dir) removeDir(dir);
});

function assertClean(seen) {
  assert.deepEqual(seen.consoleErrors, [], 'no console errors or warnings');
  assert.deepEqual(seen.pageErrors, [], 'no uncaught exceptions');
  assert.deepEqual(seen.requests, [], 'no network requests');
  assert.deepEqual(seen.dialogs, [], 'no dialogs');
}

async function groupNames(page) {
  return page.$$eval('#spans-body tr.group button.pick', (bs) => bs.map((b) => b.textContent));
}

test('the report opens from disk with no console error and no request', async (t) => {
  const { page, context, seen } = await openReport(browser, report.file);
  t.after(() => context.close());

  assert.equal(await page.textContent('#selection-title'), 'Whole service');
  assert.match(await page.textContent('#summary'), /174 samples · 7 spans under 3 span names · 3 CPU profiles · 1 wall profile not shown/);
  assert.deepEqual((await groupNames(page)).sort(), Object.keys(HOT).sort());
  const names = await frameNames(page);
  for (const hot of Object.values(HOT)) assert.ok(names.includes(hot), `${hot} in the whole-service graph`);
  assert.ok(names.includes('flushMetrics'), 'code outside spans is part of the service');
  // Frame labels are drawn as text once the library's transition ends.
  await page.locator('.d3-flame-graph-label', { hasText: 'computeCartTotals' }).waitFor({ state: 'visible' });
  assertClean(seen);
});

test('selecting a span name, then a span id, draws only that selection', async (t) => {
  const { page, context, seen } = await openReport(browser, report.file);
  t.after(() => context.close());

  await page.getByRole('button', { name: 'GET /search', exact: true }).click();
  await waitForRoot(page, 'GET /search');
  assert.equal(await page.textContent('#selection-title'), 'GET /search');
  let names = await frameNames(page);
  assert.ok(names.includes('rankResults'));
  assert.ok(!names.includes('computeCartTotals') && !names.includes('hashPassword'), names.join());
  assert.ok(!names.includes('flushMetrics'));

  // Open POST /login's span ids and pick its hottest span.
  const login = scenario.spans.filter((s) => s.spanName === 'POST /login').sort((a, b) => b.cpuNs - a.cpuNs)[0];
  await page.getByRole('button', { name: 'Show span ids of POST /login' }).click();
  await page.getByRole('button', { name: login.spanId, exact: true }).click();
  await waitForRoot(page, login.spanId);
  assert.equal(await page.textContent('#selection-title'), `Span ${login.spanId}`);
  assert.match(await page.textContent('#selection-detail'), new RegExp(`POST /login · .* in ${login.samples} samples · trace ${login.traceId}`));
  names = await frameNames(page);
  assert.ok(names.includes('hashPassword'));
  assert.ok(!names.includes('computeCartTotals') && !names.includes('rankResults'), names.join());
  await page.locator('.d3-flame-graph-label', { hasText: 'hashPassword' }).waitFor({ state: 'visible' });
  assert.equal(await page.getAttribute(`#spans-body tr.selected button.pick`, 'aria-pressed'), 'true');

  const shot = outputPath('report-span.png');
  await page.screenshot({ path: shot, fullPage: true });
  const png = fs.readFileSync(shot);
  assert.equal(png.subarray(1, 4).toString(), 'PNG');

  await page.getByRole('button', { name: 'Whole service' }).click();
  await waitForRoot(page, 'all');
  names = await frameNames(page);
  for (const hot of Object.values(HOT)) assert.ok(names.includes(hot));
  assertClean(seen);
});

test('search highlights matching frames, without regard to case, and clears', async (t) => {
  const { page, context, seen } = await openReport(browser, report.file);
  t.after(() => context.close());
  const fill = (name) =>
    page.$eval('#flame svg', (svg, n) => {
      const g = [...svg.querySelectorAll('g.frame')].find((x) => x.getAttribute('name') === n);
      return g.querySelector('rect').getAttribute('fill');
    }, name);

  await page.fill('#search', 'RANKres');
  await page.locator('#search-status', { hasText: '1 matching frame' }).waitFor();
  assert.equal(await fill('rankResults'), HIGHLIGHT);
  assert.notEqual(await fill('computeCartTotals'), HIGHLIGHT);
  assert.match(await page.textContent('#search-status'), /1 matching frame · .* CPU, \d+\.\d%/);

  // Files match too: every frame of the express router.
  await page.fill('#search', 'express/lib/router');
  await page.locator('#search-status', { hasText: '2 matching frames' }).waitFor();
  assert.equal(await fill('handle'), HIGHLIGHT);
  assert.equal(await fill('next'), HIGHLIGHT);

  // A search survives a change of selection.
  await page.getByRole('button', { name: 'POST /login', exact: true }).click();
  await waitForRoot(page, 'POST /login');
  assert.equal(await fill('handle'), HIGHLIGHT);

  // Text that is not a valid regular expression is just text.
  await page.fill('#search', '(((');
  await page.locator('#search-status', { hasText: 'no matching frames' }).waitFor();

  await page.fill('#search', 'hash');
  await page.locator('#search-status', { hasText: '1 matching frame' }).waitFor();
  await page.press('#search', 'Escape');
  await page.waitForFunction(() => document.getElementById('search-status').textContent === '');
  assert.equal(await page.inputValue('#search'), '');
  assert.notEqual(await fill('hashPassword'), HIGHLIGHT);
  assertClean(seen);
});

test('clicking a frame zooms into it; reset zoom brings the rest back', async (t) => {
  const { page, context, seen } = await openReport(browser, report.file);
  t.after(() => context.close());
  const frame = (name) => page.locator('#flame g.frame', { has: page.locator('.d3-flame-graph-label', { hasText: name }) });
  await frame('checkoutHandler').waitFor({ state: 'visible' });
  await frame('checkoutHandler').click();
  // Siblings of the zoomed frame shrink to nothing and are no longer drawn.
  await page.waitForFunction(() => ![...document.querySelectorAll('#flame g.frame')].some((g) => g.getAttribute('name') === 'rankResults'));
  assert.ok((await frameNames(page)).includes('computeCartTotals'));
  await page.click('#reset-zoom');
  await page.waitForFunction(() => [...document.querySelectorAll('#flame g.frame')].some((g) => g.getAttribute('name') === 'rankResults'));
  assertClean(seen);
});

test('span names sort by CPU, both ways, and by name', async (t) => {
  const { page, context, seen } = await openReport(browser, report.file);
  t.after(() => context.close());
  const byCpu = Object.keys(HOT).sort((a, b) => {
    const cpu = (n) => scenario.spans.filter((s) => s.spanName === n).reduce((x, s) => x + s.cpuNs, 0);
    return cpu(b) - cpu(a);
  });
  assert.deepEqual(await groupNames(page), byCpu);
  assert.equal(await page.getAttribute('#sort-cpu', 'aria-sort'), 'descending');

  await page.click('#sort-cpu-button');
  assert.deepEqual(await groupNames(page), byCpu.slice().reverse());
  assert.equal(await page.getAttribute('#sort-cpu', 'aria-sort'), 'ascending');

  await page.click('#sort-name-button');
  assert.deepEqual(await groupNames(page), Object.keys(HOT).sort());

  // Span ids under a name are listed by CPU.
  await page.getByRole('button', { name: 'Show span ids of GET /checkout' }).click();
  const ids = await page.$$eval('#spans-body tr.span button.pick', (bs) => bs.map((b) => b.textContent));
  const expected = scenario.spans.filter((s) => s.spanName === 'GET /checkout').sort((a, b) => b.cpuNs - a.cpuNs).map((s) => s.spanId);
  assert.deepEqual(ids, expected);
  assertClean(seen);
});

test('a span name with many spans lists their ids a page at a time', async (t) => {
  const many = serviceScenario({
    windows: 1,
    extraSpans: Array.from({ length: 120 }, (_, i) => ({
      spanName: 'GET /health',
      spanId: (0x1000000000000000n + BigInt(i)).toString(16),
      stacks: [{ stack: [{ name: 'healthCheck', file: '/srv/shop/src/health.js', line: 0, startLine: 0 }], count: 1 + (i % 3) }],
    })),
  });
  const manyDir = writeProfileDir(many);
  t.after(() => removeDir(manyDir));
  const out = writeReport(manyDir, path.join(manyDir, 'many.html'));
  const { page, context, seen } = await openReport(browser, out.file);
  t.after(() => context.close());
  await page.getByRole('button', { name: 'Show span ids of GET /health' }).click();
  assert.equal(await page.locator('#spans-body tr.span').count(), 50);
  await page.getByRole('button', { name: 'Show 50 more of 120 spans' }).click();
  assert.equal(await page.locator('#spans-body tr.span').count(), 100);
  await page.getByRole('button', { name: 'Show 20 more of 120 spans' }).click();
  assert.equal(await page.locator('#spans-body tr.span').count(), 120);
  assertClean(seen);
});
