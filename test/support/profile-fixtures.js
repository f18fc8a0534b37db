'use strict';
// Builds directories of gzip'd pprof profiles shaped like the exporter's:
// sample types samples/count + cpu/nanoseconds (or wall/nanoseconds), string
// labels span_id / trace_id / span_name, function start line 0 and each
// location's line being the line of the call it makes (0 for the leaf).
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const zlib = require('node:zlib');
const {
  Function: PprofFunction,
  Label,
  Line,
  Location,
  Profile,
  Sample,
  StringTable,
  ValueType,
} = require('pprof-format');

/** A function: `line` is where it calls the next frame down. */
function fn(name, file, line = 0, startLine = 0) {
  return { name, file, line, startLine };
}

const FRAMEWORK = {
  ticks: fn('processTicksAndRejections', 'node:internal/process/task_queues', 95),
  emit: fn('emit', 'node:events', 519),
  incoming: fn('parserOnIncoming', 'node:_http_server', 1143),
  layer: fn('handle', '/srv/shop/node_modules/express/lib/router/layer.js', 95),
  next: fn('next', '/srv/shop/node_modules/express/lib/router/route.js', 149),
  json: fn('stringify', '/srv/shop/node_modules/express/lib/response.js', 1158),
  timers: fn('listOnTimeout', 'node:internal/timers', 581),
};
const GC = fn('(garbage collector)', '');
const PROGRAM = fn('(program)', '');

/** One endpoint: its span name, handler and the hot function only it runs. */
const ENDPOINTS = [
  {
    spanName: 'GET /checkout',
    handler: fn('checkoutHandler', '/srv/shop/src/routes/checkout.js', 41, 30),
    hot: fn('computeCartTotals', '/srv/shop/src/cart/totals.js'),
    spans: 3,
  },
  {
    spanName: 'GET /search',
    handler: fn('searchHandler', '/srv/shop/src/routes/search.js', 18),
    hot: fn('rankResults', '/srv/shop/src/search/rank.js'),
    spans: 2,
  },
  {
    spanName: 'POST /login',
    handler: fn('loginHandler', '/srv/shop/src/routes/login.js', 27),
    hot: fn('hashPassword', '/srv/shop/src/auth/password.js'),
    spans: 2,
  },
];

/** A deterministic hex id of `length` chars, distinct for distinct seeds. */
function hex(seed, length) {
  return crypto.createHash('sha256').update(String(seed)).digest('hex').slice(0, length);
}

/** A deterministic, slightly uneven CPU time per sample, as measured ones are. */
function sampleNs(i) {
  return 9_600_000 + ((i * 7919) % 9) * 100_000;
}

/**
 * A service with three endpoints. Returns `{ windows, spans, unlabelled }`:
 * `windows` feed writeProfileDir; `spans` lists every span with the CPU and
 * samples it was given, so tests can check totals.
 */
function serviceScenario(options = {}) {
  const windowCount = options.windows ?? 3;
  const extraSpans = options.extraSpans ?? [];
  const windows = Array.from({ length: windowCount }, (_, w) => ({
    startMs: 1_760_000_000_000 + w * 10_000,
    durationMs: 10_000,
    samples: [],
  }));
  const spans = [];
  let n = 0;
  const addSpan = (spanName, spanId, traceId, stacks, windowIndexes) => {
    const span = { spanName, spanId, traceId, cpuNs: 0, samples: 0, windows: windowIndexes };
    spans.push(span);
    const labels = { span_id: spanId, trace_id: traceId };
    if (spanName !== undefined) labels.span_name = spanName;
    for (const [k, { stack, count }] of stacks.entries()) {
      const w = windowIndexes[k % windowIndexes.length];
      const ns = count * sampleNs(n++);
      windows[w].samples.push({ stack, labels, count, ns });
      span.cpuNs += ns;
      span.samples += count;
    }
    return span;
  };

  let seed = 1;
  for (const ep of ENDPOINTS) {
    for (let s = 0; s < ep.spans; s++) {
      const base = [FRAMEWORK.ticks, FRAMEWORK.emit, FRAMEWORK.incoming, FRAMEWORK.layer, FRAMEWORK.next, ep.handler];
      const weight = (s + 1) * (ep.spanName === 'GET /checkout' ? 4 : 2);
      // The first span of each endpoint spans two windows.
      const inWindows = s === 0 && windowCount > 1 ? [0, 1] : [(seed + s) % windowCount];
      addSpan(ep.spanName, hex(seed * 31 + s, 16), hex(seed * 97 + s, 32), [
        { stack: [...base, ep.hot], count: weight * 3 },
        { stack: base, count: weight },
        { stack: [...base, FRAMEWORK.json], count: 1 },
        { stack: [GC], count: 1 },
        { stack: [PROGRAM], count: 1 },
      ], inWindows);
    }
    seed++;
  }
  for (const extra of extraSpans) {
    addSpan(extra.spanName, extra.spanId, extra.traceId ?? hex(seed++, 32), extra.stacks, [0]);
  }

  // Outside every span: a metrics timer, GC and V8's own work.
  const unlabelled = { cpuNs: 0, samples: 0 };
  for (const [stack, count] of [
    [[FRAMEWORK.timers, fn('flushMetrics', '/srv/shop/src/metrics.js')], 4],
    [[GC], 2],
    [[PROGRAM], 3],
  ]) {
    const ns = count * sampleNs(n++);
    windows[windowCount - 1].samples.push({ stack, labels: {}, count, ns });
    unlabelled.cpuNs += ns;
    unlabelled.samples += count;
  }
  return { windows, spans, unlabelled, endpoints: ENDPOINTS };
}

