'use strict';
// Attribution measured with the real sampler: V8 samples at 100 Hz, each
// labelled with the slot the tracker had published when the tick fired.
// Every request burns CPU in functions only it runs, so a sample's stack
// says which request it belongs to, and its labels must say the same.
const { test, afterEach } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const http = require('node:http');
const { context, trace, ROOT_CONTEXT } = require('@opentelemetry/api');
const { SamplingDecision } = require('@opentelemetry/sdk-trace-base');
const {
  availableMechanisms,
  registerContextManager,
  resetGlobals,
  newTracing,
  startSampling,
  burner,
  findOnStack,
  idOf,
  otel,
  httpRoundTrip,
} = require('./support/otel');

const pct = (n, d) => (d === 0 ? 'n/a' : `${((100 * n) / d).toFixed(2)}%`);

let sampling;
afterEach(() => {
  sampling?.stop();
  sampling = undefined;
  resetGlobals();
});

const BOUNDARIES = ['start', 'await', 'setImmediate', 'setTimeout', 'fileRead', 'http'];

for (const mechanism of availableMechanisms()) {
  test(`50 concurrent requests: samples carry their own request's span id (${mechanism})`, async (t) => {
    const REQUESTS = 50;
    const ROUNDS = 6;
    registerContextManager();
    const { tracer } = newTracing({ record: false });
    const server = http.createServer((req, res) => res.end('ok'));
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address();
    let burn;
    const ids = new Array(REQUESTS);

    const request = (k, slice) =>
      tracer.startActiveSpan(`request ${k}`, { root: true }, async (span) => {
        ids[k] = idOf(span);
        const b = burn[k];
        b.start(2 * slice);
        for (let round = 0; round < ROUNDS; round++) {
          await Promise.resolve();
          b.await(slice);
          await new Promise((resolve) =>
            setImmediate(() => {
              b.setImmediate(slice);
              resolve();
            }),
          );
          await new Promise((resolve) =>
            setTimeout(() => {
              b.setTimeout(slice);
              resolve();
            }, 1),
          );
          await new Promise((resolve, reject) =>
            fs.readFile(__filename, (err) => {
              if (err) return reject(err);
              b.fileRead(slice);
              resolve();
            }),
          );
          await httpRoundTrip(port);
          b.http(slice);
        }
        span.end();
      });
    /** All 50 requests, sampled, with `slice` ms of CPU per slice: their samples in request code, by boundary. */
    const measure = async (slice) => {
      sampling = startSampling({ mechanism });
      // New code each attempt, compiled under this sampler (see burner).
      burn = Array.from({ length: REQUESTS }, (_, k) =>
        Object.fromEntries(BOUNDARIES.map((kind) => [kind, burner(`req${k}_${kind}`)])),
      );
      try {
        await Promise.all(Array.from({ length: REQUESTS }, (_, k) => request(k, slice)));
      } finally {
        sampling.stop();
      }
      const owner = new Map(ids.map((id, k) => [id, k]));
      const rows = Object.fromEntries(BOUNDARIES.map((kind) => [kind, { total: 0, own: 0, other: 0, none: 0 }]));
      for (const sample of sampling.samples) {
        const m = findOnStack(sample, /^req(\d+)_(\w+)$/);
        if (!m) continue;
        const row = rows[m[2]];
        row.total++;
        const spanId = sample.labels && sample.labels !== 'missing' ? sample.labels.spanId : undefined;
        if (spanId === ids[Number(m[1])]) row.own++;
        else if (owner.has(spanId)) row.other++;
        else row.none++;
      }
      return rows;
    };
    const enough = (rows) =>
      BOUNDARIES.every((kind) => rows[kind].total >= 20) &&
      BOUNDARIES.reduce((sum, kind) => sum + rows[kind].total, 0) >= 300;
    // Should an attempt come up short of samples in request code (see
    // labels-attribution), it runs again with slices twice as long, at most
    // 3 times. Another request's span fails any attempt, short or not.
    let rows;
    try {
      for (let attempt = 0, slice = 5; attempt < 3; attempt++, slice *= 2) {
        rows = await measure(slice);
        const total = BOUNDARIES.reduce((sum, kind) => sum + rows[kind].total, 0);
        const other = BOUNDARIES.reduce((sum, kind) => sum + rows[kind].other, 0);
        assert.ok(other <= 0.005 * total, `another request's span on ${other} of ${total} request samples`);
        if (enough(rows)) break;
        t.diagnostic(
          `attempt ${attempt + 1}: too few samples in request code with ${slice} ms slices ` +
            `(${sampling.samples.length} kept; ${JSON.stringify(sampling.health())}), measured again`,
        );
      }
    } finally {
      server.close();
    }
    const sum = { total: 0, own: 0, other: 0, none: 0 };
    for (const kind of BOUNDARIES) {
      const r = rows[kind];
      for (const key of Object.keys(sum)) sum[key] += r[key];
      t.diagnostic(
        `${kind.padEnd(12)} samples ${String(r.total).padStart(4)}  own ${pct(r.own, r.total)}  ` +
          `other request ${pct(r.other, r.total)}  no span ${pct(r.none, r.total)}`,
      );
    }
    t.diagnostic(
      `all          samples ${sum.total}  own ${pct(sum.own, sum.total)}  other ${pct(sum.other, sum.total)}  ` +
        `no span ${pct(sum.none, sum.total)}  (${process.version}, ${mechanism}, slots ${JSON.stringify(sampling.slots.stats())})`,
    );
    assert.ok(sum.total >= 300, `only ${sum.total} samples in request code`);
    assert.ok(sum.own / sum.total >= 0.97, `own span on ${pct(sum.own, sum.total)} of request samples`);
    assert.ok(sum.other / sum.total <= 0.005, `another request's span on ${pct(sum.other, sum.total)}`);
    for (const kind of BOUNDARIES) {
      const r = rows[kind];
      assert.ok(r.total >= 20, `${kind}: only ${r.total} samples`);
      assert.ok(r.own / r.total >= 0.9, `${kind}: own span on ${pct(r.own, r.total)}`);
    }
  });
}

