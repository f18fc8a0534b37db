'use strict';
// Headless Debian Chromium driven by playwright-core, for the report tests.
/* global document -- the functions given to page.waitForFunction run in the page */
const fs = require('node:fs');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const { chromium } = require('playwright-core');

const CHROMIUM = '/usr/bin/chromium';
// Without the background-networking flags Chromium reaches for Google's
// hosts at start; none of that is the report's doing.
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const OUTPUT_DIR = path.join(__dirname, '..', '..', 'test-output');

/** Launches Chromium with a fresh, temporary profile (Playwright's default for launch()). */
async function launchBrowser() {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} not found: install Debian's chromium package (apt-get install chromium)`);
  }
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
}

/**
 * Opens a report file in a new page and records what a self-contained page
 * must not do: console errors, uncaught exceptions, requests for anything
 * but the file itself, and dialogs (each dismissed).
 */
async function openReport(browser, file, options = {}) {
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1400, height: 900 } });
  // Failures should show in seconds, not after Playwright's 30 s default.
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const url = pathToFileURL(file).href;
  const seen = { consoleErrors: [], pageErrors: [], requests: [], dialogs: [] };
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning') seen.consoleErrors.push(`${msg.type()}: ${msg.text()}`);
  });
  page.on('pageerror', (err) => seen.pageErrors.push(String(err)));
  page.on('dialog', (dialog) => {
    seen.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    dialog.dismiss().catch(() => undefined);
  });
  page.on('request', (req) => {
    if (req.url() !== url) seen.requests.push(req.url());
  });
  // Anything that still tried to leave the page is refused, and recorded above.
  await context.route(/^(?!file:)/, (route) => route.abort());
  await page.goto(url);
  await page.locator('#flame svg g.frame').first().waitFor({ state: 'attached' });
  return { page, context, seen };
}

/** Names of the frames the flame graph draws. */
async function frameNames(page) {
  return page.$$eval('#flame svg g.frame', (gs) => gs.map((g) => g.getAttribute('name')));
}

/** Waits until the flame graph's root frame is `rootName` (selections redraw it). */
async function waitForRoot(page, rootName) {
  await page.waitForFunction(
    (name) => [...document.querySelectorAll('#flame svg g.frame')].some((g) => g.getAttribute('name') === name),
    rootName,
  );
}

function outputPath(name) {
  fs.mkdirSync(OUTPUT_DIR, { recursive: true });
  return path.join(OUTPUT_DIR, name);
}

module.exports = { launchBrowser, openReport, frameNames, waitForRoot, outputPath };
