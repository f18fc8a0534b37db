'use strict';
// Hostile input, through the real sampler and the real encoder: very deep
// stacks, a 1 MB function name, control characters and ill-formed UTF-16 in
// names and labels, 100 KB span names, a million distinct span names. None
// may crash; each value arrives whole, or cut or left out as documented:
//   - V8 keeps the innermost 255 frames of a sampled stack; spanprof keeps
//     every frame it is given.
//   - Function names are kept whole, however long (Pyroscope itself cuts
//     symbols past its max_profile_symbol_value_length).
//   - Strings are written as UTF-8: an unpaired surrogate becomes U+FFFD
//     (V8 hands names over that way already; labels are converted when
//     encoded). Control characters are kept.
//   - A span_name over 2048 bytes of UTF-8 is left out of the sample and
//     counted in the window's invalidLabels; span_id and trace_id stay.
const { test, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const zlib = require('node:zlib');
const { Profile } = require('pprof-format');
const { context, trace } = require('@opentelemetry/api');
const { encodeWindow } = require('../dist/internal');
const { readSamples } = require('./support/read-pprof');
const { checkProfile } = require('./support/ingest-server');
const { sampleWindow, handWindow, stopSampler, Kind } = require('./support/profile-windows');
const { registerContextManager, resetGlobals, newTracing, newTracker } = require('./support/otel');

after(() => stopSampler());

const SPAN = { spanId: '0123456789abcdef', traceId: '0123456789abcdef0123456789abcdef' };

/** Bytes of every string_table entry (Profile field 6) of a pprof message. */
function rawStringTable(bytes) {
  const out = [];
  let i = 0;
  const varint = () => {
    let v = 0n;
    let shift = 0n;
    for (;;) {
      const b = bytes[i++];
      v |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return v;
      shift += 7n;
    }
  };
  while (i < bytes.length) {
    const key = Number(varint());
    const field = key >>> 3;
    const wire = key & 7;
    if (wire === 0) varint();
    else if (wire === 1) i += 8;
    else if (wire === 5) i += 4;
    else if (wire === 2) {
      const len = Number(varint());
      if (field === 6) out.push(bytes.subarray(i, i + len));
      i += len;
    } else throw new Error(`wire type ${wire}`);
  }
  return out;
}

/** Encodes, checks what Pyroscope checks (UTF-8 included), and reads the samples back. */
async function roundTrip(window) {
  const encoded = await encodeWindow(window);
  const raw = zlib.gunzipSync(encoded.profiles[0].gzip);
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  for (const s of rawStringTable(raw)) utf8.decode(s); // throws on invalid UTF-8
  checkProfile(raw); // the ingest server's rules
  return { samples: readSamples(Profile.decode(raw)), summary: encoded.summary };
}

function spinIn(fn, ms) {
  return fn(ms);
}

// Parameters and body of a function that spins for `ms` of wall time. The
// clock is read once per 10,000 iterations, so nearly every sample has the
// function itself as its leaf frame, not the clock's own frames.
const SPIN_BODY = '(ms) { const e = performance.now() + ms; let x = 0; while (performance.now() < e) for (let i = 0; i < 10000; i++) x += Math.sqrt(x + i); return x; }';

/**
 * Samples `run` until the window holds the function under test (`hit`), at
 * most 3 times: on a loaded machine a 300 ms run can, rarely, get no sample
 * at all, and that says nothing of how names are encoded.
 */
async function sampleUntil(run, hit) {
  let window;
  for (let attempt = 0; attempt < 3; attempt++) {
    window = await sampleWindow({ phases: [{ slot: 0, run }] });
    if (hit(window)) break;
  }
  return window;
}

test('a 10,000-frame recursion: no crash; V8 keeps the innermost 255 frames, spanprof all of them', async () => {
  // In a child with a larger V8 stack: 10,000 frames overflow the default on Node 24.
  const r = spawnSync(process.execPath, ['--stack-size=4000', path.join(__dirname, 'fixtures', 'reliability-deep-stack.js')], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(r.signal, null, `died by ${r.signal}: ${r.stderr}`);
  assert.equal(r.status, 0, r.stderr);
  const { leaf } = JSON.parse(r.stdout);
  assert.ok(leaf.length > 0, 'no sample in the leaf');
  for (const s of leaf) {
    assert.ok(s.stack.length >= 200 && s.stack.length <= 260, `stack of ${s.stack.length} frames`);
    assert.ok(s.stack.slice(1, 200).every((f) => f === 'hostileDeep'), 'the innermost frames are kept');
    assert.equal(s.spanId, SPAN.spanId);
  }
  // Given a 10,000-frame stack, the encoder keeps every frame.
  const nodes = [[-1, '(root)', '', 0, 0, Kind.Root]];
  for (let i = 1; i <= 10_000; i++) nodes.push([i - 1, `f${i}`, 'file:///deep.js', i, 1, Kind.Js]);
  const hand = await roundTrip(handWindow({ nodes, samples: [[10_000, 0, 10_000_000, 10_000_000]] }));
  assert.equal(hand.samples[0].stack.length, 10_000);
  assert.equal(hand.samples[0].stack[0], 'f10000');
  assert.equal(hand.samples[0].stack[9_999], 'f1');
});

test('a function named with 1 MB of characters: sampled, encoded and read back whole', async () => {
  const name = `h${'x'.repeat(2 ** 20 - 1)}`;
  const huge = new Function(`return function ${name}${SPIN_BODY}`)();
  const window = await sampleUntil(() => spinIn(huge, 300), (w) => w.raw.strings.includes(name));
  const { samples } = await roundTrip(window);
  const hit = samples.flatMap((s) => s.stack).filter((f) => f.length === name.length);
  assert.ok(hit.length > 0, 'no sample in the 1 MB function');
  assert.equal(hit[0], name);
});

test('control characters and unpaired surrogates in function names: valid UTF-8, nothing else changed', async () => {
  const key = 'ctl\\u0001\\n\\t\\u001b[31m\\ud800\\udfffend\\u00e9\\ud83d\\ude00';
  const odd = new Function(`return ({ "${key}": function ${SPIN_BODY} })["${key}"];`)();
  const window = await sampleUntil(() => odd(300), (w) => w.raw.strings.some((n) => n.startsWith('ctl')));
  const fromV8 = window.raw.strings.find((s) => s.startsWith('ctl'));
  assert.ok(fromV8, 'V8 did not name the function');
  assert.ok(fromV8.isWellFormed(), 'V8 hands over well-formed names');
  assert.match(fromV8, /^ctl\u0001\n\t\u001b\[31m.*end\u00e9\ud83d\ude00$/u, JSON.stringify(fromV8));
  const { samples } = await roundTrip(window);
  assert.ok(samples.some((s) => s.stack.includes(fromV8)), 'the name came back changed');
});

test('span names with control characters, unpaired surrogates, 2 KB and 100 KB, from real spans', async () => {
  registerContextManager();
  const { tracer } = newTracing({ spanIdScope: 'all', spanNameScope: 'all' });
  const t = newTracker();
  try {
    const names = {
      control: 'GET /a\u0000b\u0001\r\n\t\u007f\u001b[0m',
      surrogates: 'lone \ud800 and \udc00 and pair \ud83d\ude00',
      bytes2048: '\u20ac'.repeat(682) + 'ab', // 2048 bytes of UTF-8: kept
      huge: 'n'.repeat(100 * 1024),
    };
    const slots = {};
    for (const [k, name] of Object.entries(names)) {
      const span = tracer.startSpan(name);
      context.with(trace.setSpan(context.active(), span), () => {
        slots[k] = t.cell[0];
      });
      span.end();
    }
    const labels = t.slots.labelsFor(Object.values(slots));
    const nodes = [[-1, '(root)', '', 0, 0, Kind.Root], [0, 'work', 'file:///a.js', 1, 1, Kind.Js]];
    const samples = Object.values(slots).map((slot) => [1, slot, 1_000_000, 1_000_000]);
    const { samples: back, summary } = await roundTrip(handWindow({ nodes, samples, labels }));
    const byId = (k) => back.find((s) => s.labels.span_id === labels.get(slots[k]).spanId);
    assert.equal(byId('control').labels.span_name, names.control, 'control characters kept');
    assert.equal(byId('surrogates').labels.span_name, names.surrogates.toWellFormed(), 'unpaired surrogates become U+FFFD');
    assert.equal(byId('bytes2048').labels.span_name, names.bytes2048);
    assert.equal(byId('huge').labels.span_name, undefined, 'a 100 KB name is left out');
    assert.match(byId('huge').labels.trace_id, /^[0-9a-f]{32}$/, 'its ids stay');
    assert.equal(summary.invalidLabels, 1, 'and counted');
  } finally {
    t.tracker.disable();
    resetGlobals();
  }
});

test('a million distinct span names: no crash, bounded memory, every window delivered, no slot left', (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanprof-many-'));
  try {
    const r = spawnSync(process.execPath, ['--expose-gc', path.join(__dirname, 'fixtures', 'reliability-many-spans.js'), '1000000'], {
      encoding: 'utf8',
      timeout: 240_000,
      env: { ...process.env, SPANPROF_OUTPUT_DIR: dir },
    });
    assert.equal(r.signal, null, `died by ${r.signal}: ${r.stderr}`);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.names, 1_000_000);
    assert.equal(out.encodeFailures, 0);
    assert.equal(out.exporter.sent, out.profiler.windows, JSON.stringify(out.exporter));
    assert.equal(out.exporter.dropped + out.exporter.failed, 0);
    assert.equal(out.slots.live, 0, 'no slot held after stop');
    assert.equal(out.slots.overflows, 0);
    assert.equal(out.slots.acquired, out.slots.retired);
    // Nothing kept: once stopped, the heap that survives a full GC is what it
    // was before the spans. (RSS is no measure: V8 keeps freed pages, Node 24
    // far more than Node 20, and ASan holds freed memory in quarantine.)
    const keptMiB = (out.retainedAfterStop - out.retainedBefore) / 2 ** 20;
    assert.ok(keptMiB < 16, `the heap kept ${keptMiB.toFixed(1)} MiB after 1,000,000 spans`);
    t.diagnostic(
      `retained heap ${(out.retainedBefore / 2 ** 20).toFixed(1)} -> ${(out.retainedAfterStop / 2 ** 20).toFixed(1)} MiB; ` +
        `RSS ${(out.rssBefore / 2 ** 20).toFixed(0)} -> ${(out.rssAfter / 2 ** 20).toFixed(0)} MiB; ` +
        `slot high water ${out.slots.highWater}`,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
