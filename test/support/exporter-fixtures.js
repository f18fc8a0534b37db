'use strict';
// Encoded windows and logger capture shared by the exporter tests.
const fs = require('node:fs');
const path = require('node:path');
const { encodeWindow, createStderrLogger, createRedactor } = require('../../dist/internal');
const { sampleWindow, shiftedWindow } = require('./profile-windows.js');
const { burnCpu } = require('./cpu-burn.js');

function hotCheckout() {
  let x = 0;
  for (let i = 0; i < 2e4; i++) x += Math.sqrt(i);
  return x;
}
function hotSearch() {
  let x = 0;
  for (let i = 0; i < 2e4; i++) x += Math.cbrt(i);
  return x;
}

const CHECKOUT = { spanId: 'c0c0c0c0c0c0c0c0', traceId: '11111111111111111111111111111111', spanName: 'POST /checkout' };
const SEARCH = { spanId: '5e5e5e5e5e5e5e5e', traceId: '22222222222222222222222222222222', spanName: 'GET /search' };

let base;

/**
 * A real window: hotCheckout under CHECKOUT, hotSearch under SEARCH, each
 * for 250 ms of CPU time, so that each is sampled however busy the machine.
 */
async function realWindow() {
  base ??= await sampleWindow({
    phases: [
      { slot: 1, run: () => burnCpu(250, hotCheckout) },
      { slot: 2, run: () => burnCpu(250, hotSearch) },
    ],
    idleMs: 50,
    labels: new Map([
      [1, CHECKOUT],
      [2, SEARCH],
    ]),
  });
  return base;
}

/** `count` encoded windows 10 s apart, in time order. */
async function encodedWindows(count, { wall = false } = {}) {
  const window = await realWindow();
  const out = [];
  for (let i = 0; i < count; i++) {
    out.push(await encodeWindow(shiftedWindow(window, BigInt(i) * 10_000_000_000n), { wall }));
  }
  return out;
}

/** A logger that keeps its lines, redacting `secrets` like the real one. */
function capturingLogger(secrets = []) {
  const lines = [];
  const logger = createStderrLogger({ level: 'debug', redact: createRedactor(secrets), write: (l) => lines.push(l) });
  return { logger, lines };
}

/** Polls until `predicate()` holds; fails after `timeoutMs`. */
async function waitFor(predicate, timeoutMs, what) {
  const until = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Leaves in `dir` the temporary file of a write cut short, as this process
 * names them (`ours`) and as another process does (`theirs`).
 */
function cutShortWrites(dir) {
  fs.mkdirSync(dir, { recursive: true });
  const ours = `.20260101T000000.000Z-${process.pid}-000001.cpu.pb.gz.${process.pid}.0a1b2c3d.tmp`;
  const theirs = `.20260101T000000.000Z-1-000001.cpu.pb.gz.1.0a1b2c3d.tmp`;
  fs.writeFileSync(path.join(dir, ours), 'partial');
  fs.writeFileSync(path.join(dir, theirs), 'partial');
  return { ours, theirs };
}

module.exports = { realWindow, encodedWindows, capturingLogger, waitFor, cutShortWrites, CHECKOUT, SEARCH };
