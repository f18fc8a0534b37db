'use strict';
// withLabels and currentLabels: merging and nesting, what the tracker
// publishes at each moment (exact, read synchronously), bad input, the
// per-window bound on label sets, and profile_id giving a span profile
// without OpenTelemetry.
const { describe, test, afterEach } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { context } = require('@opentelemetry/api');
const { availableMechanisms, registerContextManager, resetGlobals, newTracing, newTracker, idOf, burner, gc } = require('./support/otel');
const { spanRegistry } = require('../dist/internal');
const { decodedLabelCounts } = require('./support/go-pprof');
const spanprof = require('../dist');
const { decodeProfileSync } = require('./support/read-pprof');

const { withLabels, currentLabels } = spanprof;
const immediate = () => new Promise((resolve) => setImmediate(resolve));
const customOf = (labels) => Object.fromEntries(labels?.custom ?? []);

for (const otelRegistered of [true, false]) {
  for (const mechanism of availableMechanisms()) {
    describe(`withLabels (${otelRegistered ? 'OTel context manager' : 'no OpenTelemetry'}, ${mechanism})`, () => {
      let t;
      afterEach(() => {
        t?.tracker.disable();
        t = undefined;
        resetGlobals();
      });

      function setup() {
        if (otelRegistered) registerContextManager();
        t = newTracker({ mechanism });
        return t;
      }

      test('inner labels override outer keys and keep the others; the outer set is back after the call', () => {
        const t = setup();
        const seen = [];
        withLabels({ tenant: 'a', region: 'eu' }, () => {
          seen.push([currentLabels(), customOf(t.read())]);
          withLabels({ tenant: 'b' }, () => seen.push([currentLabels(), customOf(t.read())]));
          seen.push([currentLabels(), customOf(t.read())]);
        });
        seen.push([currentLabels(), t.read()]);
        assert.deepEqual(seen, [
          [{ region: 'eu', tenant: 'a' }, { region: 'eu', tenant: 'a' }],
          [{ region: 'eu', tenant: 'b' }, { region: 'eu', tenant: 'b' }],
          [{ region: 'eu', tenant: 'a' }, { region: 'eu', tenant: 'a' }],
          [{}, null],
        ]);
      });

      test('in async code too: each continuation carries its own set, and the return value is fn’s', async () => {
        const t = setup();
        const seen = [];
        const result = await withLabels({ tenant: 'a' }, async (x) => {
          await immediate();
          const inner = withLabels({ tenant: 'b', step: 'inner' }, async () => {
            await null;
            await new Promise((resolve) => setTimeout(resolve, 1));
            seen.push(['inner', customOf(t.read())]);
            return 'inner done';
          });
          seen.push(['outer while inner waits', customOf(t.read())]);
          assert.equal(await inner, 'inner done');
          await new Promise((resolve) => process.nextTick(resolve));
          seen.push(['outer after inner', customOf(t.read())]);
          return x * 2;
        }, 21);
        assert.equal(result, 42);
        seen.push(['caller', t.read()]);
        assert.deepEqual(seen, [
          ['outer while inner waits', { tenant: 'a' }],
          ['inner', { step: 'inner', tenant: 'b' }],
          ['outer after inner', { tenant: 'a' }],
          ['caller', null],
        ]);
      });

      test('a throw or a rejection passes through unchanged', async () => {
        setup();
        assert.throws(() => withLabels({ a: '1' }, () => { throw new Error('sync boom'); }), /sync boom/);
        await assert.rejects(withLabels({ a: '1' }, async () => { throw new Error('async boom'); }), /async boom/);
        assert.deepEqual(currentLabels(), {});
      });

      if (otelRegistered) {
        test('with spans: a sample carries both its span and its labels', () => {
          const t = setup();
          const { tracer } = newTracing({ record: false });
          withLabels({ tenant: 'a' }, () =>
            tracer.startActiveSpan('request', (span) => {
              const labels = t.read();
              assert.equal(labels.spanId, idOf(span));
              assert.equal(labels.spanName, 'request');
              assert.deepEqual(customOf(labels), { tenant: 'a' });
              span.end();
            }),
          );
        });
      }

      test('spans inside a call that never ends are let go as they end', async (tc) => {
        if (!otelRegistered) {
          tc.skip('spans need the OTel context manager');
          return;
        }
        const t = setup();
        const entries = [];
        const { tracer } = newTracing({ record: false });
        let release;
        const forever = new Promise((resolve) => {
          release = resolve;
        });
        let spansDone;
        const done = new Promise((resolve) => {
          spansDone = resolve;
        });
        // A consumer loop: labels for the life of the loop, one span per message.
        const loop = withLabels({ queue: 'orders' }, async () => {
          for (let i = 0; i < 50; i++) {
            await tracer.startActiveSpan(`message ${i}`, async (span) => {
              entries.push(new WeakRef(spanRegistry.entryOf(context.active())));
              await null;
              span.end();
            });
          }
          spansDone();
          await forever;
        });
        await done;
        t.slots.windowClosed();
        t.slots.windowClosed();
        if (mechanism === 'frame-slot') {
          assert.ok(t.tracker.frameStats().held <= 1, `held after the spans ended: ${JSON.stringify(t.tracker.frameStats())}`);
        }
        assert.ok(t.slots.stats().live <= 1, `slots still lent: ${JSON.stringify(t.slots.stats())}`);
        // Their entries are garbage while the call goes on.
        for (let i = 0; i < 5 && entries.some((r) => r.deref() !== undefined); i++) {
          await immediate();
          gc();
        }
        assert.equal(entries.filter((r) => r.deref() !== undefined).length, 0, 'entries of ended spans still reachable');
        release();
        await loop;
        t.slots.windowClosed();
        t.slots.windowClosed();
        assert.equal(t.slots.stats().live, 0, 'and the call’s own, once it ended');
      });

      test('profile_id gives the samples that span id, over a span’s', () => {
        const t = setup();
        withLabels({ profile_id: 'ABCDEF0123456789', tenant: 'a' }, () => {
          assert.deepEqual(currentLabels(), { tenant: 'a', profile_id: 'abcdef0123456789' });
          assert.equal(t.read().spanId, 'abcdef0123456789');
          assert.deepEqual(customOf(t.read()), { tenant: 'a' }, 'profile_id is not a series label');
        });
      });
    });
  }
}

