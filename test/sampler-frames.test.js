'use strict';
// The `frame-slot` mechanism under real sampling: the signal handler reads the
// slot from the async context frame while the code under it collects garbage,
// switches contexts as fast as it can, and runs in several threads at once.
// Ground truth is the stack: a sample with a span's own function on it must
// carry that span's labels, exactly.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const v8 = require('node:v8');
const { AsyncLocalStorage, AsyncResource } = require('node:async_hooks');
const { Worker } = require('node:worker_threads');
const { context, trace, ROOT_CONTEXT } = require('@opentelemetry/api');
const {
  availableMechanisms,
  registerContextManager,
  resetGlobals,
  newTracing,
  startSampling,
  nativeBinding,
  burner,
  gc,
} = require('./support/otel');
const { burnCpu } = require('./support/cpu-burn');
const { NodeKind } = require('./support/native');

const skip = availableMechanisms().includes('frame-slot')
  ? false
  : `frame-slot needs AsyncContextFrame and a native frame reader; Node ${process.version} has ${
      require('../dist/internal').asyncContextFacts().contextFrame ? 'no reader' : 'no AsyncContextFrame'
    }`;

/** A function with its own name, so that V8's stacks show which one ran. */
function named(name, body) {
  return new Function('work', `return function ${name}() { return work(); }`)(body);
}

function spin() {
  let x = 0;
  for (let i = 0; i < 2000; i++) x += Math.sqrt(x + i);
  return x;
}

/** Runs `round` for 1.5 s of CPU under sampling, then stops it and ends the spans. */
function burnThenStop(sampling, round, spans) {
  try {
    burnCpu(1500, round);
  } finally {
    sampling.stop();
    for (const span of spans) span.end();
    resetGlobals();
  }
}

test('GC during sampling: samples taken while objects move keep the span of the code that triggered it', { skip }, () => {
  // Compaction on every full GC, so the frame, its table, the holder and the key all move.
  v8.setFlagsFromString('--stress-compaction');
  registerContextManager();
  const { tracer } = newTracing({ spanNameScope: 'all', spanIdScope: 'all' });
  const sampling = startSampling({ mechanism: 'frame-slot', intervalMicros: 1000, windowMs: 200 });
  const clock = nativeBinding().monotonicNowUs;
  const ranges = [];
  try {
    assert.equal(sampling.tracker.mechanism, 'frame-slot');
    for (let k = 0; k < 6; k++) {
      const name = `gc-span-${k}`;
      let junk = [];
      const churn = named(`churn${k}`, () => {
        for (let i = 0; i < 200; i++) junk.push({ i, s: `x${i}`, a: new Array(16).fill(i) });
        if (junk.length > 20_000) junk = [];
        if (Math.random() < 0.05) gc();
        return junk.length;
      });
      tracer.startActiveSpan(name, (span) => {
        const from = clock();
        burnCpu(250, churn);
        ranges.push({ name, from, to: clock() });
        span.end();
      });
    }
  } finally {
    sampling.stop();
    v8.setFlagsFromString('--no-stress-compaction');
    resetGlobals();
  }
  let inside = 0;
  let gcInside = 0;
  const wrong = [];
  for (const s of sampling.samples) {
    const range = ranges.find((r) => s.timeUs > r.from && s.timeUs < r.to);
    if (range === undefined) continue;
    inside++;
    if (s.kind === NodeKind.Gc) gcInside++;
    const got = s.labels === null ? null : s.labels.spanName;
    if (got !== range.name) wrong.push(`${s.stack.slice(0, 3).join(' < ')}: ${String(got)}, expected ${range.name}`);
  }
  assert.deepEqual(wrong.slice(0, 10), [], `${wrong.length} of ${inside} samples inside a span had another label`);
  assert.ok(inside >= 300, `only ${inside} samples inside the spans`);
  assert.ok(gcInside >= 5, `only ${gcInside} samples in the garbage collector: GC was not exercised`);
});

test('writes racing signals: context switches at full speed never give a sample another span', { skip }, () => {
  registerContextManager();
  const { tracer } = newTracing({ spanNameScope: 'all', spanIdScope: 'all' });
  const sampling = startSampling({ mechanism: 'frame-slot', intervalMicros: 1000, windowMs: 200 });
  // Another AsyncLocalStorage writing and disabling itself in between: disable()
  // deletes from the live frame in place, beside spanprof's own writes of its
  // holder into the frames `with` makes.
  const other = new AsyncLocalStorage();
  const a = tracer.startSpan('racer-a', {}, ROOT_CONTEXT);
  const b = tracer.startSpan('racer-b', {}, ROOT_CONTEXT);
  const ctxA = trace.setSpan(ROOT_CONTEXT, a);
  const ctxB = trace.setSpan(ROOT_CONTEXT, b);
  const inA = named('insideRacerA', spin);
  const inB = named('insideRacerB', spin);
  const inNone = named('insideNoSpan', spin);
  const round = named('switchRound', () => {
    let x = context.with(ctxA, inA);
    x += context.with(ctxB, () => context.with(ctxA, inA) + inB());
    other.enterWith({ x });
    x += context.with(ROOT_CONTEXT, inNone);
    other.disable();
    x += context.with(ctxB, inB);
    return x;
  });
  burnThenStop(sampling, round, [a, b]);
  const expect = [
    ['insideRacerA', 'racer-a'],
    ['insideRacerB', 'racer-b'],
    ['insideNoSpan', null],
  ];
  const seen = new Map(expect.map(([fn]) => [fn, 0]));
  const wrong = [];
  for (const s of sampling.samples) {
    const leafFn = expect.find(([fn]) => s.stack.includes(fn));
    if (leafFn === undefined) continue;
    const [fn, name] = leafFn;
    seen.set(fn, seen.get(fn) + 1);
    const got = s.labels === null ? null : s.labels.spanName;
    if (got !== name) wrong.push(`${s.stack.slice(0, 3).join(' < ')}: ${String(got)}, expected ${String(name)}`);
  }
  assert.deepEqual(wrong.slice(0, 10), [], `${wrong.length} samples had a wrong label`);
  for (const [fn, count] of seen) assert.ok(count >= 50, `only ${count} samples in ${fn}: ${JSON.stringify([...seen])}`);
});