/** Share of the samples with `fnName` on their stack whose span id is `id`. */
function shareWithId(samples, fnName, id) {
  let total = 0;
  let match = 0;
  for (const sample of samples) {
    if (!sample.stack.includes(fnName)) continue;
    total++;
    if (sample.labels && sample.labels !== 'missing' && sample.labels.spanId === id) match++;
  }
  return { total, match, share: total === 0 ? 0 : match / total };
}

async function burnInSlices(fn, slices, ms) {
  for (let i = 0; i < slices; i++) {
    fn(ms);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

test('child spans: scope root labels with the root, scope all with the child', async (t) => {
  registerContextManager();
  const { inner } = newTracing({ record: false });
  const rootScoped = new otel.ProfilingTracerProvider(inner).getTracer('root-scope');
  const allScoped = new otel.ProfilingTracerProvider(inner, { spanIdScope: 'all' }).getTracer('all-scope');
  const inChildRoot = burner('child_under_root_scope');
  const inChildAll = burner('child_under_all_scope');
  const ids = {};
  sampling = startSampling();
  await rootScoped.startActiveSpan('root A', async (root) => {
    ids.rootA = idOf(root);
    await rootScoped.startActiveSpan('child A', async (child) => {
      ids.childA = idOf(child);
      await burnInSlices(inChildRoot, 40, 10);
      child.end();
    });
    root.end();
  });
  await allScoped.startActiveSpan('root B', async (root) => {
    ids.rootB = idOf(root);
    await allScoped.startActiveSpan('child B', async (child) => {
      ids.childB = idOf(child);
      await burnInSlices(inChildAll, 40, 10);
      child.end();
    });
    root.end();
  });
  sampling.stop();
  const rootScope = shareWithId(sampling.samples, 'child_under_root_scope', ids.rootA);
  const allScope = shareWithId(sampling.samples, 'child_under_all_scope', ids.childB);
  t.diagnostic(`scope root: ${rootScope.match}/${rootScope.total} carry the root's id`);
  t.diagnostic(`scope all: ${allScope.match}/${allScope.total} carry the child's id`);
  assert.ok(rootScope.total >= 20 && allScope.total >= 20, 'too few samples');
  assert.ok(rootScope.share >= 0.97, `scope root: ${pct(rootScope.match, rootScope.total)}`);
  assert.ok(allScope.share >= 0.97, `scope all: ${pct(allScope.match, allScope.total)}`);
});

test('spans activated instrumentation-style, from a tracer spanprof does not wrap', async (t) => {
  registerContextManager();
  const { tracer } = newTracing({ record: false });
  const foreign = newTracing({ record: false }).inner.getTracer('instrumentation');
  const underRoot = burner('instrumented_under_wrapped_root');
  const lone = burner('instrumented_lone_root');
  const ids = {};
  sampling = startSampling();
  await tracer.startActiveSpan('incoming request', async (root) => {
    ids.root = idOf(root);
    const span = foreign.startSpan('middleware', {}, context.active());
    await context.with(trace.setSpan(context.active(), span), () => burnInSlices(underRoot, 60, 10));
    span.end();
    root.end();
  });
  const loneSpan = foreign.startSpan('job');
  ids.lone = idOf(loneSpan);
  // Twice the 15 samples asked for: a loaded machine has left one run of 300 ms with 8.
  await context.with(trace.setSpan(ROOT_CONTEXT, loneSpan), () => burnInSlices(lone, 60, 10));
  loneSpan.end();
  sampling.stop();
  const a = shareWithId(sampling.samples, 'instrumented_under_wrapped_root', ids.root);
  const b = shareWithId(sampling.samples, 'instrumented_lone_root', ids.lone);
  t.diagnostic(`foreign span under a wrapped root: ${a.match}/${a.total} carry the root's id`);
  t.diagnostic(`foreign local root: ${b.match}/${b.total} carry its own id`);
  assert.ok(a.total >= 15 && b.total >= 15, 'too few samples');
  assert.ok(a.share >= 0.97, pct(a.match, a.total));
  assert.ok(b.share >= 0.97, pct(b.match, b.total));
});

test('unsampled spans: samples carry no span id; pyroscope.profile.id only on sampled roots', async (t) => {
  registerContextManager();
  const sampler = {
    shouldSample: (_c, _t, name) => ({
      decision: name.startsWith('unsampled') ? SamplingDecision.RECORD : SamplingDecision.RECORD_AND_SAMPLED,
    }),
    toString: () => 'by-name',
  };
  const { tracer, exporter } = newTracing({ sampler });
  const unsampledBurn = burner('burn_in_unsampled_span');
  const sampledBurn = burner('burn_in_sampled_span');
  let sampledId;
  sampling = startSampling();
  await tracer.startActiveSpan('unsampled request', async (span) => {
    await tracer.startActiveSpan('child', async (c) => {
      await burnInSlices(unsampledBurn, 30, 10);
      c.end();
    });
    span.end();
  });
  await tracer.startActiveSpan('sampled request', async (span) => {
    sampledId = idOf(span);
    await tracer.startActiveSpan('child', async (c) => {
      await burnInSlices(sampledBurn, 30, 10);
      c.end();
    });
    span.end();
  });
  sampling.stop();
  const inUnsampled = sampling.samples.filter((s) => s.stack.includes('burn_in_unsampled_span'));
  const withId = inUnsampled.filter((s) => s.labels && s.labels !== 'missing' && s.labels.spanId !== undefined);
  const named = inUnsampled.filter((s) => s.labels && s.labels.spanName === 'unsampled request');
  const sampled = shareWithId(sampling.samples, 'burn_in_sampled_span', sampledId);
  t.diagnostic(`unsampled: ${withId.length}/${inUnsampled.length} with a span id, ${named.length} with the root's name`);
  t.diagnostic(`sampled: ${sampled.match}/${sampled.total} with the root's id`);
  assert.ok(inUnsampled.length >= 15 && sampled.total >= 15, 'too few samples');
  assert.equal(withId.length, 0);
  assert.ok(named.length / inUnsampled.length >= 0.97);
  assert.ok(sampled.share >= 0.97);
  const marked = exporter
    .getFinishedSpans()
    .filter((s) => 'pyroscope.profile.id' in s.attributes)
    .map((s) => s.name);
  assert.deepEqual(marked, ['sampled request']);
});

/**
 * Spans in bulk: 50 work functions, each span runs one of them. A sample
 * in work function m must carry the id of a span that ran m: a slot reused
 * too early would show up as another function's span (49 times in 50).
 */
let bulkRuns = 0;
async function runManySpans({ spans, capacity, windowMs, mechanism, sweepMs, workPerHalf = 4000 }) {
  registerContextManager();
  const { tracer } = newTracing({ record: false });
  // A source text of its own per run: V8 would otherwise take the earlier runs' functions
  // from its compilation cache, and after two profiler sessions their frames come out unnamed.
  bulkRuns++;
  const work = Array.from({ length: 50 }, (_, m) =>
    new Function(`return function bulk_work_${m}(n) { let x = ${bulkRuns}; for (let i = 0; i < n; i++) x += Math.sqrt(i + ${m}); return x; }`)(),
  );
  const workOf = new Map();
  sampling = startSampling({ capacity, windowMs, mechanism, sweepMs });
  const WORKERS = 100;
  const perWorker = spans / WORKERS;
  const worker = async (w) => {
    for (let i = 0; i < perWorker; i++) {
      const m = (w * 7 + i) % 50;
      await tracer.startActiveSpan('op', async (span) => {
        workOf.set(idOf(span), m);
        work[m](workPerHalf);
        // A macrotask between the halves: windows close meanwhile, as in a service.
        await new Promise((resolve) => setImmediate(resolve));
        work[m](workPerHalf);
        span.end();
      });
    }
  };
  await Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));
  const { slots, samples } = sampling;
  sampling.stop();
  slots.windowClosed();
  let inWork = 0;
  let right = 0;
  let wrong = 0;
  let unlabelled = 0;
  for (const sample of samples) {
    const m = findOnStack(sample, /^bulk_work_(\d+)$/);
    if (!m) continue;
    inWork++;
    const spanId = sample.labels && sample.labels !== 'missing' ? sample.labels.spanId : undefined;
    if (spanId === undefined) unlabelled++;
    else if (workOf.get(spanId) === Number(m[1])) right++;
    else wrong++;
  }
  return { inWork, right, wrong, unlabelled, stats: slots.stats(), spansSeen: workOf.size };
}