/** Encodes one window as a pprof profile of `kind` ('cpu' or 'wall'), gzip'd. */
function encodeProfile(window, kind = 'cpu') {
  const strings = new StringTable();
  const functions = [];
  const functionIds = new Map();
  const locations = [];
  const locationIds = new Map();
  const functionId = (f) => {
    const key = `${f.name}\0${f.file}\0${f.startLine}`;
    let id = functionIds.get(key);
    if (id === undefined) {
      id = functions.length + 1;
      const name = strings.dedup(f.name);
      functions.push(new PprofFunction({ id, name, systemName: name, filename: strings.dedup(f.file), startLine: f.startLine }));
      functionIds.set(key, id);
    }
    return id;
  };
  const locationId = (f, line) => {
    const fid = functionId(f);
    const key = `${fid}:${line}`;
    let id = locationIds.get(key);
    if (id === undefined) {
      id = locations.length + 1;
      locations.push(new Location({ id, line: [new Line({ functionId: fid, line })] }));
      locationIds.set(key, id);
    }
    return id;
  };
  const samples = window.samples.map((s) => {
    // Root-first stack → leaf-first location ids; the leaf's line is 0.
    const ids = s.stack.map((f, i) => locationId(f, i === s.stack.length - 1 ? 0 : f.line)).reverse();
    const label = Object.entries(s.labels).map(
      ([k, v]) => new Label({ key: strings.dedup(k), str: strings.dedup(v) }),
    );
    return new Sample({ locationId: ids, value: [s.count, s.ns], label });
  });
  const valueType = strings.dedup(kind);
  const nanoseconds = strings.dedup('nanoseconds');
  const profile = new Profile({
    sampleType: [
      new ValueType({ type: strings.dedup('samples'), unit: strings.dedup('count') }),
      new ValueType({ type: valueType, unit: nanoseconds }),
    ],
    sample: samples,
    location: locations,
    function: functions,
    stringTable: strings,
    timeNanos: BigInt(window.startMs) * 1_000_000n,
    durationNanos: BigInt(window.durationMs) * 1_000_000n,
    periodType: new ValueType({ type: valueType, unit: nanoseconds }),
    period: 10_000_000,
    defaultSampleType: valueType,
  });
  return zlib.gzipSync(profile.encode());
}

/** A fresh empty directory under the system's temporary directory. */
function tempDir(prefix = 'spanprof-report-') {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/**
 * Writes the scenario's windows as `<stem>.cpu.pb.gz`, plus a wall profile
 * of the first window when `wall` is set. Returns the directory.
 */
function writeProfileDir(scenario, options = {}) {
  const dir = options.dir ?? tempDir();
  scenario.windows.forEach((w, i) => {
    const stem = `2025-10-09T08-${String(i).padStart(2, '0')}-00.000Z-4242-${i}`;
    fs.writeFileSync(path.join(dir, `${stem}.cpu.pb.gz`), encodeProfile(w, 'cpu'));
    if (options.wall && i === 0) fs.writeFileSync(path.join(dir, `${stem}.wall.pb.gz`), encodeProfile(w, 'wall'));
  });
  return dir;
}

function removeDir(dir) {
  fs.rmSync(dir, { recursive: true, force: true });
}

module.exports = {
  ENDPOINTS,
  FRAMEWORK,
  encodeProfile,
  fn,
  hex,
  removeDir,
  serviceScenario,
  tempDir,
  writeProfileDir,
};