test('a holder written into the frame in force, racing the signal, never reads as another span', { skip }, () => {
  registerContextManager();
  const { tracer } = newTracing({ spanNameScope: 'all', spanIdScope: 'all' });
  // A frame from before any holder was written: entering it makes `with` add the holder's key to a fresh frame (a new entry, and at times a larger table) rather than set it.
  const bare = new AsyncResource('bare-frame');
  const sampling = startSampling({ mechanism: 'frame-slot', intervalMicros: 1000, windowMs: 200 });
  // Decoys hold ids all around the racers', so a torn read would land on one of them.
  const decoys = [];
  for (let i = 0; i < 2000; i++) {
    const span = tracer.startSpan(`decoy-${i}`, {}, ROOT_CONTEXT);
    context.with(trace.setSpan(ROOT_CONTEXT, span), () => {});
    decoys.push(span);
  }
  const a = tracer.startSpan('racer-a', {}, ROOT_CONTEXT);
  const b = tracer.startSpan('racer-b', {}, ROOT_CONTEXT);
  const ctxA = trace.setSpan(ROOT_CONTEXT, a);
  const ctxB = trace.setSpan(ROOT_CONTEXT, b);
  const tiny = () => 1;
  const round = named('switchRound', () => {
    let x = context.with(ctxA, () => context.with(ctxB, tiny) + context.with(ROOT_CONTEXT, tiny));
    x += bare.runInAsyncScope(() => context.with(ctxB, () => context.with(ctxA, tiny)));
    return x;
  });
  burnThenStop(sampling, round, [a, b, ...decoys]);
  const allowed = new Set([null, 'racer-a', 'racer-b']);
  let switching = 0;
  const wrong = [];
  for (const s of sampling.samples) {
    if (!s.stack.includes('switchRound')) continue;
    switching++;
    const got = s.labels === null ? null : s.labels === 'missing' ? 'missing' : s.labels.spanName;
    if (!allowed.has(got)) wrong.push(`${s.stack.slice(0, 3).join(' < ')}: ${String(got)}`);
  }
  assert.deepEqual(wrong.slice(0, 10), [], `${wrong.length} of ${switching} samples while switching read another id`);
  assert.ok(switching >= 300, `only ${switching} samples while switching`);
});

test('worker threads: each thread reads its own frames, and a worker terminated while sampling takes nothing down', { skip }, async () => {
  const script = path.join(__dirname, 'fixtures', 'frames-worker.js');
  const run = (name, cpuMs) =>
    new Promise((resolve, reject) => {
      const worker = new Worker(script, { workerData: { name, cpuMs } });
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`worker ${name} exited with ${code} before reporting`)));
    });
  const doomed = new Worker(script, { workerData: { name: 'doomed', cpuMs: 60_000 } });
  const doomedExit = new Promise((resolve) => doomed.once('exit', resolve));
  doomed.once('error', () => {});
  const workers = [run('worker-1', 600), run('worker-2', 600)];
  // The main thread samples its own spans meanwhile.
  registerContextManager();
  const { tracer } = newTracing({ spanNameScope: 'all' });
  const sampling = startSampling({ mechanism: 'frame-slot', windowMs: 200 });
  const mainWork = burner('mainThreadWork');
  try {
    tracer.startActiveSpan('main-span', (span) => {
      mainWork(600);
      span.end();
    });
  } finally {
    sampling.stop();
    resetGlobals();
  }
  await new Promise((resolve) => setTimeout(resolve, 300));
  await doomed.terminate();
  await doomedExit;
  const reports = await Promise.all(workers);
  const mainOwn = sampling.samples.filter((s) => s.stack.includes('mainThreadWork'));
  assert.ok(mainOwn.length >= 20, `main thread: only ${mainOwn.length} samples`);
  assert.deepEqual(
    [...new Set(mainOwn.map((s) => s.labels?.spanName ?? null))],
    ['main-span'],
    'main thread samples carry the main thread’s span',
  );
  for (const r of reports) {
    assert.equal(r.mechanism, 'frame-slot', `${r.name} tracked by frame-slot`);
    assert.ok(r.own >= 20, `${r.name}: only ${r.own} samples in its span's code`);
    assert.deepEqual(r.labels, [r.name], `${r.name}: its samples carry its own span`);
  }
});