for (const mechanism of availableMechanisms()) {
  // Per-window lending reuses ids at every window close, and frame holders
  // give theirs back one window after their span ended: either way a table
  // of 16,384 is reused about six times over.
  const capacity = 16_384;
  test(`100,000 spans with sampling on: the slot table stays bounded and nothing is mislabelled (${mechanism})`, async (t) => {
    const r = await runManySpans({ spans: 100_000, capacity, windowMs: 100, mechanism });
    t.diagnostic(`samples in span work ${r.inWork}: right ${r.right}, wrong ${r.wrong}, unlabelled ${r.unlabelled}`);
    t.diagnostic(`slot table ${JSON.stringify(r.stats)}`);
    assert.equal(r.spansSeen, 100_000);
    assert.ok(r.inWork >= 100, `only ${r.inWork} samples in span work`);
    assert.equal(r.wrong, 0);
    assert.ok(r.stats.highWater <= r.stats.capacity);
    assert.equal(r.stats.live, 0, 'nothing published once every span ended');
    // A loaded machine delays the window timer, so more spans share a window;
    // the table may then overflow, counted, and never at the price of a label.
    assert.ok(r.stats.overflows < r.stats.acquired * 0.01, `${r.stats.overflows} overflows`);
    assert.ok(r.right / r.inWork >= 0.97, `labelled ${pct(r.right, r.inWork)}`);
  });
}