describe('withLabels: bad input', () => {
  afterEach(() => resetGlobals());
  const cases = [
    [null, /TypeError: withLabels: labels must be an object of string keys and string values; got null/],
    ['tenant=a', /TypeError: withLabels: labels must be an object .* got "tenant=a"/],
    [['a'], /TypeError: .* got an array/],
    [{ tenant: 7 }, /TypeError: withLabels: the value of label tenant must be a string; got number 7/],
    [{ 'bad-key': 'x' }, /RangeError: withLabels: label name "bad-key" is not accepted; Pyroscope takes \[a-zA-Z_\]\[a-zA-Z0-9_\]\*, not starting with __/],
    [{ __x: 'x' }, /RangeError: .* not starting with __/],
    [{ span_id: 'x' }, /RangeError: withLabels: label name span_id is reserved \(service_name, __name__, span_id, span_name, trace_id .*use profile_id/],
    [{ service_name: 'x' }, /reserved/],
    [{ trace_id: 'x' }, /reserved/],
    [{ span_name: 'x' }, /reserved/],
    [{ tenant: '' }, /RangeError: withLabels: the value of label tenant must have 1 to 2048 bytes in UTF-8 \(Pyroscope's limit\); got 0/],
    [{ tenant: 'é'.repeat(1025) }, /must have 1 to 2048 bytes .* got 2050/],
    [{ profile_id: '123' }, /RangeError: withLabels: profile_id must be 16 hex digits, not all zero/],
    [{ profile_id: '0000000000000000' }, /profile_id must be 16 hex digits, not all zero/],
    [Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, 'v'])), /at most 20 labels may be in force at once/],
  ];
  for (const [labels, error] of cases) {
    test(`refuses ${JSON.stringify(labels)?.slice(0, 60)}`, () => {
      let ran = false;
      assert.throws(() => withLabels(labels, () => { ran = true; }), (err) => error.test(`${err.name}: ${err.message}`));
      assert.equal(ran, false, 'fn does not run');
      assert.deepEqual(currentLabels(), {});
    });
  }
  test('refuses a non-function', () => {
    assert.throws(() => withLabels({ a: '1' }, 'not a function'), /TypeError: withLabels: fn must be a function; got string/);
  });
  test('2048 bytes is still accepted', () => {
    assert.equal(withLabels({ tenant: 'x'.repeat(2048) }, () => currentLabels().tenant.length), 2048);
  });
});

