'use strict';
// Names from the profiled program are data: in the report they are text,
// never markup or script, with or without the page's Content-Security-Policy.
/* global document, window -- the functions given to page.evaluate run in the page */
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { writeReport } = require('../dist/internal');
const { fn, removeDir, serviceScenario, writeProfileDir } = require('./support/profile-fixtures');
const { launchBrowser, openReport, frameNames, waitForRoot } = require('./support/browser');

const IMG_FUNCTION = '<img src=x onerror=alert(1)>';
const SCRIPT_SPAN = '"><script>';
// Would end the data block early if `<` were not escaped inside it.
const BREAKOUT_FUNCTION = '</script><script>window.__spanprofXss = 1; alert(2)</script>';
// End tags need no `>` to close a script block, and `<!--<script>` keeps it
// open past its own end: either breaks the page unless `<` is escaped.
const OPEN_END_TAG = '</script x';
const COMMENT_OPEN = '<!--<script>';
// Would set the flag from an event handler if it became markup.
const FLAG_FILE = '"><svg onload="window.__spanprofXss = 2">.js';
const HOSTILE_SPAN_ID = 'dddddddddddddddd';

let browser;
let dir;

test.before(async () => {
  const scenario = serviceScenario({
    extraSpans: [{
      spanName: SCRIPT_SPAN,
      spanId: HOSTILE_SPAN_ID,
      stacks: [
        { stack: [fn('<b>handler</b>', FLAG_FILE, 7), fn(IMG_FUNCTION, FLAG_FILE)], count: 40 },
        { stack: [fn('<b>handler</b>', FLAG_FILE, 9), fn(BREAKOUT_FUNCTION, '/srv/&amp;/x.js')], count: 30 },
        { stack: [fn('<b>handler</b>', FLAG_FILE, 11), fn(OPEN_END_TAG, '/srv/x.js')], count: 5 },
        { stack: [fn('<b>handler</b>', FLAG_FILE, 12), fn(COMMENT_OPEN, '/srv/x.js')], count: 5 },
      ],
    }],
  });
  dir = writeProfileDir(scenario);
  browser = await launchBrowser();
});

test.after(async () => {
  await browser?.close();
  if (dir) removeDir(dir);
});

async function checkHostileNames(t, file) {
  const { page, context, seen } = await openReport(browser, file);
  t.after(() => context.close());

  // The span name is a row of the table, as text.
  const spanButton = page.getByRole('button', { name: SCRIPT_SPAN, exact: true });
  assert.equal(await spanButton.textContent(), SCRIPT_SPAN);
  await spanButton.click();
  await waitForRoot(page, SCRIPT_SPAN);
  assert.equal(await page.textContent('#selection-title'), SCRIPT_SPAN);

  // The functions are frames whose labels read exactly as named.
  const names = await frameNames(page);
  for (const name of [IMG_FUNCTION, BREAKOUT_FUNCTION, OPEN_END_TAG, COMMENT_OPEN, '<b>handler</b>']) assert.ok(names.includes(name), name);
  const label = page.locator('.d3-flame-graph-label', { hasText: IMG_FUNCTION });
  await label.waitFor({ state: 'visible' });
  assert.equal(await label.textContent(), IMG_FUNCTION);
  await page.locator('.d3-flame-graph-label', { hasText: BREAKOUT_FUNCTION }).waitFor({ state: 'visible' });

  // Hovering shows the file name in the details line, as text.
  await page.locator('#flame g.frame', { has: page.locator('.d3-flame-graph-label', { hasText: IMG_FUNCTION }) }).hover();
  await page.locator('#details', { hasText: FLAG_FILE }).waitFor();

  // Searching for markup matches it as text.
  await page.fill('#search', '<img');
  await page.locator('#search-status', { hasText: '1 matching frame' }).waitFor();

  // Nothing became an element, and nothing ran.
  const counts = await page.evaluate(() => ({
    img: document.querySelectorAll('img').length,
    b: document.querySelectorAll('b').length,
    svgInLabels: document.querySelectorAll('.d3-flame-graph-label *').length,
    scripts: document.querySelectorAll('script').length,
    flag: window.__spanprofXss,
  }));
  assert.deepEqual(counts, { img: 0, b: 0, svgInLabels: 0, scripts: 4, flag: undefined });
  // Give any late event handler a chance to fire before looking for dialogs.
  await page.waitForTimeout(300);
  assert.deepEqual(seen.dialogs, [], 'no alert() ran');
  assert.deepEqual(seen.pageErrors, []);
  assert.deepEqual(seen.requests, [], 'no image or script was fetched');
  return seen;
}

test('hostile function, file and span names render as text and run nothing', async (t) => {
  const report = writeReport(dir);
  const seen = await checkHostileNames(t, report.file);
  assert.deepEqual(seen.consoleErrors, [], 'and the CSP had nothing to block');
});

test('the escaping holds on its own, with the Content-Security-Policy removed', async (t) => {
  const report = writeReport(dir, path.join(dir, 'with-csp.html'));
  const html = fs.readFileSync(report.file, 'utf8');
  const withoutCsp = html.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>\n/, '');
  assert.notEqual(withoutCsp, html, 'the policy was there to remove');
  const file = path.join(dir, 'without-csp.html');
  fs.writeFileSync(file, withoutCsp);
  const seen = await checkHostileNames(t, file);
  assert.deepEqual(seen.consoleErrors, []);
});
