#!/usr/bin/env node
'use strict';
// Soak: spanprof samples a busy process (new functions compiled and spans
// started and ended without pause) for many short windows, uploading each
// to a local ingest server that holds uploads to Pyroscope's rules. Prints
// the RSS curve and fails unless
//   - every window closed was delivered and accepted (none refused, dropped
//     or failed to encode),
//   - RSS plateaus: the median RSS of the last quarter of the run is at most
//     --rss-growth-mib (default 64) over that of the second quarter. Each
//     measurement follows a full GC, so garbage V8 has not yet collected
//     does not count; V8's sizing of its spaces still moves RSS by tens of
//     MiB. A leak of 7 KiB or more per window shows past that over 10,000
//     windows. The slope of RSS over the second half is printed too.
//   - the heap left by a full GC plateaus: at most --heap-growth-mib
//     (default 16) from the second quarter to the last.
//   - the fd count stays flat from the second quarter on,
//   - the slot table ends empty and its high water stays bounded.
//
//   node scripts/soak.js                  10,000 windows of 100 ms (~17 min)
//   node scripts/soak.js --short          300 windows (~30 s), for CI
//   node scripts/soak.js --windows N --window-ms M
// Needs a build (npm run build).
const { spawn } = require('node:child_process');
const path = require('node:path');
const { startIngestServer } = require('../test/support/ingest-server');

function options(argv) {
  const o = { windows: 10_000, windowMs: 100, points: 20, rssGrowthMiB: 64, heapGrowthMiB: 16 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--short') o.windows = 300;
    else if (a === '--windows') o.windows = Number(argv[++i]);
    else if (a === '--window-ms') o.windowMs = Number(argv[++i]);
    else if (a === '--points') o.points = Number(argv[++i]);
    else if (a === '--rss-growth-mib') o.rssGrowthMiB = Number(argv[++i]);
    else if (a === '--heap-growth-mib') o.heapGrowthMiB = Number(argv[++i]);
    else throw new Error(`unknown argument ${a}; see the comment at the top of scripts/soak.js`);
  }
  for (const k of ['windows', 'windowMs', 'points']) {
    if (!(Number.isInteger(o[k]) && o[k] > 0)) throw new Error(`--${k} must be a positive integer`);
  }
  return o;
}

/** Least-squares slope of RSS against windows, in KiB per window. */
function slopeKiBPerWindow(points) {
  const n = points.length;
  if (n < 2) return NaN;
  const mx = points.reduce((a, p) => a + p.windows, 0) / n;
  const my = points.reduce((a, p) => a + p.rssMiB, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.windows - mx) * (p.rssMiB - my);
    den += (p.windows - mx) ** 2;
  }
  return den === 0 ? NaN : (num / den) * 1024;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.floor(s.length / 2)];
}

/** Medians of `key` over the second and the last quarter of the curve. */
function quarterMedians(curve, key) {
  const q = Math.floor(curve.length / 4);
  return [median(curve.slice(q, 2 * q).map((p) => p[key])), median(curve.slice(3 * q).map((p) => p[key]))];
}