/** A started profiler writing windows of `windowMs` to a fresh directory, with its windows decoded. */
function startProfiler(options = {}) {
  const outputDir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanprof-labels-'));
  const windows = [];
  const handle = spanprof.start({
    serviceName: 'labels-test',
    outputDir,
    windowMs: 200,
    logLevel: 'warn',
    onWindow: (w) => windows.push(w),
    ...options,
  });
  return {
    handle,
    windows,
    async stop() {
      await handle.stop();
      fs.rmSync(outputDir, { recursive: true, force: true });
    },
    /** label key → value → samples, over every CPU profile so far. */
    labelCounts() {
      const total = {};
      for (const w of windows) {
        const cpu = w.profiles.find((p) => p.kind === 'cpu');
        const counts = decodedLabelCounts(decodeProfileSync(cpu.gzip));
        for (const [k, byValue] of Object.entries(counts)) {
          total[k] ??= {};
          for (const [v, n] of Object.entries(byValue)) total[k][v] = (total[k][v] ?? 0) + n;
        }
      }
      return total;
    },
  };
}

test('profile_id without OpenTelemetry: the profile holds span_id = id samples for that request’s code only', async (t) => {
  resetGlobals();
  const p = startProfiler();
  try {
    const mine = burner('profile_id_request');
    const other = burner('profile_id_bystander');
    const id = '0123456789abcdef';
    for (let i = 0; i < 20; i++) {
      await withLabels({ profile_id: id }, async () => {
        mine(25);
        await immediate();
        mine(25);
      });
      other(15);
      await immediate();
    }
    await p.handle.flush();
    const counts = p.labelCounts();
    t.diagnostic(`span_id counts: ${JSON.stringify(counts.span_id)}`);
    assert.ok((counts.span_id?.[id] ?? 0) >= 20, `only ${counts.span_id?.[id] ?? 0} samples with span_id ${id}`);
    assert.deepEqual(Object.keys(counts.span_id), [id], 'no other span id');
    assert.equal(counts.trace_id, undefined, 'no trace id made up');
    // Which code carries it: read the samples themselves.
    const { readSamples } = require('./support/read-pprof');
    let mineWith = 0;
    let mineAll = 0;
    let otherWith = 0;
    for (const w of p.windows) {
      const profile = decodeProfileSync(w.profiles.find((x) => x.kind === 'cpu').gzip);
      for (const s of readSamples(profile)) {
        const count = s.values[0];
        if (s.stack.includes('profile_id_request')) {
          mineAll += count;
          if (s.labels.span_id === id) mineWith += count;
        }
        if (s.stack.includes('profile_id_bystander') && s.labels.span_id === id) otherWith += count;
      }
    }
    t.diagnostic(`request code: ${mineWith}/${mineAll} carry the id; bystander: ${otherWith}`);
    assert.ok(mineAll >= 20 && mineWith / mineAll >= 0.99, `request code: ${mineWith}/${mineAll}`);
    assert.equal(otherWith, 0);
  } finally {
    await p.stop();
  }
});

test('label sets beyond maxLabelSets per window are left out, counted and warned once; never mislabelled', async () => {
  resetGlobals();
  const lines = [];
  const write = process.stderr.write;
  process.stderr.write = (chunk, ...rest) => {
    if (String(chunk).includes('spanprof')) lines.push(String(chunk));
    return write.call(process.stderr, chunk, ...rest);
  };
  const p = startProfiler({ maxLabelSets: 3, windowMs: 60_000 });
  try {
    const seen = [];
    for (let i = 0; i < 6; i++) withLabels({ tenant: `t${i}` }, () => seen.push(currentLabels().tenant ?? null));
    // A set already entered this window is not a new one.
    withLabels({ tenant: 't0' }, () => seen.push(currentLabels().tenant ?? null));
    withLabels({ outer: 'x' }, () => seen.push(currentLabels()));
    assert.deepEqual(seen, ['t0', 't1', 't2', null, null, null, 't0', {}]);
    assert.deepEqual(p.handle.stats().labels, { admitted: 3, dropped: 4, maxPerWindow: 3 });
    await p.handle.flush();
    // A new window: new sets are admitted again.
    withLabels({ tenant: 't5' }, () => seen.push(currentLabels().tenant));
    assert.equal(seen.at(-1), 't5');
    assert.equal(lines.filter((l) => l.includes('distinct label sets in one window')).length, 1, lines.join(''));
    assert.match(lines.join(''), /more than 3 distinct label sets in one window.*maxLabelSets \(SPANPROF_MAX_LABEL_SETS\)/);
  } finally {
    process.stderr.write = write;
    await p.stop();
  }
});