for (const mechanism of availableMechanisms()) {
  // Windows of 3 s and sweeps every 5 ms: nearly every id goes back between
  // closes, right after its span ended, and is lent again in the same window.
  test(`ended spans' slots no tick took are freed and reused within a window, and nothing is mislabelled (${mechanism})`, async (t) => {
    const r = await runManySpans({ spans: 30_000, windowMs: 3000, mechanism, sweepMs: 5, workPerHalf: 16_000 });
    t.diagnostic(`samples in span work ${r.inWork}: right ${r.right}, wrong ${r.wrong}, unlabelled ${r.unlabelled}`);
    t.diagnostic(`slot table ${JSON.stringify(r.stats)}`);
    assert.equal(r.spansSeen, 30_000);
    assert.ok(r.inWork >= 100, `only ${r.inWork} samples in span work`);
    assert.equal(r.wrong, 0);
    assert.ok(r.stats.freedEarly >= r.stats.acquired * 0.5, `${r.stats.freedEarly} of ${r.stats.acquired} freed early`);
    // Without early release every span of a window would hold its id until the close.
    assert.ok(r.stats.highWater < 30_000 / 3, `high water ${r.stats.highWater}`);
    assert.ok(r.right / r.inWork >= 0.97, `labelled ${pct(r.right, r.inWork)}`);
  });
}

test('a slot table far too small: overflow is counted and samples go unlabelled, never mislabelled', async (t) => {
  // Work enough for about 100 samples: a loaded machine can leave a short run with none.
  const r = await runManySpans({ spans: 10_000, capacity: 8, windowMs: 50, workPerHalf: 20_000 });
  t.diagnostic(`samples in span work ${r.inWork}: right ${r.right}, wrong ${r.wrong}, unlabelled ${r.unlabelled}`);
  t.diagnostic(`slot table ${JSON.stringify(r.stats)}`);
  assert.ok(r.inWork >= 20, `only ${r.inWork} samples in span work`);
  assert.ok(r.stats.overflows > 0, 'the table should have overflowed');
  assert.ok(r.stats.highWater <= 8);
  assert.equal(r.wrong, 0);
  assert.ok(r.unlabelled > 0);
});