async function main() {
  const o = options(process.argv.slice(2));
  const server = await startIngestServer();
  const app = path.join(__dirname, '..', 'test', 'fixtures', 'reliability-soak-app.js');
  const started = Date.now();
  console.log(`soak: ${o.windows} windows of ${o.windowMs} ms to ${server.url}`);
  console.log('window   rss MiB  heap used/total  code  malloced  fds  slots live/high   sent  dropped  compiled    spans');
  const lines = [];
  const child = spawn(process.execPath, [app], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      ...process.env,
      PYROSCOPE_SERVER_ADDRESS: server.url,
      SOAK_WINDOWS: String(o.windows),
      SOAK_WINDOW_MS: String(o.windowMs),
      SOAK_POINTS: String(o.points),
    },
  });
  let buffered = '';
  child.stdout.on('data', (chunk) => {
    buffered += chunk;
    let nl;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const p = JSON.parse(buffered.slice(0, nl));
      buffered = buffered.slice(nl + 1);
      lines.push(p);
      console.log(
        `${String(p.windows).padStart(6)}  ${String(p.rssMiB).padStart(8)}  ${`${p.heapMiB}/${p.heapTotalMiB}`.padStart(15)}  ` +
          `${String(p.codeMiB).padStart(4)}  ${String(p.mallocedMiB).padStart(8)}  ` +
          `${String(p.fds).padStart(3)}  ${`${p.slotsLive}/${p.slotsHighWater}`.padStart(15)}  ${String(p.sent).padStart(5)}  ` +
          `${String(p.dropped).padStart(7)}  ${String(p.compiled).padStart(8)}  ${String(p.spansEnded).padStart(7)}` +
          `${p.type === 'done' ? '  (stopped)' : ''}`,
      );
    }
  });
  const code = await new Promise((resolve) => child.on('exit', (c, signal) => resolve(signal ?? c)));
  // The last upload's answer may still be on its way back.
  await new Promise((resolve) => setTimeout(resolve, 200));
  await server.close();

  const failures = [];
  if (code !== 0) failures.push(`the profiled process exited with ${code}`);
  const done = lines.find((l) => l.type === 'done');
  const curve = lines.filter((l) => l.type === 'point');
  if (!done) failures.push('the profiled process never reported its end');
  else {
    if (done.windows < o.windows) failures.push(`only ${done.windows} windows closed`);
    if (done.sent !== done.windows) failures.push(`${done.windows} windows closed, ${done.sent} delivered`);
    if (server.uploads.length !== done.windows) failures.push(`the server accepted ${server.uploads.length} of ${done.windows} windows`);
    if (server.invalid.length > 0) failures.push(`the server refused ${server.invalid.length}: ${server.invalid[0].error}`);
    for (const k of ['failed', 'dropped', 'encodeFailures', 'pending', 'slotOverflows']) {
      if (done[k] !== 0) failures.push(`${k} = ${done[k]}`);
    }
    if (done.slotsLive !== 0) failures.push(`${done.slotsLive} slots still lent after stop`);
  }
  if (curve.length >= 4) {
    const q = Math.floor(curve.length / 4);
    const [second, last] = quarterMedians(curve, 'rssMiB');
    const half = curve.slice(Math.floor(curve.length / 2));
    console.log(
      `RSS median: second quarter ${second} MiB, last quarter ${last} MiB (growth ${(last - second).toFixed(1)} MiB); ` +
        `slope over the second half ${slopeKiBPerWindow(half).toFixed(2)} KiB/window`,
    );
    if (last - second > o.rssGrowthMiB) failures.push(`RSS grew ${(last - second).toFixed(1)} MiB from the second to the last quarter`);
    const [heapSecond, heapLast] = quarterMedians(curve, 'heapMiB');
    console.log(`heap after a full GC, median: second quarter ${heapSecond} MiB, last quarter ${heapLast} MiB`);
    if (heapLast - heapSecond > o.heapGrowthMiB) {
      failures.push(`the heap a full GC leaves grew ${(heapLast - heapSecond).toFixed(1)} MiB from the second to the last quarter`);
    }
    // From the second quarter on, as for RSS: while uploads and the first
    // source-map reads overlap at the start, the HTTP pool and the file
    // reads hold a few descriptors at once. A leak keeps growing to the end.
    const fds = curve.slice(q).map((p) => p.fds);
    console.log(`fds: ${Math.min(...fds)}..${Math.max(...fds)}; slot high water ${Math.max(...curve.map((p) => p.slotsHighWater))}`);
    if (Math.max(...fds) - Math.min(...fds) > 2) failures.push(`fd count moved from ${Math.min(...fds)} to ${Math.max(...fds)}`);
  } else {
    failures.push(`only ${curve.length} measurements; use more windows or --points`);
  }
  const elapsed = ((Date.now() - started) / 1000).toFixed(0);
  if (failures.length > 0) {
    console.error(`soak: FAILED after ${elapsed} s\n  ${failures.join('\n  ')}`);
    process.exitCode = 1;
  } else {
    console.log(`soak: passed, ${done.windows} windows delivered in ${elapsed} s`);
  }
}

main().catch((err) => {
  console.error(err.stack);
  process.exitCode = 1;
});