test('maxLabelSets: a wrong value names the option and the accepted values', () => {
  const { resolveConfig } = require('../dist/internal');
  assert.throws(() => resolveConfig({ maxLabelSets: 0 }, {}), /options\.maxLabelSets.*1.*100000/);
  assert.throws(() => resolveConfig({ maxLabelSets: 2.5 }, {}), /options\.maxLabelSets: must be an integer from 1 to 100000; got 2\.5/);
  assert.throws(() => resolveConfig({}, { SPANPROF_MAX_LABEL_SETS: 'many' }), /SPANPROF_MAX_LABEL_SETS/);
  assert.equal(resolveConfig({}, {}).maxLabelSets, 100);
  assert.equal(resolveConfig({}, { SPANPROF_MAX_LABEL_SETS: '500' }).maxLabelSets, 500);
});

test('labels reach Pyroscope on each sample, beside the span labels, and pass its rules', async (t) => {
  const { startIngestServer } = require('./support/ingest-server');
  const server = await startIngestServer();
  t.after(() => server.close());
  resetGlobals();
  const handle = spanprof.start({ serviceName: 'labels-push', serverAddress: server.url, windowMs: 200, logLevel: 'error' });
  try {
    const work = burner('labelled_for_pyroscope');
    for (let i = 0; i < 10; i++) {
      await withLabels({ tenant: 'acme', plan: 'gold' }, async () => {
        work(10);
        await immediate();
      });
    }
    await handle.flush();
  } finally {
    await handle.stop();
  }
  assert.deepEqual(server.invalid, [], 'every upload met the server’s rules');
  const counts = {};
  for (const upload of server.uploads) {
    for (const [k, byValue] of Object.entries(decodedLabelCounts(upload.profile))) {
      counts[k] ??= {};
      for (const [v, n] of Object.entries(byValue)) counts[k][v] = (counts[k][v] ?? 0) + n;
    }
  }
  t.diagnostic(`sample labels received: ${JSON.stringify(counts)}`);
  assert.ok((counts.tenant?.acme ?? 0) >= 5, 'tenant on the samples');
  assert.equal(counts.tenant.acme, counts.plan.gold, 'both labels on the same samples');
  assert.ok(server.uploads.every((u) => !('tenant' in u.labels)), 'sample labels, not series labels of the upload');
});

test('uploads carry span_id but leave trace_id out unless traceIdLabel is set', async (t) => {
  const { startIngestServer } = require('./support/ingest-server');
  for (const traceIdLabel of [undefined, true]) {
    const server = await startIngestServer();
    t.after(() => server.close());
    resetGlobals();
    registerContextManager();
    const { tracer } = newTracing();
    const handle = spanprof.start({
      serviceName: 'trace-id-push',
      serverAddress: server.url,
      windowMs: 200,
      logLevel: 'error',
      ...(traceIdLabel === undefined ? {} : { traceIdLabel }),
    });
    let traceId;
    try {
      const work = burner('traced_for_pyroscope');
      for (let i = 0; i < 10; i++) {
        await tracer.startActiveSpan('request', async (span) => {
          traceId = span.spanContext().traceId;
          work(10);
          await immediate();
          span.end();
        });
      }
      await handle.flush();
    } finally {
      await handle.stop();
      resetGlobals();
    }
    assert.deepEqual(server.invalid, []);
    const counts = { span_id: 0, trace_id: 0 };
    for (const upload of server.uploads) {
      const byName = decodedLabelCounts(upload.profile);
      for (const name of Object.keys(counts)) {
        for (const n of Object.values(byName[name] ?? {})) counts[name] += n;
      }
    }
    t.diagnostic(`traceIdLabel ${traceIdLabel}: ${JSON.stringify(counts)}, last trace ${traceId}`);
    assert.ok(counts.span_id >= 5, 'spans label the samples');
    if (traceIdLabel) assert.equal(counts.trace_id, counts.span_id, 'every span-labelled sample has its trace');
    else assert.equal(counts.trace_id, 0, 'trace_id was sent');
  }
});
